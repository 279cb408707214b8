"""vBulletin 3: every selector matches the (German) fixture's pages, and the quirks: text-only
dates in the board's d.m.Y format, "Zitat von" quotes, `____` signatures, edit notes, session
ids in URLs, guests without a profile link."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crawler.engines import dates
from crawler.engines.base import Page
from crawler.engines.vbulletin3 import VBulletin3, vb_date_text
from fixtures.content import demo_forum
from fixtures.vbulletin3.site import VBulletin3Site
from tests.test_engine_xenforo2 import CORPUS, check_corpus_page, corpus_page, fetch, unmatched_selectors


@pytest.fixture(scope="module")
def site() -> VBulletin3Site:
    return VBulletin3Site(demo_forum())


def path(url: str) -> str:
    return "/" + url.replace("&amp;", "&")


def long_thread():
    return max(demo_forum().threads(), key=lambda t: len(t.posts))


def test_every_selector_matches_the_fixture(site):
    thread = long_thread()
    paths = ["/", path(site.forum_url(demo_forum().forum(2))), path(site.thread_url(thread)), path(site.thread_url(thread, 2))]
    assert unmatched_selectors(VBulletin3(), [fetch(site, p) for p in paths]) == set()


def test_thread_page_reads_german_dates_quotes_signatures_and_edits(site):
    thread = long_thread()
    result = VBulletin3().thread(fetch(site, path(site.thread_url(thread, 2))))
    assert (result.title, result.forum_path) == (thread.title, [demo_forum().name, "Boats & Gardens"])
    assert result.next_page == "http://127.0.0.1" + path(site.thread_url(thread, 3))
    expected = thread.posts[5:10]
    assert [p.post_id for p in result.posts] == [str(p.post_id) for p in expected]
    for got, want in zip(result.posts, expected):
        assert (got.author, got.author_title, got.position) == (want.author.name, want.author.title, want.position)
        assert got.author_id == str(want.author.user_id)
        assert got.posted_at == want.posted_at  # "05.01.2016, 09:30" is the 5th of January
        assert got.edited_at == (want.edited_at.replace(second=0) if want.edited_at else None)
        assert bool(got.signature_html) == bool(want.author.signature)
        assert "__________" not in got.body_html
        assert [(q.author, q.post_id) for q in got.quotes] == (
            [(want.quote_of.author.name, str(want.quote_of.post_id))] if want.quote_of else [])


def test_thread_links_drop_session_ids_and_keep_reply_counts(site):
    news = demo_forum().forum(2)
    engine = VBulletin3()
    links = {link.thread_id: link for link in engine.thread_links(fetch(site, path(site.forum_url(news))))}
    for thread in sorted(news.threads, key=lambda t: t.last_post_at, reverse=True)[:3]:
        link = links[str(thread.thread_id)]
        assert link.url == f"http://127.0.0.1/showthread.php?t={thread.thread_id}"
        assert link.replies == len(thread.posts) - 1
        assert link.last_post_at == thread.last_post_at
    assert any("f=5" in url for url in engine.forum_links(fetch(site, path(site.forum_url(news)))))


@pytest.mark.parametrize("shown, read", [
    ("05.01.2016, 09:30", "2016-01-05, 09:30"),
    ("05.01.2016 09:30 von Harald", "2016-01-05 09:30"),
    ("Zuletzt bearbeitet von Harald (05.01.2016 um 10:12 Uhr)", "2016-01-05 um 10:12"),
    ("Last edited by Harald; 21st December 2015 at 10:12.", "21st December 2015 at 10:12"),
    ("Feb 14, 2026 | 9:05 pm", "Feb 14, 2026   9:05 pm"),
    ("Yesterday, 10:15 PM", "Yesterday, 10:15 PM"),
])
def test_vbulletin_dates_are_cut_to_what_dateparser_reads(shown, read):
    assert vb_date_text(shown) == read


@pytest.mark.parametrize("shown, when", [
    ("30th March 2025, 16:26", datetime(2025, 3, 30, 16, 26)),
    ("Last edited by Harald; 21st December 2015 at 10:12.", datetime(2015, 12, 21, 10, 12)),
])
def test_day_first_english_dates_are_read_on_the_fast_path(shown, when):
    page = Page.from_html("<html></html>", "http://x/showthread.php?t=1")
    assert VBulletin3().parse_date_text(shown, page) == when.replace(tzinfo=timezone.utc)
    assert dates.quick_parse(vb_date_text(shown), "UTC") is not None  # no dateparser (a third of a second to load)


def test_relative_german_dates_use_the_fetch_time():
    html = ('<html><body><div id="posts"><table id="post9" class="tborder"><tr><td class="thead">Gestern, 18:05</td></tr>'
            '<tr><td><div id="postmenu_9">Gast</div></td><td><div id="post_message_9">Hallo</div></td></tr></table></div></body></html>')
    page = Page.from_html(html, "http://x/showthread.php?t=1", fetched_at=datetime(2016, 1, 10, 12, tzinfo=timezone.utc))
    post = VBulletin3().thread(page).posts[0]
    assert (post.author, post.posted_at) == ("Gast", datetime(2016, 1, 9, 18, 5, tzinfo=timezone.utc))


def test_detects_vbulletin_3_only(site):
    assert VBulletin3().detect(fetch(site, "/")) >= 0.8
    vb4 = Page.from_html('<html id="vbulletin_html"><body><a class="bigusername">x</a></body></html>', "http://x/")
    assert VBulletin3().detect(vb4) == 0.0


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus beside the project")
@pytest.mark.parametrize("page_id", ["0525", "0527"])  # a stock vB 3.8 board; a div-skinned vB 3.9 with vBSEO
def test_real_vbulletin_3_pages(page_id):
    check_corpus_page(corpus_page(page_id), "vbulletin3")


def test_a_nested_quote_stays_inside_the_quote_that_holds_it(site):
    thread = long_thread()
    html = site.handle(path(site.thread_url(thread))).bytes().decode()
    quoted = thread.posts[2].quote_of
    inner = VBulletin3Site(demo_forum()).quote(quoted.quote_of or thread.posts[0])
    html = html.replace('<div style="font-style:italic">', f'<div style="font-style:italic">{inner}', 1)
    post = next(p for p in VBulletin3().thread(Page.from_html(html, "http://x/")).posts if p.quotes)
    assert [q.author for q in post.quotes] == [quoted.author.name]
    assert "Zitat" in post.quotes[0].html and "Zitat" not in post.body_html


def test_a_page_past_the_end_shows_the_last_page(site):
    thread = long_thread()
    url = VBulletin3().last_page_url("http://127.0.0.1/" + path(site.thread_url(thread, 2))[1:])
    assert url == f"http://127.0.0.1/showthread.php?t={thread.thread_id}&page=9999"
    posts = VBulletin3().thread(fetch(site, url[len("http://127.0.0.1"):])).posts
    assert [p.post_id for p in posts] == [str(p.post_id) for p in thread.posts[15:]]
