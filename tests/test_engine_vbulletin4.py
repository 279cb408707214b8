"""vBulletin 4: every selector matches the fixture's pages, and the quirks: m-d-Y text dates,
`bbcode_container` quotes (code boxes share the class and are no quotes), `blockquote.lastedited`
edit notes, `li.threadbit` rows with the last post's date, no claim on vBulletin 3 pages."""
from __future__ import annotations

import pytest

from crawler.engines.base import Page
from crawler.engines.vbulletin3 import VBulletin3
from crawler.engines.vbulletin4 import VBulletin4
from fixtures.content import demo_forum
from fixtures.vbulletin3.site import VBulletin3Site
from fixtures.vbulletin4.site import VBulletin4Site
from tests.test_engine_vbulletin3 import long_thread, path
from tests.test_engine_xenforo2 import CORPUS, check_corpus_page, corpus_page, fetch, unmatched_selectors


@pytest.fixture(scope="module")
def site() -> VBulletin4Site:
    return VBulletin4Site(demo_forum())


def test_every_selector_matches_the_fixture(site):
    thread = long_thread()
    paths = ["/", path(site.forum_url(demo_forum().forum(2))), path(site.thread_url(thread)), path(site.thread_url(thread, 2))]
    assert unmatched_selectors(VBulletin4(), [fetch(site, p) for p in paths]) == set()


def test_thread_page_reads_every_field(site):
    thread = long_thread()
    result = VBulletin4().thread(fetch(site, path(site.thread_url(thread, 2))))
    assert (result.title, result.forum_path) == (thread.title, ["Forum", "Boats & Gardens"])
    assert result.next_page == "http://127.0.0.1" + path(site.thread_url(thread, 3))
    expected = thread.posts[5:10]
    assert [p.post_id for p in result.posts] == [str(p.post_id) for p in expected]
    for got, want in zip(result.posts, expected):
        assert (got.author, got.author_title, got.position) == (want.author.name, want.author.title, want.position)
        assert got.author_id == str(want.author.user_id)
        assert got.posted_at == want.posted_at
        assert got.edited_at == (want.edited_at.replace(second=0) if want.edited_at else None)
        assert bool(got.signature_html) == bool(want.author.signature)
        assert [(q.author, q.post_id) for q in got.quotes] == (
            [(want.quote_of.author.name, str(want.quote_of.post_id))] if want.quote_of else [])
        assert "Originally Posted by" not in got.body_html


def test_code_boxes_stay_in_the_body():
    html = ('<html id="vbulletin_html"><body><ol id="posts"><li class="postcontainer" id="post_5">'
            '<div class="username_container"><a class="username" href="member.php?u=2"><strong>ann</strong></a></div>'
            '<div id="post_message_5"><blockquote class="postcontent restore">Try this:'
            '<div class="bbcode_container"><div class="bbcode_description">Code:</div><pre class="bbcode_code">make all</pre></div>'
            '</blockquote></div></li></ol></body></html>')
    post = VBulletin4().thread(Page.from_html(html, "http://x/showthread.php?t=1")).posts[0]
    assert post.quotes == [] and "make all" in post.body_html


def test_thread_rows_give_reply_counts_and_last_post_times(site):
    news = demo_forum().forum(2)
    page = fetch(site, path(site.forum_url(news)))
    links = {link.thread_id: link for link in VBulletin4().thread_links(page)}
    for thread in sorted(news.threads, key=lambda t: t.last_post_at, reverse=True)[:3]:
        link = links[str(thread.thread_id)]
        assert (link.replies, link.last_post_at) == (len(thread.posts) - 1, thread.last_post_at)
    assert any("f=5" in url for url in VBulletin4().forum_links(page))


def test_vbulletin_3_and_4_do_not_claim_each_others_pages(site):
    vb4_page = fetch(site, path(site.thread_url(long_thread())))
    vb3_site = VBulletin3Site(demo_forum())
    vb3_page = fetch(vb3_site, path(vb3_site.thread_url(long_thread())))
    assert VBulletin4().detect(vb4_page) >= 0.8 and VBulletin3().detect(vb4_page) == 0.0
    assert VBulletin3().detect(vb3_page) >= 0.8 and VBulletin4().detect(vb3_page) < 0.5


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus beside the project")
def test_a_real_vbulletin_4_page():
    check_corpus_page(corpus_page("0533"), "vbulletin4")
