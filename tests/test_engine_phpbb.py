"""phpBB 3 (prosilver) and phpBB 2 (subSilver): every field of the fixture forums' posts, and the
version quirks (3.0's text dates after "»", rank as the first `dd`, pagination without rel=next;
`start=` offsets; Tapatalk URLs; phpBB 2's signature after "_________________").
Selector coverage on the fixtures is checked for every engine in tests/test_selectors.py."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from crawler.engines.base import Engine, Page
from crawler.engines.phpbb import PhpBB2, PhpBB3
from fixtures.content import Post, demo_forum
from fixtures.phpbb2.site import PhpBB2Site
from fixtures.phpbb2.subsilver2 import Subsilver2Site
from fixtures.phpbb3.site import PhpBB3Site
from tests.test_engine_xenforo2 import fetch

LONG = max(demo_forum().threads(), key=lambda t: len(t.posts))


def assert_posts_match(engine: Engine, page: Page, expected: list[Post], *, author_ids: bool = True,
                       quote_ids: bool = True) -> None:
    """The engine reads `expected` from `page`: ids, positions, authors, dates, edits, quotes, signatures."""
    posts = engine.thread(page).posts
    assert [p.post_id for p in posts] == [str(p.post_id) for p in expected]
    for got, want in zip(posts, expected):
        assert (got.author, got.author_title, got.position) == (want.author.name, want.author.title, want.position)
        assert got.posted_at == want.posted_at
        assert got.edited_at == (want.edited_at.replace(second=0) if want.edited_at else None)
        if author_ids:
            assert got.author_id == str(want.author.user_id)
        assert bool(got.signature_html) == bool(want.author.signature)
        quoted = [(want.quote_of.author.name, str(want.quote_of.post_id) if quote_ids else None)] if want.quote_of else []
        assert [(q.author, q.post_id) for q in got.quotes] == quoted
        assert "wrote:" not in got.body_html and "_____" not in got.body_html


@pytest.fixture(scope="module")
def prosilver() -> PhpBB3Site:
    return PhpBB3Site(demo_forum())


@pytest.fixture(scope="module")
def subsilver() -> PhpBB2Site:
    return PhpBB2Site(demo_forum())


def test_prosilver_thread_pages_read_every_field(prosilver):
    page = fetch(prosilver, f"/viewtopic.php?t={LONG.thread_id}&start=5")
    assert_posts_match(PhpBB3(), page, LONG.posts[5:10])
    result = PhpBB3().thread(page)
    assert (result.title, result.forum_path, result.thread_id) == (LONG.title, ["Boats & Gardens"], str(LONG.thread_id))
    assert result.next_page == f"http://127.0.0.1/viewtopic.php?t={LONG.thread_id}&start=10"
    assert result.page_number == 2


def test_prosilver_quote_text_has_no_header_or_code_chrome():
    html = ('<body id="phpbb"><h2 class="topic-title"><a href="./viewtopic.php?t=9">T</a></h2>'
            '<div id="p5" class="post has-profile bg1"><div class="inner"><dl class="postprofile" id="profile5">'
            '<dt><a href="./memberlist.php?mode=viewprofile&amp;u=3" class="username">ann</a></dt></dl>'
            '<div class="postbody"><div id="post_content5"><p class="author">Sun Dec 17, 2023 11:23 am</p>'
            '<div class="content"><blockquote><div><cite><a href="./memberlist.php?mode=viewprofile&amp;u=4">bob</a> wrote: '
            '<a href="./viewtopic.php?p=4#p4" data-post-id="4">↑</a><div class="responsive-hide">Sun Dec 17, 2023</div></cite>'
            'Try this<div class="codebox"><p>Code: <a href="#">Select all</a></p><pre><code>dtparam=x</code></pre></div>'
            '</div></blockquote>It works</div></div></div></div></div></body>')
    post = PhpBB3().thread(Page.from_html(html, "https://f.example/viewtopic.php?t=9")).posts[0]
    assert post.posted_at == datetime(2023, 12, 17, 11, 23, tzinfo=timezone.utc)  # raspberrypi.com: date link only
    (quote,) = post.quotes
    assert (quote.author, quote.post_id) == ("bob", "4")
    assert "wrote" not in quote.html and "Select all" not in quote.html and "dtparam=x" in quote.html
    assert post.body_html.strip() == "It works"


# an attachment the poster placed in the text, as prosilver's attachment template shows it
_INLINE_FILE = ('<div class="inline-attachment"><dl class="file"><dt><span class="imageset icon_topic_attach"></span> '
                '<a class="postlink" href="./download/file.php?id=53369">rigging-logs.zip</a></dt>'
                '<dd>(1.35 KiB) Downloaded 458 times</dd></dl></div>'
                '<div class="inline-attachment"><dl class="thumbnail"><dt><a href="./download/file.php?id=53370&amp;mode=view">'
                '<img class="postimage" src="./download/file.php?id=53370&amp;t=1" alt="mast-step.jpg"></a></dt>'
                '<dd>mast-step.jpg (80.2 KiB) Viewed 12 times</dd></dl></div>')


def test_an_inline_attachment_keeps_its_name_not_its_size_and_download_count(prosilver):
    html = fetch(prosilver, f"/viewtopic.php?t={LONG.thread_id}").selector.get()
    html = html.replace('<div class="content">', '<div class="content">' + _INLINE_FILE, 1)
    post = PhpBB3().thread(Page.from_html(html, f"http://127.0.0.1/viewtopic.php?t={LONG.thread_id}")).posts[0]
    assert ">rigging-logs.zip</a>" in post.body_html and 'alt="mast-step.jpg"' in post.body_html
    assert "Downloaded" not in post.body_html and "Viewed" not in post.body_html and "KiB" not in post.body_html


def test_phpbb_30_text_dates_ranks_and_pagination_without_rel():
    """phpBB 3.0 prosilver: no <time>, the rank is the first <dd>, "Page 1 of 3" pagination links."""
    html = ('<body id="phpbb" class="section-viewtopic ltr"><div class="navbar"><ul class="linklist navlinks">'
            '<li class="icon-home"><a href="./index.php">Board index</a> <strong>&#8249;</strong> '
            '<a href="./viewforum.php?f=18">General Discussion</a> <strong>&#8249;</strong> '
            '<a href="./viewforum.php?f=20">Sports</a></li></ul></div>'
            '<h2><a href="./viewtopic.php?f=20&amp;t=7">Football</a></h2>'
            '<div class="pagination">52 posts &bull; <a href="#">Page <strong>1</strong> of <strong>3</strong></a> &bull; '
            '<span><strong>1</strong><span class="page-sep">, </span><a href="./viewtopic.php?f=20&amp;t=7&amp;start=25">2</a></span></div>'
            '<div id="p77" class="post bg2"><div class="inner"><dl class="postprofile" id="profile77">'
            '<dt><a href="https://elsewhere.example/flag"><img src="f.svg" /></a><br />'
            '<a href="./memberlist.php?mode=viewprofile&amp;u=12">Minoa</a></dt><dd>Negotiator</dd><dd>&nbsp;</dd>'
            '<dd><strong>Posts:</strong> 9</dd></dl><div class="postbody">'
            '<p class="author"><a href="./viewtopic.php?p=77#p77"><img src="icon.gif" alt="Post" /></a>by <strong>'
            '<a href="./memberlist.php?mode=viewprofile&amp;u=12">Minoa</a></strong> &raquo; Tue Aug 27, 2019 1:47 am </p>'
            '<div class="content">Kick-off</div><div class="notice">Last edited by <a href="#">Minoa</a> on '
            'Sun Feb 22, 2026 2:08 am, edited 108 times in total.</div></div></div></div></body>')
    page = Page.from_html(html, "https://f.example/viewtopic.php?f=20&t=7")
    result = PhpBB3().thread(page)
    post = result.posts[0]
    assert (post.author, post.author_id, post.author_title) == ("Minoa", "12", "Negotiator")
    assert post.posted_at == datetime(2019, 8, 27, 1, 47, tzinfo=timezone.utc)
    assert post.edited_at == datetime(2026, 2, 22, 2, 8, tzinfo=timezone.utc)
    assert (result.title, result.forum_path) == ("Football", ["General Discussion", "Sports"])
    assert result.next_page == "https://f.example/viewtopic.php?f=20&t=7&start=25"


def test_prosilver_index_and_topic_lists(prosilver):
    engine = PhpBB3()
    assert "http://127.0.0.1/viewforum.php?f=5" in engine.forum_links(fetch(prosilver, "/"))  # a sub-forum
    news = demo_forum().forum(2)
    page = fetch(prosilver, "/viewforum.php?f=2")
    links = {link.thread_id: link for link in engine.thread_links(page)}
    for thread in sorted(news.threads, key=lambda t: t.last_post_at, reverse=True)[:3]:
        link = links[str(thread.thread_id)]
        assert link.url == f"http://127.0.0.1/viewtopic.php?t={thread.thread_id}"
        assert (link.replies, link.last_post_at) == (len(thread.posts) - 1, thread.last_post_at)
    assert engine.next_page(page) == "http://127.0.0.1/viewforum.php?f=2&start=3"


@pytest.mark.parametrize("url, canonical, first", [
    ("https://f.example/viewtopic.php?f=2&t=101&start=25&sid=0311f1", "https://f.example/viewtopic.php?t=101", 26),
    ("https://f.example/viewtopic.php?t=101#p1003", "https://f.example/viewtopic.php?t=101", 1),
    ("https://www.tapatalk.com/groups/g/some-fish-t17351-s15.html", "https://www.tapatalk.com/groups/g/some-fish-t17351.html", 16),
])
def test_topic_urls_lose_offsets_and_sessions(url, canonical, first):
    engine = PhpBB3()
    assert engine.canonical_thread_url(url) == canonical
    assert engine.thread_id(url) in ("101", "17351")
    assert engine.first_position(Page.from_html("<html></html>", url)) == first


def test_subsilver_thread_pages_read_every_field(subsilver):
    page = fetch(subsilver, f"/viewtopic.php?t={LONG.thread_id}&start=5")
    assert_posts_match(PhpBB2(), page, LONG.posts[5:10], author_ids=False, quote_ids=False)
    result = PhpBB2().thread(page)
    assert (result.title, result.forum_path) == (LONG.title, ["Boats & Gardens"])
    assert result.next_page == f"http://127.0.0.1/viewtopic.php?t={LONG.thread_id}&start=10"
    assert result.page_number == 2


def test_subsilver_signature_is_cut_at_the_underscore_line(subsilver):
    harald = next(p for p in LONG.posts if p.author.signature and p.author.name == "Harald")
    start = (harald.position - 1) // 5 * 5
    post = next(p for p in PhpBB2().thread(fetch(subsilver, f"/viewtopic.php?t={LONG.thread_id}&start={start}")).posts
                if p.post_id == str(harald.post_id))
    assert "reading between the lines" in post.signature_html and "reading between" not in post.body_html


def test_subsilver_topic_rows_and_forum_links(subsilver):
    engine = PhpBB2()
    index = fetch(subsilver, "/")
    assert {f"http://127.0.0.1/viewforum.php?f={n}" for n in (2, 3, 4, 5, 6)} == set(engine.forum_links(index))
    news = demo_forum().forum(2)
    links = {link.thread_id: link for link in engine.thread_links(fetch(subsilver, "/viewforum.php?f=2"))}
    for thread in sorted(news.threads, key=lambda t: t.last_post_at, reverse=True)[:3]:
        assert (links[str(thread.thread_id)].replies, links[str(thread.thread_id)].last_post_at) == (
            len(thread.posts) - 1, thread.last_post_at)


def test_subsilver2_posts_spread_over_rows_are_read_whole():
    site = Subsilver2Site(demo_forum())
    page = fetch(site, f"/viewtopic.php?t={LONG.thread_id}&start=5")
    assert PhpBB2().detect(page) > 0.5 > PhpBB3().detect(page)
    assert_posts_match(PhpBB2(), page, LONG.posts[5:10], author_ids=False, quote_ids=False)
    result = PhpBB2().thread(page)
    assert (result.title, result.forum_path, result.page_number) == (LONG.title, ["Boats & Gardens"], 2)
    assert result.next_page == f"http://127.0.0.1/viewtopic.php?f={LONG.forum.forum_id}&t={LONG.thread_id}&start=10"
    signed = [p for p in result.posts if p.signature_html]
    assert signed and all("_____" not in p.signature_html and "Joined" not in p.body_html for p in signed)


@pytest.mark.parametrize("shown, when", [
    ("by Minoa » Tue Aug 27, 2019 1:47 am", datetime(2019, 8, 27, 1, 47)),
    ("von Harald » Mo 21. Dez 2015, 09:30", datetime(2015, 12, 21, 9, 30)),
    ("Last edited by Minoa on Sun Feb 22, 2026 2:08 am, edited 108 times in total.", datetime(2026, 2, 22, 2, 8)),
    ("Zuletzt geändert von Harald am Mo 21. Dez 2015, 10:12, insgesamt 1-mal geändert.", datetime(2015, 12, 21, 10, 12)),
    ("Last edited by Harald on Mon Dec 21, 2015 10:12 am; edited 1 time in total", datetime(2015, 12, 21, 10, 12)),
    ("Posted: Mon Dec 21, 2015 9:30 am", datetime(2015, 12, 21, 9, 30)),
    ("by kabu » 12. Sep 2024, 18:36", datetime(2024, 9, 12, 18, 36)),  # the d. M Y format, English months
])
def test_dates_are_cut_out_of_bylines_and_edit_notes(shown, when):
    page = Page.from_html("<html></html>", "https://f.example/viewtopic.php?t=1")
    assert PhpBB3().parse_date_text(shown, page) == when.replace(tzinfo=timezone.utc)


def _tapatalk_post(post_id: int, author: str, uid: int, when: str, body: str, profile: bool) -> str:
    """A post of a Tapatalk-hosted phpBB board: the profile block only on the first of a member's
    consecutive posts; every post's data in a `var post_data_N` script."""
    url = f"https://www.tapatalk.com/groups/g/memberlist.php?mode=viewprofile&amp;u={uid}"
    block = (f'<div class="post-profile-block"><dl class="postprofile" id="profile{post_id}" data-uid="{uid}">'
             f'<dt class="has-profile-rank"><span class="thread-user-name"><a href="{url}" class="username-coloured">'
             f'<span itemprop="name">{author}</span></a></span><div class="profile-rank rank-img">'
             f'<span class="profile-rank-name">Moderator</span></div></dt></dl></div>') if profile else ""
    data = json.dumps({"POST_AUTHOR": author, "POSTER_ID": str(uid), "U_POST_AUTHOR": url}).replace("/", "\\/")
    return (f'<div id="p_{post_id}" itemscope itemtype="https://schema.org/UserComments" class="post postrow has-profile'
            f'{" has-profile-block" if profile else ""}"><i id="p{post_id}"></i>{block}<script>\n'
            f'             var post_data_{post_id} = {data};\n        </script>'
            f'<div id="post_container{post_id}" class="postbody"><div class="pb1"><p class="author">'
            f'<span class="posttime"><span class="timespan" title="9:20 PM - Jul 11, 2013">Jul 11, 2013</span></span>'
            f'<time class="hide" itemprop="commentTime" datetime="{when}">{when}</time></p></div>'
            f'<div class="pb2"><div data-tag="post_body_start" itemprop="commentText" class="content noskim">{body}'
            f'<i data-tag="post_body_end" class="hide"></i></div></div></div></div>')


