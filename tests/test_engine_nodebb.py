"""NodeBB: the fixture forum's topics read in full, and the quirks: positions from the 0-based
`data-index`, the "@name said in …:" line that belongs to the quote, federated post ids,
"Invalid Date" for posts never edited."""
from __future__ import annotations

from crawler.engines import Page
from crawler.engines.nodebb import NodeBB
from crawler.extract import extract_html
from fixtures.content import demo_forum
from fixtures.nodebb.site import NodeBBSite

ROOT = "http://forum.test"
LONG = max(demo_forum().threads(), key=lambda t: len(t.posts))


def page(path: str) -> Page:
    response = NodeBBSite().handle(path)
    assert response.status == 200, path
    return Page.from_html(response.bytes().decode("utf-8"), ROOT + path)


def test_topic_pages_give_every_post_in_order_with_metadata():
    engine = NodeBB()
    read, url = [], f"/topic/{LONG.thread_id}/{LONG.slug}"
    while url:
        thread = engine.thread(page(url))
        assert thread.title == LONG.title and thread.forum_path == ["General", LONG.forum.title]
        assert engine.canonical_thread_url(thread.url) == f"{ROOT}/topic/{LONG.thread_id}/{LONG.slug}"
        read += thread.posts
        url = thread.next_page[len(ROOT):] if thread.next_page else None
    assert [p.post_id for p in read] == [str(p.post_id) for p in LONG.posts]
    assert [p.position for p in read] == list(range(1, len(LONG.posts) + 1))
    for got, want in zip(read, LONG.posts):
        assert (got.author, got.author_id, got.author_title) == (want.author.name, str(want.author.user_id),
                                                                 want.author.title)
        assert got.posted_at == want.posted_at and got.edited_at == want.edited_at
        assert got.likes == want.likes
        assert bool(got.signature_html) == bool(want.author.signature)
        if want.quote_of:
            assert [(q.author, q.post_id) for q in got.quotes] == [(want.quote_of.author.name, str(want.quote_of.post_id))]
            assert "said in" not in got.body_html
        else:
            assert got.quotes == []


def test_category_pages_list_topics_with_replies_and_last_post_time():
    engine = NodeBB()
    news = demo_forum().forum(2)
    listing = page(f"/category/{news.forum_id}/{news.slug}")
    newest = max(news.threads, key=lambda t: t.last_post_at)
    link = engine.thread_links(listing)[0]
    assert (link.thread_id, link.replies, link.last_post_at) == (str(newest.thread_id), len(newest.posts) - 1,
                                                                newest.last_post_at)
    assert engine.forum_links(listing) == [f"{ROOT}/category/{c.forum_id}/{c.slug}" for c in news.children]
    assert engine.next_page(listing) == f"{ROOT}/category/{news.forum_id}/{news.slug}?page=2"


def test_federated_post_and_bare_quote():
    html = NodeBBSite().handle(f"/topic/{LONG.thread_id}/{LONG.slug}").bytes().decode("utf-8")
    first = LONG.posts[0]
    html = html.replace(f'data-pid="{first.post_id}"', 'data-pid="https://social.example/users/ann/statuses/113556"', 1)
    html = html.replace('itemprop="text">', 'itemprop="text">\n<blockquote><p>An old saying.</p></blockquote>', 1)
    doc = extract_html(html, url=f"{ROOT}/topic/{LONG.thread_id}/{LONG.slug}")
    assert doc["engine"] == "nodebb"
    assert doc["posts"][0]["post_id"] == "113556"
    assert doc["posts"][0]["quotes"] == [{"author": None, "post_id": None, "text": "An old saying."}]
