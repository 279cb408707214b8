"""The pages of a fixture forum as its own engine walks them, in process (no HTTP server): for tests
that look at every engine's pages (detection matrix, selector coverage)."""
from __future__ import annotations

from functools import lru_cache

from crawler.engines import Page, get_engine
from fixtures.server import make_site
from normalize.model import RawPost

BASE = "http://127.0.0.1:8000"


@lru_cache(maxsize=None)
def site_pages(engine: str, limit: int = 60) -> tuple[Page, ...]:
    """Up to `limit` HTML pages of `engine`'s fixture forum: the index, then what the engine's
    forum links, thread links and next-page links lead to (breadth first)."""
    site = make_site(engine)
    reader = get_engine(engine)
    queue, seen, pages = ["/"], {"/"}, []
    while queue and len(pages) < limit:
        path = queue.pop(0)
        response = site.handle(path)
        for _ in range(3):  # follow redirects as a browser would
            location = response.headers.get("Location")
            if response.status not in (301, 302, 303, 307, 308) or not location:
                break
            path = location[len(BASE):] if location.startswith(BASE) else location
            response = site.handle(path)
        if response.status != 200 or "html" not in response.content_type:
            continue
        cookies = [c.split("=", 1)[0].strip() for c in response.headers.get("Set-Cookie", "").split(",") if "=" in c]
        page = Page.from_html(response.bytes().decode("utf-8", "replace"), BASE + path, cookies=cookies)
        pages.append(page)
        urls = [reader.next_page(page)]
        if not reader.is_thread_page(page):
            urls += list(reader.forum_links(page)) + [link.url for link in reader.thread_links(page)]
        for url in urls:
            if url and url.startswith(BASE) and url[len(BASE):] not in seen:
                seen.add(url[len(BASE):])
                queue.append(url[len(BASE):])
    return tuple(pages)


def thread_posts(engine: str) -> list[RawPost]:
    """Every post `engine` reads on the thread pages of its fixture forum (`site_pages`)."""
    reader = get_engine(engine)
    return [post for page in site_pages(engine) if reader.is_thread_page(page) for post in reader.thread(page).posts]
