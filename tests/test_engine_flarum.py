"""Flarum: words from the no-JS view, ids/dates/authors from the JSON:API payload, matched post by
post; the tag path as the forum path; index pages list every discussion."""
from __future__ import annotations

import re

from crawler.engines import Page
from crawler.engines.flarum import Flarum
from crawler.extract import extract_html
from fixtures.content import demo_forum
from fixtures.flarum.site import FlarumSite

ROOT = "http://forum.test"
LONG = max(demo_forum().threads(), key=lambda t: len(t.posts))


def page(path: str) -> Page:
    response = FlarumSite().handle(path)
    assert response.status == 200, path
    return Page.from_html(response.bytes().decode("utf-8"), ROOT + path)


def test_discussion_pages_give_every_post_with_payload_metadata():
    engine = Flarum()
    read, url = [], f"/d/{LONG.thread_id}-{LONG.slug}"
    while url:
        thread = engine.thread(page(url))
        assert thread.title == LONG.title and thread.forum_path == [LONG.forum.title]
        read += thread.posts
        url = thread.next_page[len(ROOT):] if thread.next_page else None
    assert [p.post_id for p in read] == [str(p.post_id) for p in LONG.posts]
    assert [p.position for p in read] == [p.position for p in LONG.posts]
    for got, want in zip(read, LONG.posts):
        assert (got.author, got.author_title, got.author_id) == (want.author.name, want.author.title,
                                                                 str(want.author.user_id))
        assert (got.posted_at, got.edited_at, got.likes) == (want.posted_at, want.edited_at, want.likes)
        if want.quote_of:
            assert [(q.author, q.post_id) for q in got.quotes] == [(want.quote_of.author.name, str(want.quote_of.post_id))]
        else:
            assert got.quotes == []


def test_child_tag_comes_after_its_parent():
    world = demo_forum().thread(101)
    thread = Flarum().thread(page(f"/d/{world.thread_id}-{world.slug}"))
    assert thread.forum_path == ["News & Politics", "World News"]


def test_index_lists_every_discussion_over_its_pages():
    engine, found, url = Flarum(), [], "/"
    while url:
        index = page(url)
        assert not engine.is_thread_page(index)
        found += [link.thread_id for link in engine.thread_links(index)]
        url = engine.next_page(index)
        url = url[len(ROOT):] if url else None
    assert sorted(found) == sorted(str(t.thread_id) for t in demo_forum().threads())


def test_no_js_next_link_is_found_without_link_rel_next():
    html = FlarumSite().handle("/?page=2").bytes().decode("utf-8")
    html = re.sub(r'<link rel="next"[^>]*>', "", html)
    assert Flarum().next_page(Page.from_html(html, ROOT + "/?page=2")) == ROOT + "/?page=3"


def test_post_missing_from_the_payload_is_skipped_not_misattributed():
    html = FlarumSite().handle(f"/d/{LONG.thread_id}-{LONG.slug}").bytes().decode("utf-8")
    first = LONG.posts[0]
    # the first post is loaded as an event post, not a comment: its article has no match
    html = html.replace('"contentType": "comment"', '"contentType": "discussionTagged"', 1)
    doc = extract_html(html, url=f"{ROOT}/d/{LONG.thread_id}-{LONG.slug}")
    ids = [p["post_id"] for p in doc["posts"]]
    assert str(first.post_id) not in ids and ids == [str(p.post_id) for p in LONG.posts[1:demo_forum().posts_per_page]]


def test_index_links_carry_reply_count_and_last_post_time():
    link = Flarum().thread_links(page("/"))[0]
    newest = max(demo_forum().threads(), key=lambda t: t.last_post_at)
    assert (link.thread_id, link.title, link.replies, link.last_post_at) == (
        str(newest.thread_id), newest.title, len(newest.posts) - 1, newest.last_post_at)
