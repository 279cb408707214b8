"""SMF 2.1 (a German board) and SMF 1.1: every field of the fixture forums' posts, and the quirks
(German dates and "Zitat von: X am DATE" headers, "« Reply #3 on: … »", `topic=ID.START` URLs,
SMF 2.0's quote header outside the blockquote). Selector coverage: tests/test_selectors.py."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crawler.engines.base import Page
from crawler.engines.smf import SMF1, SMF2
from fixtures.content import demo_forum
from fixtures.smf1.site import SMF1Site
from fixtures.smf2.site import SMF2Site
from tests.test_engine_phpbb import LONG, assert_posts_match
from tests.test_engine_xenforo2 import fetch


@pytest.fixture(scope="module")
def german() -> SMF2Site:
    return SMF2Site(demo_forum())


@pytest.fixture(scope="module")
def smf1() -> SMF1Site:
    return SMF1Site(demo_forum())


def test_german_smf2_thread_pages_read_every_field(german):
    page = fetch(german, f"/index.php?topic={LONG.thread_id}.5")
    assert "Dezember" in page.body_text or "November" in page.body_text
    assert_posts_match(SMF2(), page, LONG.posts[5:10])
    result = SMF2().thread(page)
    assert (result.title, result.forum_path, result.page_number) == (LONG.title, ["Boats & Gardens"], 2)
    assert result.next_page == f"http://127.0.0.1/index.php?topic={LONG.thread_id}.10"
    likes = [p.likes for p in result.posts]
    assert likes == [p.likes or None for p in LONG.posts[5:10]]


def test_smf2_boards_and_topic_rows(german):
    engine = SMF2()
    assert "http://127.0.0.1/index.php?board=5.0" in engine.forum_links(fetch(german, "/"))
    news = demo_forum().forum(2)
    page = fetch(german, "/index.php?board=2.0")
    links = {link.thread_id: link for link in engine.thread_links(page)}
    for thread in sorted(news.threads, key=lambda t: t.last_post_at, reverse=True)[:3]:
        link = links[str(thread.thread_id)]
        assert link.url == f"http://127.0.0.1/index.php?topic={thread.thread_id}.0"
        assert (link.replies, link.last_post_at) == (len(thread.posts) - 1, thread.last_post_at)
    assert engine.next_page(page) == "http://127.0.0.1/index.php?board=2.3"


def test_smf20_quote_header_before_the_blockquote():
    html = ('<script>var smf_scripturl = "https://f.example/index.php";</script><div id="forumposts">'
            '<div class="windowbg"><div class="post_wrapper"><div class="poster"><h4><a href="https://f.example/index.php?action=profile;u=8">Ann</a></h4>'
            '<ul class="reset smalltext"><li class="membergroup">Global Moderator</li></ul></div>'
            '<div class="postarea"><div class="keyinfo"><h5 id="subject_41"><a href="#">Re: x</a></h5>'
            '<div class="smalltext">&#171; <strong>Reply #1 on:</strong> June 04, 2014, 11:23:55 AM &#187;</div></div>'
            '<div class="post"><div class="inner" id="msg_41"><div class="quoteheader"><div class="topslice_quote">'
            '<a href="https://f.example/index.php?topic=9.msg40#msg40">Quote from: Bob on June 03, 2014, 08:00:00 PM</a></div></div>'
            '<blockquote class="bbc_standard_quote">Earlier words</blockquote><div class="quotefooter"><div class="botslice_quote"></div></div>'
            'My answer</div></div></div></div></div></div>')
    post = SMF2().thread(Page.from_html(html, "https://f.example/index.php?topic=9.0")).posts[0]
    assert (post.post_id, post.author, post.author_id, post.author_title) == ("41", "Ann", "8", "Global Moderator")
    assert post.posted_at == datetime(2014, 6, 4, 11, 23, 55, tzinfo=timezone.utc)
    (quote,) = post.quotes
    assert (quote.author, quote.post_id, quote.html) == ("Bob", "40", "Earlier words")
    assert "Quote from" not in post.body_html and "My answer" in post.body_html


@pytest.mark.parametrize("url, canonical, first", [
    ("https://f.example/index.php?topic=589061.15", "https://f.example/index.php?topic=589061.0", 16),
    ("https://f.example/index.php?topic=589061.msg4175421#msg4175421", "https://f.example/index.php?topic=589061.0", 1),
    ("https://f.example/index.php?PHPSESSID=ab12;topic=7.0;prev_next=next", "https://f.example/index.php?topic=7.0", 1),
    ("https://f.example/index.php/topic,7.30.html", "https://f.example/index.php/topic,7.0.html", 31),
])
def test_topic_urls(url, canonical, first):
    assert SMF2().canonical_thread_url(url) == canonical
    assert SMF2().first_position(Page.from_html("<html></html>", url)) == first


def test_smf1_thread_pages_read_every_field(smf1):
    page = fetch(smf1, f"/index.php?topic={LONG.thread_id}.5")
    assert_posts_match(SMF1(), page, LONG.posts[5:10])
    result = SMF1().thread(page)
    assert (result.title, result.forum_path, result.page_number) == (LONG.title, ["Boats & Gardens"], 2)
    assert result.next_page == f"http://127.0.0.1/index.php?topic={LONG.thread_id}.10"


def test_smf1_boards_and_topic_rows(smf1):
    engine = SMF1()
    assert "http://127.0.0.1/index.php?board=5.0" in engine.forum_links(fetch(smf1, "/"))
    news = demo_forum().forum(2)
    links = {link.thread_id: link for link in engine.thread_links(fetch(smf1, "/index.php?board=2.0"))}
    for thread in sorted(news.threads, key=lambda t: t.last_post_at, reverse=True)[:3]:
        assert (links[str(thread.thread_id)].replies, links[str(thread.thread_id)].last_post_at) == (
            len(thread.posts) - 1, thread.last_post_at)


def test_each_smf_generation_leaves_the_other_alone(german, smf1):
    smf2_page, smf1_page = fetch(german, "/index.php?topic=101.0"), fetch(smf1, "/index.php?topic=101.0")
    assert SMF2().detect(smf2_page) > 0.5 > SMF1().detect(smf2_page)
    assert SMF1().detect(smf1_page) > 0.5 > SMF2().detect(smf1_page)