def test_tapatalk_consecutive_posts_name_their_author_from_the_post_data():
    html = ('<html><body id="phpbb"><h1 itemprop="headline">Buying fish</h1>'
            + _tapatalk_post(341002, "C. Andrew Nelson", 10341, "2013-07-11T21:14+00:00", "Good point!", True)
            + _tapatalk_post(341003, "C. Andrew Nelson", 10341, "2013-07-11T21:20+00:00", "Know the store.", False)
            + "</body></html>")
    posts = PhpBB3().thread(Page.from_html(html, "https://www.tapatalk.com/groups/g/buying-fish-t17351.html")).posts
    assert [(p.post_id, p.author, p.author_id, p.author_title) for p in posts] == [
        ("341002", "C. Andrew Nelson", "10341", "Moderator"), ("341003", "C. Andrew Nelson", "10341", "Moderator")]
    assert posts[1].author_url == "https://www.tapatalk.com/groups/g/memberlist.php?mode=viewprofile&u=10341"
    assert posts[1].posted_at == datetime(2013, 7, 11, 21, 20, tzinfo=timezone.utc)


def test_shortened_link_text_is_the_whole_url():
    """phpBB's magic URLs show a long address cut in the middle ("https://host/pa ... /end")."""
    href = "https://en.wikipedia.org/wiki/2025%E2%80%9326_Serie_A#League_table"
    html = ('<body id="phpbb"><div id="p5" class="post bg1"><dl class="postprofile"><dt><a class="username" '
            'href="./memberlist.php?mode=viewprofile&amp;u=3">ann</a></dt></dl><div class="postbody">'
            '<p class="author">Sun Dec 17, 2023 11:23 am</p><div class="content">Table: '
            f'<a class="postlink" href="{href}">https://en.wikipedia.org/wiki/2025%E2%8 ... ague_table</a> and '
            '<a class="postlink" href="https://example.org/x">a ... b</a></div></div></div></body>')
    post = PhpBB3().thread(Page.from_html(html, "https://f.example/viewtopic.php?t=9")).posts[0]
    assert f">{href}</a>" in post.body_html and " ... ague_table" not in post.body_html
    assert ">a ... b</a>" in post.body_html  # words that are no address stay as written
