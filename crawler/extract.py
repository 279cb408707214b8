"""Extraction from saved pages: the crawl's own engine and normalizer code on a file.

    doc = extract_html(html, url="https://forum.example.org/threads/x.1/")
    doc["engine"], doc["posts"][0]["text"]

Behind `forumsift extract FILE...`, for debugging selectors and reading offline archives.
"""
from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

from crawler.engines import Page, detect_engine, get_engine
from crawler.pagecheck import not_a_forum_reason


def read_page_file(path: str | Path) -> str:
    """A saved page's HTML (plain or .gz), decoded from its meta charset or UTF-8."""
    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    head = data[:4096].decode("ascii", "ignore")
    m = re.search(r"""<meta[^>]+charset=["']?([\w-]+)""", head, re.I)
    encoding = m.group(1) if m else "utf-8"
    try:
        return data.decode(encoding, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def page_url(html: str) -> str | None:
    """The page's own URL from its canonical link or og:url."""
    m = re.search(r"""<link[^>]+rel=["']canonical["'][^>]*>""", html[:200_000], re.I)
    for tag in ([m.group(0)] if m else []) + re.findall(r"""<meta[^>]+property=["']og:url["'][^>]*>""", html[:200_000], re.I):
        href = re.search(r"""(?:href|content)=["']([^"']+)""", tag)
        if href and href.group(1).startswith("http"):
            return href.group(1)
    return None


def extract_html(html: str, url: str | None = None, engine: str | None = None,
                 detect_language: bool = False, fixes: bool = False) -> dict[str, Any]:
    """One page -> `{url, engine, title, forum_path, next_page, posts: [...]}` with clean text;
    `fixes=True` adds each post's normalizer fixes (as `forumsift show --fixes` lists them).

    A page no engine recognises, or that is a login wall / challenge / error page, comes back with
    `engine: null`, no posts and a `reason`."""
    from crawler.page_reader import clean_posts  # noqa: PLC0415 (the normalizer loads with the first page)

    url = url or page_url(html) or "http://localhost/"
    page = Page.from_html(html, url)
    if engine:
        chosen = get_engine(engine)
    else:
        chosen, _, _ = detect_engine(page)
    doc: dict[str, Any] = {"url": url, "engine": chosen.name if chosen else None, "title": None,
                           "forum_path": [], "next_page": None, "posts": []}
    if chosen is None or not chosen.is_thread_page(page):
        reason = not_a_forum_reason(page)
        if reason and not engine:
            chosen = None  # a login wall or a challenge is no page of the engine that half-recognised it
            doc["engine"] = None
        doc["reason"] = reason or ("no forum engine recognised the page" if chosen is None else "no posts on the page")
        if chosen is not None:
            doc["title"] = chosen.thread_title(page)
            doc["next_page"] = chosen.next_page(page)
        return doc
    thread = chosen.thread(page)
    doc.update(title=thread.title, forum_path=thread.forum_path, next_page=thread.next_page)
    for post, clean in zip(thread.posts, clean_posts(thread.posts, thread.title, detect_language)):
        doc["posts"].append({
            "post_id": post.post_id, "position": post.position, "author": post.author,
            "author_title": post.author_title,
            "posted_at": post.posted_at.isoformat() if post.posted_at else None,
            "edited_at": post.edited_at.isoformat() if post.edited_at else None,
            "text": clean.text,
            "quotes": [{"author": q.author, "post_id": q.post_id, "text": q.text} for q in clean.quotes],
            "signature": clean.signature,
            "likes": post.likes,
            **({"lang": clean.lang} if detect_language else {}),
            **({"fixes": [f.to_dict() for f in clean.fixes]} if fixes else {}),
        })
    return doc
