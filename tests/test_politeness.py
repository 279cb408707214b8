"""Politeness by default: robots.txt, AutoThrottle, 2 requests per domain, Retry-After on 429/503,
an identifying User-Agent with a contact, crawl traps skipped and session ids removed."""
from __future__ import annotations

import time

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.middlewares import ContactUserAgentMiddleware, CrawlTrapMiddleware, contact_user_agent
from crawler.run import project_settings
from crawler.urls import canonical_url, trap_reason
from fixtures.content import demo_forum
from fixtures.site import DEFAULT_ROBOTS, Response
from fixtures.xenforo2.site import XenForo2Site
from tests.conftest import scrapy_crawl, sqlite_rows
from tests.test_incremental import stat

SESSION = "sid=0123456789abcdef0123456789abcdef"
DISALLOWED = demo_forum().thread(109)
THROTTLED = demo_forum().thread(101)
RETRY_AFTER = 2


class PickySite(XenForo2Site):
    """The demo forum with a session id in every thread link, one thread disallowed by robots.txt,
    and a 429 with Retry-After the first time one thread is asked for."""

    robots_txt = DEFAULT_ROBOTS + f"Disallow: /threads/{DISALLOWED.slug}.{DISALLOWED.thread_id}/\n"

    def __init__(self) -> None:
        super().__init__()
        self.times: dict[str, list[float]] = {}

    def thread_url(self, thread, page: int = 1) -> str:
        return super().thread_url(thread, page) + "?" + SESSION

    def handle(self, path_and_query: str) -> Response:
        self.times.setdefault(path_and_query, []).append(time.monotonic())
        throttled = super().thread_url(THROTTLED)
        if path_and_query == throttled and len(self.times[throttled]) == 1:
            self.requests.append(path_and_query)
            return Response(429, "<html><body>Too many requests</body></html>", headers={"Retry-After": str(RETRY_AFTER)})
        return super().handle(path_and_query)


def test_polite_crawl(serve_forum, tmp_path):
    server = serve_forum(PickySite())
    path = tmp_path / "forum.db"
    run = scrapy_crawl(server.url, f"sqlite:///{path}")
    assert run.returncode == 0, run.stderr[-3000:]
    site = server.site

    # session ids never reach the server, and the pages still are one request each
    assert not [r for r in site.requests if "sid=" in r]
    assert stat(run, "urls_session_removed") > 0
    # robots.txt: asked first, and the disallowed thread never fetched
    assert site.requests[0] == "/robots.txt"
    assert not [r for r in site.requests if f".{DISALLOWED.thread_id}/" in r]
    assert stat(run, "pages_robots_denied") == 1
    # 429 + Retry-After: asked again only after the wait, and its posts are stored
    first, second = site.times[XenForo2Site.thread_url(site, THROTTLED)][:2]
    assert second - first >= RETRY_AFTER - 0.1
    assert stat(run, "retry_after_waits") == 1
    stored = {pid for (pid,) in sqlite_rows(path, "SELECT engine_post_id FROM posts")}
    assert {str(p.post_id) for p in THROTTLED.posts} <= stored
    assert not {str(p.post_id) for p in DISALLOWED.posts} & stored


def test_politeness_defaults():
    settings = project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert {429, 503} <= {int(c) for c in settings.getlist("RETRY_HTTP_CODES")}
    assert settings.get("USER_AGENT").startswith("forumsift/")


def test_user_agent_names_a_contact():
    crawler = get_crawler(settings_dict={"USER_AGENT": "forumsift/0.1 (+https://github.com/forumsift/forumsift)",
                                         "FORUMSIFT_CONTACT": "ops@example.org"})
    request = Request("https://forum.example.org/")
    ContactUserAgentMiddleware.from_crawler(crawler).process_request(request)
    assert request.headers[b"User-Agent"] == b"forumsift/0.1 (+https://github.com/forumsift/forumsift; ops@example.org)"
    assert contact_user_agent("bot/1", "") == "bot/1"
    assert contact_user_agent("bot/1", "me@x.org") == "bot/1 (me@x.org)"


@pytest.mark.parametrize("url, reason", [
    ("https://f.org/posting.php?mode=reply&t=12", "posting form"),
    ("https://f.org/threads/harbour-talks.101/reply?quote=1001", "posting form"),
    ("https://f.org/newreply.php?do=newreply&p=55", "posting form"),
    ("https://f.org/memberlist.php", "member list"),
    ("https://f.org/members/harald.1/", "member list"),
    ("https://f.org/index.php?action=profile;u=3", "member list"),
    ("https://f.org/search/?q=harbour", "search"),
    ("https://f.org/search.php?keywords=x", "search"),
    ("https://f.org/printthread.php?t=4", "printable view"),
    ("https://f.org/index.php?topic=5.0;action=printpage", "printable view"),
    ("https://f.org/login/", "login or registration"),
    ("https://f.org/ucp.php?mode=login", "login or registration"),
    ("https://f.org/posts/1001/react?reaction_id=1", "post action"),
    ("https://f.org/threads/search-and-rescue-login-members.7/", None),
    ("https://f.org/forums/news-politics.2/page-2", None),
    ("https://f.org/viewtopic.php?t=12&start=20", None),
    ("https://f.org/showthread.php?t=4&page=2", None),
])
def test_trap_urls(url, reason):
    assert trap_reason(url) == reason


@pytest.mark.parametrize("url, canonical", [
    ("https://f.org/viewtopic.php?t=12&sid=0123456789abcdef0123456789abcdef", "https://f.org/viewtopic.php?t=12"),
    ("https://f.org/showthread.php?s=0123456789abcdef0123456789abcdef&t=4", "https://f.org/showthread.php?t=4"),
    ("https://f.org/index.php?PHPSESSID=abc123&topic=5.0", "https://f.org/index.php?topic=5.0"),
    ("https://f.org/forum;jsessionid=ABC123?id=3", "https://f.org/forum?id=3"),
    ("https://f.org/search.php?s=harbour", "https://f.org/search.php?s=harbour"),  # `s=` that is a search
    ("https://f.org/threads/a.1/page-2#post-5", "https://f.org/threads/a.1/page-2"),
])
def test_session_ids_are_removed(url, canonical):
    assert canonical_url(url) == canonical


def test_trap_middleware_drops_and_rewrites_requests():
    middleware = CrawlTrapMiddleware(get_crawler())
    middleware.stats.open_spider()
    out = list(middleware.process_spider_output(None, [
        Request("https://f.org/members/"), Request(f"https://f.org/viewtopic.php?t=1&{SESSION}"), {"item": 1}]))
    assert [getattr(o, "url", o) for o in out] == ["https://f.org/viewtopic.php?t=1", {"item": 1}]
