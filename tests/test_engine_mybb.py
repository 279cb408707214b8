"""MyBB 1.8: every field of the fixture forum's posts, and the quirks (relative dates whose absolute
date sits in `span[title]`, the edit note inside `span.post_date`, the breadcrumb's own page-jump
menu, SEO thread URLs). Selector coverage: tests/test_selectors.py."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crawler.engines import dates
from crawler.engines.base import Page
from crawler.engines.mybb import MyBB
from fixtures.content import demo_forum
from fixtures.mybb.site import MyBBSite
from tests.test_engine_phpbb import LONG, assert_posts_match
from tests.test_engine_xenforo2 import fetch


@pytest.fixture(scope="module")
def site() -> MyBBSite:
    return MyBBSite(demo_forum())


def test_thread_pages_read_every_field(site):
    page = fetch(site, f"/showthread.php?tid={LONG.thread_id}&page=2")
    assert_posts_match(MyBB(), page, LONG.posts[5:10])
    result = MyBB().thread(page)
    assert (result.title, result.forum_path, result.page_number) == (LONG.title, ["Boats & Gardens"], 2)
    assert result.next_page == f"http://127.0.0.1/showthread.php?tid={LONG.thread_id}&page=3"


def test_forum_lists(site):
    engine = MyBB()
    assert "http://127.0.0.1/forumdisplay.php?fid=5" in engine.forum_links(fetch(site, "/"))
    news = demo_forum().forum(2)
    page = fetch(site, "/forumdisplay.php?fid=2")
    links = {link.thread_id: link for link in engine.thread_links(page)}
    for thread in sorted(news.threads, key=lambda t: t.last_post_at, reverse=True)[:3]:
        link = links[str(thread.thread_id)]
        assert link.url == f"http://127.0.0.1/showthread.php?tid={thread.thread_id}"
        assert (link.replies, link.last_post_at) == (len(thread.posts) - 1, thread.last_post_at)
    assert engine.next_page(page) == "http://127.0.0.1/forumdisplay.php?fid=2&page=2"


def test_smilies_leave_no_name_in_posts_or_quotes(site):
    """MyBB writes a smilie's name ("Smile") as its alt; other engines' smilies carry the code typed
    (":)") or the emoji, which the normalizer keeps. A name is no part of the post."""
    posts = [p for n in (1, 2, 3, 4) for p in MyBB().thread(fetch(site, f"/showthread.php?tid={LONG.thread_id}&page={n}")).posts]
    htmls = [p.body_html for p in posts] + [q.html for p in posts for q in p.quotes]
    assert "smilie" in site.handle(f"/showthread.php?tid={LONG.thread_id}").bytes().decode()
    assert any(p.quotes for p in posts) and not [h for h in htmls if "smilie" in h or "Smile" in h]


def _post_page(post_date: str, nav: str = "") -> Page:
    html = ('<script src="jscripts/general.js?ver=1827"></script>' + nav +
            '<div id="posts"><div class="post" id="post_9"><div class="post_author"><div class="author_information">'
            '<strong><span class="largetext"><a href="https://f.example/user-4.html">Ann</a></span></strong></div></div>'
            f'<div class="post_content"><div class="post_head"><span class="post_date">{post_date}</span></div>'
            '<div class="post_body" id="pid_9">Hello</div></div></div></div>')
    return Page.from_html(html, "https://f.example/thread-3-page-2.html", fetched_at=datetime(2019, 2, 25, 12, 0, tzinfo=timezone.utc))


def test_relative_dates_take_the_absolute_date_from_the_title():
    page = _post_page('<span title="02-24-2019">Yesterday</span>, 05:31 PM <span class="post_edit" id="edited_by_9">'
                      '<span class="edited_post">(This post was last modified: 02-25-2019, 09:03 AM by <a href="#">Ann</a>.)</span></span>')
    post = MyBB().thread(page).posts[0]
    assert (post.author, post.author_id) == ("Ann", "4")
    assert post.posted_at == datetime(2019, 2, 24, 17, 31, tzinfo=timezone.utc)
    assert post.edited_at == datetime(2019, 2, 25, 9, 3, tzinfo=timezone.utc)


def test_iso_days_with_a_12_hour_clock_are_read_on_the_fast_path():
    post = MyBB().thread(_post_page("2019-02-23, 09:14 PM")).posts[0]
    assert post.posted_at == datetime(2019, 2, 23, 21, 14, tzinfo=timezone.utc)
    assert dates.quick_parse("2019-02-23, 09:14 PM", "UTC") == post.posted_at  # no dateparser


def test_the_breadcrumb_page_menu_is_not_the_next_page():
    nav = ('<div class="navigation"><a href="index.php">Forums</a> <a href="forum-11-page-5.html">General</a>'
           '<div id="breadcrumb_multipage_popup" class="pagination pagination_breadcrumb">'
           '<a href="forum-11-page-6.html" class="pagination_next">Next</a></div>'
           '<span class="active">Thread</span></div>')
    page = _post_page("2019-02-23, 09:14 PM", nav)
    assert MyBB().next_page(page) is None
    assert MyBB().thread(page).forum_path == ["General"]


@pytest.mark.parametrize("url, canonical", [
    ("https://f.example/thread-222085-page-2.html", "https://f.example/thread-222085.html"),
    ("https://f.example/thread-222085-post-1324903.html#pid1324903", "https://f.example/thread-222085.html"),
    ("https://f.example/showthread.php?tid=7&page=3", "https://f.example/showthread.php?tid=7"),
    ("https://f.example/showthread.php?page=3&tid=7", "https://f.example/showthread.php?tid=7"),
])
def test_thread_urls(url, canonical):
    assert MyBB().canonical_thread_url(url) == canonical
