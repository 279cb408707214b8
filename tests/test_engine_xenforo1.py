"""XenForo 1: every selector matches the fixture's pages, and the quirks (ads injected as
`li.message` without an id, `span.DateTime[title]` text dates, member ids from URLs, "likes this")."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawler.engines.base import Page
from crawler.engines.xenforo1 import XenForo1
from crawler.engines.xenforo2 import XenForo2
from fixtures.content import demo_forum
from fixtures.xenforo1.site import XenForo1Site
from tests.test_engine_xenforo2 import fetch, long_thread_paths, prefixed_thread_page, unmatched_selectors


@pytest.fixture(scope="module")
def site() -> XenForo1Site:
    return XenForo1Site(demo_forum())


def test_every_selector_matches_the_fixture(site):
    thread = max(demo_forum().threads(), key=lambda t: len(t.posts))
    recent = XenForo1Site(demo_forum(), now=thread.last_post_at + timedelta(days=1))
    pages = [fetch(site, p) for p in ["/", site.forum_url(demo_forum().forum(2)), *long_thread_paths(site)]]
    pages += [fetch(recent, recent.thread_url(thread, 4)),
              prefixed_thread_page(site, "<h1>", '<span class="prefix prefixBlue">Solved</span>')]
    assert unmatched_selectors(XenForo1(), pages) == set()


def test_recent_and_old_dates_are_both_read(site):
    thread = max(demo_forum().threads(), key=lambda t: len(t.posts))
    recent = XenForo1Site(demo_forum(), now=thread.last_post_at + timedelta(days=1))
    page = fetch(recent, recent.thread_url(thread, 4))
    assert "abbr" in page.body_text and 'span class="DateTime"' in page.body_text
    for got, want in zip(XenForo1().thread(page).posts, thread.posts[15:]):
        assert got.posted_at == want.posted_at
        assert (got.edited_at is not None) == (want.edited_at is not None)


def test_thread_page_reads_every_field_and_skips_ads(site):
    thread = max(demo_forum().threads(), key=lambda t: len(t.posts))
    page = fetch(site, site.thread_url(thread))
    result = XenForo1().thread(page)
    assert "Advertisement" in page.body_text  # the ad row is there, and is no post
    assert (result.title, result.forum_path) == (thread.title, ["Forums", "General", "Boats & Gardens"])
    assert result.next_page == "http://127.0.0.1" + site.thread_url(thread, 2)
    assert result.last_page == 4
    expected = thread.posts[:5]
    assert [p.post_id for p in result.posts] == [str(p.post_id) for p in expected]
    for got, want in zip(result.posts, expected):
        assert (got.author, got.author_title, got.position) == (want.author.name, want.author.title, want.position)
        assert got.posted_at == want.posted_at  # from "Dec 21, 2015 at 9:30 AM" in the title attribute
        assert got.author_id == str(want.author.user_id)
        assert got.likes == (want.likes or None)
        assert (got.edited_at is not None) == (want.edited_at is not None)
        assert bool(got.signature_html) == bool(want.author.signature)
        assert [(q.author, q.post_id) for q in got.quotes] == (
            [(want.quote_of.author.name, str(want.quote_of.post_id))] if want.quote_of else [])
        assert "Click to expand" not in got.body_html and "messageTextEndMarker" not in got.body_html


def test_thread_rows_give_reply_counts_and_machine_last_post_times(site):
    news = demo_forum().forum(2)
    links = {link.thread_id: link for link in XenForo1().thread_links(fetch(site, site.forum_url(news)))}
    for thread in sorted(news.threads, key=lambda t: t.last_post_at, reverse=True)[:3]:
        assert links[str(thread.thread_id)].replies == len(thread.posts) - 1
        assert links[str(thread.thread_id)].last_post_at == thread.last_post_at
    assert "http://127.0.0.1/forums/world-news.5/" in XenForo1().forum_links(fetch(site, "/"))


def test_recent_posts_take_the_unix_time_of_abbr():
    html = ('<html id="XenForo"><body><ol id="messageList"><li id="post-7" class="message" data-author="ann">'
            '<div class="messageContent"><article><blockquote class="messageText">Hi</blockquote></article></div>'
            '<div class="messageMeta"><span class="item muted"><abbr class="DateTime" data-time="1450690200" '
            'title="Dec 21, 2015 at 9:30 AM">Yesterday at 9:30 AM</abbr></span></div></li></ol></body></html>')
    post = XenForo1().thread(Page.from_html(html, "http://x/threads/a.1/")).posts[0]
    assert post.posted_at == datetime(2015, 12, 21, 9, 30, tzinfo=timezone.utc)


def test_detection_tells_xenforo_1_and_2_apart(site):
    xf1_page = fetch(site, site.thread_url(demo_forum().thread(103)))
    assert XenForo1().detect(xf1_page) >= 0.8
    assert XenForo2().detect(xf1_page) == 0.0
