"""Vanilla: the fixture forum (German locale) read in full, and the quirks: the opening post as
`d{discussion id}`, positions from permalink names, edits read from German text in the forum's
timezone."""
from __future__ import annotations

from datetime import timedelta

from crawler.engines import Page
from crawler.engines.vanilla import Vanilla
from fixtures.content import demo_forum
from fixtures.vanilla.site import VanillaSite

ROOT = "http://forum.test"
LONG = max(demo_forum().threads(), key=lambda t: len(t.posts))


def page(path: str) -> Page:
    response = VanillaSite().handle(path)
    assert response.status == 200, path
    return Page.from_html(response.bytes().decode("utf-8"), ROOT + path)


def read_thread(engine: Vanilla, path: str) -> list:
    read = []
    while path:
        thread = engine.thread(page(path))
        assert thread.title == LONG.title and thread.forum_path == [LONG.forum.title]
        assert engine.canonical_thread_url(thread.url) == f"{ROOT}/discussion/{LONG.thread_id}/{LONG.slug}"
        read += thread.posts
        path = thread.next_page[len(ROOT):] if thread.next_page else None
    return read


def test_discussion_pages_give_every_post_in_order_with_metadata():
    read = read_thread(Vanilla(), f"/discussion/{LONG.thread_id}/{LONG.slug}")
    assert [p.post_id for p in read] == [f"d{LONG.thread_id}"] + [str(p.post_id) for p in LONG.posts[1:]]
    assert [p.position for p in read] == list(range(1, len(LONG.posts) + 1))
    for got, want in zip(read, LONG.posts):
        assert (got.author, got.author_title, got.author_id) == (want.author.name, want.author.title,
                                                                 str(want.author.user_id))
        assert got.posted_at == want.posted_at and got.likes == want.likes
        assert bool(got.signature_html) == bool(want.author.signature)
        if want.quote_of:
            assert [q.author for q in got.quotes] == [want.quote_of.author.name]
            assert "schrieb" not in got.quotes[0].html
        else:
            assert got.quotes == []


def test_edits_come_from_the_german_edit_note_in_the_forum_timezone():
    edited = [p for p in LONG.posts if p.edited_at]
    assert edited
    read = {p.post_id: p for p in read_thread(Vanilla(), f"/discussion/{LONG.thread_id}/{LONG.slug}")}
    for want in edited:
        assert read[str(want.post_id)].edited_at == want.edited_at.replace(second=0)
    berlin = {p.post_id: p for p in read_thread(Vanilla(timezone_name="Europe/Berlin"),
                                                 f"/discussion/{LONG.thread_id}/{LONG.slug}")}
    for want in edited:  # the same note read as Berlin time is an hour earlier in UTC (winter)
        assert berlin[str(want.post_id)].edited_at == want.edited_at.replace(second=0) - timedelta(hours=1)


def test_category_pages_list_discussions_subcategories_and_next_page():
    engine = Vanilla()
    news = demo_forum().forum(2)
    listing = page(f"/categories/{news.slug}")
    assert not engine.is_thread_page(listing)
    newest = max(news.threads, key=lambda t: t.last_post_at)
    link = engine.thread_links(listing)[0]
    assert (link.thread_id, link.replies, link.last_post_at) == (str(newest.thread_id), len(newest.posts) - 1,
                                                                newest.last_post_at)
    assert engine.forum_links(listing) == [f"{ROOT}/categories/{c.slug}" for c in news.children]
    assert engine.next_page(listing) == f"{ROOT}/categories/{news.slug}/p2"
    assert len(engine.forum_links(page("/"))) == sum(len(c.forums) for c in demo_forum().categories)
