"""IP.Board 3: the fixture forum's topics read in full, and the quirks: post numbers, the edit note
(a text date after the editor's name), topic lists with text-only last-post times."""
from __future__ import annotations

from datetime import datetime, timezone

from crawler.engines import Page
from crawler.engines.invision import IPBoard3
from fixtures.content import demo_forum
from fixtures.ipb3.site import IPBoard3Site

ROOT = "http://forum.test"
LONG = max(demo_forum().threads(), key=lambda t: len(t.posts))


def page(path: str) -> Page:
    response = IPBoard3Site().handle(path)
    assert response.status == 200, path
    return Page.from_html(response.bytes().decode("utf-8"), ROOT + path,
                          fetched_at=datetime(2016, 6, 1, tzinfo=timezone.utc))


def test_topic_pages_give_every_post_in_order_with_metadata():
    engine, read, url = IPBoard3(), [], f"/topic/{LONG.thread_id}-{LONG.slug}/"
    while url:
        thread = engine.thread(page(url))
        assert thread.title == LONG.title and thread.forum_path == [LONG.forum.title]
        assert (thread.thread_id, engine.canonical_thread_url(thread.url)) == (
            str(LONG.thread_id), f"{ROOT}/topic/{LONG.thread_id}-{LONG.slug}/")
        read += thread.posts
        url = thread.next_page[len(ROOT):] if thread.next_page else None
    assert [p.post_id for p in read] == [str(p.post_id) for p in LONG.posts]
    assert [p.position for p in read] == list(range(1, len(LONG.posts) + 1))
    for got, want in zip(read, LONG.posts):
        assert (got.author, got.author_title, got.author_id) == (want.author.name, want.author.title,
                                                                 str(want.author.user_id))
        assert got.posted_at == want.posted_at and got.likes == want.likes
        assert got.edited_at == (want.edited_at.replace(second=0) if want.edited_at else None)
        assert "edited by" not in got.body_html
        assert bool(got.signature_html) == bool(want.author.signature)
        assert [(q.author, q.post_id) for q in got.quotes] == (
            [(want.quote_of.author.name, str(want.quote_of.post_id))] if want.quote_of else [])


def test_forum_pages_give_topics_with_text_last_post_times_and_subforums():
    engine = IPBoard3()
    news = demo_forum().forum(2)
    listing = page(f"/forum/{news.forum_id}-{news.slug}/")
    newest = max(news.threads, key=lambda t: t.last_post_at)
    link = engine.thread_links(listing)[0]
    assert (link.thread_id, link.replies, link.last_post_at) == (str(newest.thread_id), len(newest.posts) - 1,
                                                                newest.last_post_at.replace(second=0))
    assert engine.forum_links(listing) == [f"{ROOT}/forum/{c.forum_id}-{c.slug}/" for c in news.children]
    assert engine.next_page(listing) == f"{ROOT}/forum/{news.forum_id}-{news.slug}/page-2"
    assert len(engine.forum_links(page("/"))) == len(demo_forum().forums())  # sub-forums listed on the index
