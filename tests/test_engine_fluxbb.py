"""FluxBB 1.5 (and PunBB): every field of the fixture forum's posts, and the quirks (the edit note
and nested quotes inside the message, "Last edited by X (DATE)", `&p=N` pages).
Selector coverage: tests/test_selectors.py."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crawler.engines.base import Page
from crawler.engines.fluxbb import FluxBB
from fixtures.content import demo_forum
from fixtures.fluxbb.site import FluxBBSite
from tests.test_engine_phpbb import LONG, assert_posts_match
from tests.test_engine_xenforo2 import fetch


@pytest.fixture(scope="module")
def site() -> FluxBBSite:
    return FluxBBSite(demo_forum())


def test_thread_pages_read_every_field(site):
    page = fetch(site, f"/viewtopic.php?id={LONG.thread_id}&p=2")
    assert_posts_match(FluxBB(), page, LONG.posts[5:10], quote_ids=False)
    result = FluxBB().thread(page)
    assert (result.title, result.forum_path, result.page_number) == (LONG.title, ["Boats & Gardens"], 2)
    assert result.next_page == f"http://127.0.0.1/viewtopic.php?id={LONG.thread_id}&p=3"
    assert all("Last edited" not in p.body_html for p in result.posts)


def test_forum_lists(site):
    engine = FluxBB()
    assert "http://127.0.0.1/viewforum.php?id=5" in engine.forum_links(fetch(site, "/"))
    news = demo_forum().forum(2)
    page = fetch(site, "/viewforum.php?id=2")
    links = {link.thread_id: link for link in engine.thread_links(page)}
    for thread in sorted(news.threads, key=lambda t: t.last_post_at, reverse=True)[:3]:
        link = links[str(thread.thread_id)]
        assert (link.replies, link.last_post_at) == (len(thread.posts) - 1, thread.last_post_at)
    assert engine.next_page(page) == "http://127.0.0.1/viewforum.php?id=2&p=2"


def test_a_quote_keeps_its_own_words_only():
    html = ('<div class="punwrap"><div id="brdmain"><div id="p7" class="blockpost rowodd">'
            '<h2><span><span class="conr">#3</span> <a href="viewtopic.php?pid=7#p7">Today 10:15:00</a></span></h2>'
            '<div class="box"><div class="inbox"><div class="postbody"><div class="postleft"><dl><dt><strong>Allan</strong></dt>'
            '<dd class="usertitle"><strong>Developer</strong></dd></dl></div><div class="postright"><div class="postmsg">'
            '<div class="quotebox"><cite>Trilby wrote:</cite><blockquote><div><div class="quotebox"><cite>Allan wrote:</cite>'
            '<blockquote><div><p>first</p></div></blockquote></div><p>second</p></div></blockquote></div><p>third, see '
            '<a href="https://en.wikipedia.org/wiki/Comparison_of_Internet_forum_software" rel="nofollow">'
            'https://en.wikipedia.org/wiki/Compariso … m_software</a></p>'
            '<p class="postedit"><em>Last edited by Allan (2024-08-04 02:45:10)</em></p></div></div></div></div></div></div></div></div>')
    page = Page.from_html(html, "https://bbs.example/viewtopic.php?id=5&p=2",
                          fetched_at=datetime(2024, 8, 4, 12, 0, tzinfo=timezone.utc))
    post = FluxBB().thread(page).posts[0]
    assert (post.author, post.author_title, post.position) == ("Allan", "Developer", 3)
    assert post.posted_at == datetime(2024, 8, 4, 10, 15, tzinfo=timezone.utc)  # "Today" against the fetch time
    assert post.edited_at == datetime(2024, 8, 4, 2, 45, 10, tzinfo=timezone.utc)
    (quote,) = post.quotes
    assert quote.author == "Trilby" and "second" in quote.html and "first" not in quote.html and "wrote" not in quote.html
    assert "third" in post.body_html and "second" not in post.body_html and "Last edited" not in post.body_html
    # the link FluxBB shows cut in the middle is read whole
    assert ">https://en.wikipedia.org/wiki/Comparison_of_Internet_forum_software</a>" in post.body_html
