"""vBulletin 5: every selector matches the fixture's pages, and the quirks: node ids as post ids,
zoneless `time[datetime]` read in the site's timezone, path URLs with `/pageN`, quotes in vB4 markup."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crawler.engines.base import Page
from crawler.engines.vbulletin3 import VBulletin3
from crawler.engines.vbulletin4 import VBulletin4
from crawler.engines.vbulletin5 import VBulletin5
from fixtures.content import demo_forum
from fixtures.vbulletin5.site import VBulletin5Site
from tests.test_engine_vbulletin3 import long_thread
from tests.test_engine_xenforo2 import fetch, unmatched_selectors


@pytest.fixture(scope="module")
def site() -> VBulletin5Site:
    return VBulletin5Site(demo_forum())


def test_every_selector_matches_the_fixture(site):
    thread = long_thread()
    paths = ["/", site.forum_url(demo_forum().forum(2)), site.thread_url(thread), site.thread_url(thread, 2)]
    assert unmatched_selectors(VBulletin5(), [fetch(site, p) for p in paths]) == set()


def test_thread_page_reads_every_field(site):
    thread = long_thread()
    result = VBulletin5().thread(fetch(site, site.thread_url(thread, 2)))
    assert (result.title, result.forum_path) == (thread.title, ["Forum", "Boats & Gardens"])
    assert (result.thread_id, result.page_number) == (str(thread.thread_id), 2)
    assert result.next_page == "http://127.0.0.1" + site.thread_url(thread, 3)
    expected = thread.posts[5:10]
    assert [p.post_id for p in result.posts] == [str(p.post_id) for p in expected]
    for got, want in zip(result.posts, expected):
        assert (got.author, got.author_title, got.position) == (want.author.name, want.author.title, want.position)
        assert (got.author_id, got.posted_at) == (str(want.author.user_id), want.posted_at)
        assert got.edited_at == want.edited_at
        assert bool(got.signature_html) == bool(want.author.signature)
        assert [(q.author, q.post_id) for q in got.quotes] == (
            [(want.quote_of.author.name, str(want.quote_of.post_id))] if want.quote_of else [])


def test_zoneless_dates_are_read_in_the_site_timezone(site):
    thread = demo_forum().thread(104)
    page = fetch(site, site.thread_url(thread))
    first = VBulletin5(timezone_name="Europe/Berlin").thread(page).posts[0]
    shown = thread.posts[0].posted_at.replace(tzinfo=None)  # the page shows this wall-clock time
    assert first.posted_at == (shown.replace(tzinfo=timezone.utc) - (datetime(2016, 1, 1, 1) - datetime(2016, 1, 1)))


def test_topic_rows_and_canonical_urls(site):
    news = demo_forum().forum(2)
    engine = VBulletin5()
    page = fetch(site, site.forum_url(news))
    links = {link.thread_id: link for link in engine.thread_links(page)}
    for thread in sorted(news.threads, key=lambda t: t.last_post_at, reverse=True)[:3]:
        link = links[str(thread.thread_id)]
        assert (link.replies, link.last_post_at) == (len(thread.posts) - 1, thread.last_post_at)
        assert engine.canonical_thread_url(link.url + "/page3") == link.url
    assert "http://127.0.0.1/forum/general/news-politics/world-news" in engine.forum_links(page)


def test_only_vbulletin_5_claims_its_pages(site):
    page = fetch(site, site.thread_url(long_thread()))
    assert VBulletin5().detect(page) >= 0.8
    assert VBulletin4().detect(page) < 0.5 and VBulletin3().detect(page) < 0.5
    assert VBulletin5().detect(Page.from_html('<html id="vbulletin_html"><body></body></html>', "http://x/")) == 0.0
