"""Discourse: the JSON API flow (site → topic lists → topic → posts.json for the posts past the
first chunk), the crawler HTML view of saved pages, and detection."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest

from crawler.engines import ApiPage, Page
from crawler.engines.base import select
from crawler.engines.discourse import Discourse
from crawler.extract import extract_html
from fixtures.content import demo_forum, generated_forum
from fixtures.discourse.site import CHUNK_SIZE, DiscourseSite
from fixtures.xenforo2.site import XenForo2Site
from tests.conftest import scrapy_crawl, sqlite_rows

ROOT = "http://forum.test"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
LONG = max(demo_forum().threads(), key=lambda t: len(t.posts))


def html_page(site, path: str) -> Page:
    response = site.handle(path)
    assert response.status == 200, path
    return Page.from_html(response.bytes().decode("utf-8"), ROOT + path)


def api(engine: Discourse, site, url: str) -> ApiPage:
    parts = urlsplit(url)
    response = site.handle(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response.status == 200, url
    return engine.api_parse(url, json.loads(response.bytes()), NOW)


def crawl_api(engine: Discourse, site, start_path: str = "/") -> list:
    """Follow the engine's API URLs breadth-first, as the spider does; every thread page read."""
    queue = [engine.api_entry(html_page(site, "/") if start_path == "/" else Page.from_html("", ROOT + start_path))]
    threads, seen = [], set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        result = api(engine, site, url)
        threads += result.threads
        queue += result.follow + [engine.api_thread_url(link) for link in result.thread_links]
    return threads


# -- the JSON API ------------------------------------------------------------------------------
def test_api_crawl_reads_every_post_once_with_title_and_category_path():
    site, engine = DiscourseSite(), Discourse()
    threads = crawl_api(engine, site)
    posts = [(t, p) for t in threads for p in t.posts]
    ids = [p.post_id for _, p in posts]
    assert sorted(ids) == sorted(str(p.post_id) for p in demo_forum().posts())
    by_id = {str(p.post_id): p for p in demo_forum().posts()}
    for thread, post in posts:
        want = by_id[post.post_id]
        topic = next(t for t in demo_forum().threads() if want in t.posts)
        assert thread.title == topic.title
        assert thread.forum_path[-1] == topic.forum.title
        assert (post.author, post.author_title, post.position) == (want.author.name, want.author.title, want.position)
        assert post.posted_at == want.posted_at
    world = next(t for t in threads if t.thread_id == "101")
    assert world.forum_path == ["General", "News & Politics", "World News"]


def test_topic_json_holds_one_chunk_and_the_rest_comes_from_posts_json():
    site, engine = DiscourseSite(), Discourse()
    api(engine, site, f"{ROOT}/site.json")
    first = api(engine, site, f"{ROOT}/t/{LONG.thread_id}.json")
    assert [p.post_id for p in first.threads[0].posts] == [str(p.post_id) for p in LONG.posts[:CHUNK_SIZE]]
    assert len(first.follow) == 1 and "/posts.json?" in first.follow[0]
    rest = api(engine, site, first.follow[0])
    assert [p.post_id for p in rest.threads[0].posts] == [str(p.post_id) for p in LONG.posts[CHUNK_SIZE:]]
    # the chunk knows its topic from the topic JSON read before it
    assert rest.threads[0].title == LONG.title and rest.threads[0].forum_path[-1] == LONG.forum.title
    assert engine.canonical_thread_url(rest.threads[0].url) == engine.canonical_thread_url(first.threads[0].url)


def test_posts_json_requests_ask_for_twenty_ids_each():
    forum = generated_forum(1, posts_per_thread=(47, 47), forums=1)
    site, engine = DiscourseSite(forum), Discourse()
    api(engine, site, f"{ROOT}/site.json")
    follow = api(engine, site, f"{ROOT}/t/1.json").follow
    assert [u.count("post_ids") for u in follow] == [20, 20, 47 - CHUNK_SIZE - 40]
    read = [p for url in follow for p in api(engine, site, url).threads[0].posts]
    assert len(read) == 47 - CHUNK_SIZE


def test_topic_lists_page_through_more_topics_url_and_give_incremental_data():
    site, engine = DiscourseSite(), Discourse()
    result = api(engine, site, f"{ROOT}/latest.json")
    assert result.follow[-1] == f"{ROOT}/latest.json?page=1"
    link = result.thread_links[0]
    newest = max(demo_forum().threads(), key=lambda t: t.last_post_at)
    assert (link.thread_id, link.replies, link.last_post_at) == (str(newest.thread_id), len(newest.posts) - 1,
                                                                newest.last_post_at)


def test_quotes_edits_likes_and_signatures_from_the_api():
    site, engine = DiscourseSite(), Discourse()
    threads = crawl_api(engine, site)
    posts = {p.post_id: p for t in threads for p in t.posts}
    for want in demo_forum().posts():
        got = posts[str(want.post_id)]
        assert bool(got.edited_at) == bool(want.edited_at)
        assert got.likes == want.likes
        assert bool(got.signature_html) == bool(want.author.signature)
        if want.quote_of:
            assert [(q.author, q.post_id) for q in got.quotes] == [(want.quote_of.author.name, str(want.quote_of.post_id))]
            assert "aside" not in got.body_html and want.quote_of.body_html[:20] not in got.body_html
        else:
            assert got.quotes == []


def test_start_url_of_a_topic_or_category_crawls_only_that():
    site = DiscourseSite()
    topic_only = crawl_api(Discourse(), site, f"/t/{LONG.slug}/{LONG.thread_id}")
    assert {t.thread_id for t in topic_only} == {str(LONG.thread_id)}
    hobbies = LONG.forum
    in_category = crawl_api(Discourse(), site, f"/c/{hobbies.slug}/{hobbies.forum_id}")
    assert {t.thread_id for t in in_category} == {str(t.thread_id) for t in hobbies.threads}


def test_small_actions_and_deleted_posts_are_no_posts():
    engine = Discourse()
    data = json.loads(DiscourseSite().topic_json(str(LONG.thread_id)).bytes())
    data["post_stream"]["posts"][1].update(action_code="closed.enabled", post_type=3, cooked="")
    data["post_stream"]["posts"][2].update(user_deleted=True)
    data["post_stream"]["stream"] = data["post_stream"]["stream"][:CHUNK_SIZE]
    result = engine.api_parse(f"{ROOT}/t/{LONG.thread_id}.json", data, NOW)
    assert len(result.threads[0].posts) == CHUNK_SIZE - 2


def test_forum_in_a_subfolder_keeps_its_path():
    engine = Discourse()
    assert engine.api_entry(Page.from_html("", "https://example.org/forum/t/some-topic/42")) == \
        "https://example.org/forum/site.json"
    assert engine.api_parse("https://example.org/forum/site.json", {"categories": []}, NOW).follow == \
        ["https://example.org/forum/t/42.json"]


def test_crawl_survives_rate_limiting(serve_forum, tmp_path):
    site = DiscourseSite(rate_limit_paths=(f"/t/{LONG.thread_id}.json", f"/t/{LONG.thread_id}/posts.json"))
    server = serve_forum(site)
    db = tmp_path / "forum.db"
    run = scrapy_crawl(server.url, f"sqlite:///{db}")
    assert run.returncode == 0, run.stderr[-2000:]
    assert sqlite_rows(db, "SELECT count(*) FROM posts")[0][0] == len(demo_forum().posts())
    assert any(r.startswith(f"/t/{LONG.thread_id}/posts.json") for r in site.requests)


# -- the crawler HTML view (saved pages) ----------------------------------------------------------
def quoting_topic_path() -> str:
    return f"/t/{LONG.slug}/{LONG.thread_id}"


def test_every_crawler_view_selector_matches_the_fixture():
    site, engine = DiscourseSite(), Discourse()
    topic = html_page(site, quoting_topic_path())
    index = html_page(site, "/")
    post_scoped = {"post_id", "author", "author_url", "date_attr", "date_text", "modified_attr", "body", "likes",
                   "position"}
    quote_scoped = {"quote_author_attr", "quote_author_text", "quote_post_id_attr", "quote_body"}
    row_scoped = {"row_link", "row_title", "row_replies", "row_last_post_text"}
    posts = select(topic, engine.sel["post"])
    quotes = [q for p in posts for q in select(p, engine.sel["quote"])]
    rows = select(index, engine.sel["thread_row"])
    assert posts and quotes and rows
    for name, query in engine.sel.items():
        if name in post_scoped:
            assert select(posts[0], query), name
        elif name in quote_scoped:
            assert any(select(q, query) for q in quotes), name
        elif name in row_scoped:
            assert select(rows[0], query), name
        elif name in {"thread_row", "thread_link"}:
            assert select(index, query), name
        elif name == "remove":
            assert any(select(topic, q.strip()) for q in query.split(",")), name
        elif name not in {"quote", "linked_topic", "linked_topic_avatar"}:  # no fixture post links a topic
            assert select(topic, query), name


def test_saved_crawler_page_reads_posts_quotes_edits_and_path():
    site = DiscourseSite()
    page = site.handle(quoting_topic_path()).bytes().decode("utf-8")
    doc = extract_html(page, url=ROOT + quoting_topic_path())
    assert doc["engine"] == "discourse"
    assert doc["title"] == LONG.title
    assert doc["forum_path"] == ["General", "Boats & Gardens"]
    assert doc["next_page"] == f"{ROOT}{quoting_topic_path()}?page=2"
    shown = LONG.posts[:demo_forum().posts_per_page]
    assert [p["post_id"] for p in doc["posts"]] == [str(p.position) for p in shown]
    assert [p["author"] for p in doc["posts"]] == [p.author.name for p in shown]
    for got, want in zip(doc["posts"], shown):
        assert got["posted_at"] == want.posted_at.isoformat()
        assert bool(got["edited_at"]) == bool(want.edited_at)
        assert [(q["author"], q["post_id"]) for q in got["quotes"]] == \
            ([(want.quote_of.author.name, str(want.quote_of.position))] if want.quote_of else [])
        assert got["likes"] == want.likes


def test_bare_blockquote_is_a_quote_without_author_and_onebox_is_dropped():
    html = (DiscourseSite().handle(quoting_topic_path()).bytes().decode("utf-8")
            .replace("<div class='post' itemprop='text'>",
                     "<div class='post' itemprop='text'><blockquote><p>Words from elsewhere.</p></blockquote>"
                     "<aside class=\"onebox allowlistedgeneric\"><article class=\"onebox-body\"><h3>Preview title"
                     "</h3></article></aside>", 1))
    doc = extract_html(html, url=ROOT + quoting_topic_path())
    first = doc["posts"][0]
    assert first["quotes"] == [{"author": None, "post_id": None, "text": "Words from elsewhere."}]
    assert "Preview title" not in first["text"]


def _linked_topic(avatar: str) -> str:
    """A link to another topic alone on its line, as Discourse shows it: a quote of the topic's
    first post with the topic's title and category badge for a header, and no data-username."""
    return ('<p>The guide for it:</p><aside class="quote quote-modified" data-post="1" data-topic="4410">\n'
            '<div class="title">\n<div class="quote-controls"></div>\n'
            f'<img alt="" width="24" height="24" src="{avatar}" class="avatar">\n'
            '<div class="quote-title__text-content"><a href="http://forum.test/t/winter-mooring-checklist/4410">'
            'Winter mooring checklist</a> <a class="badge-category__wrapper " href="/c/boats/5"><span '
            'data-category-id="5"><span class="badge-category__name">Boats</span></span></a></div>\n</div>\n'
            '<blockquote>\nDouble the lines before the first gale and check the chafe guards weekly.\n</blockquote>\n</aside>')


@pytest.mark.parametrize("avatar, author", [
    ("https://cdn.test/forum/user_avatar/forum.test/harbourmaster/48/3903_2.png", "harbourmaster"),
    ("https://cdn.test/letter_avatar_proxy/v4/letter/h/8c91f0/48.png", None)])
def test_a_linked_topic_keeps_its_link_and_quotes_its_poster_not_its_title(avatar, author):
    html = (DiscourseSite().handle(quoting_topic_path()).bytes().decode("utf-8")
            .replace("<div class='post' itemprop='text'>", "<div class='post' itemprop='text'>" + _linked_topic(avatar), 1))
    first = extract_html(html, url=ROOT + quoting_topic_path())["posts"][0]
    assert first["quotes"] == [{"author": author, "post_id": None,
                                "text": "Double the lines before the first gale and check the chafe guards weekly."}]
    assert "The guide for it:\n\nWinter mooring checklist" in first["text"] and "Boats" not in first["text"]


def test_empty_javascript_shell_is_no_thread():
    # a browser's page saved before the app ran: preloaded scripts, an empty outlet, a hidden sign-in form
    shell = ("<!DOCTYPE html><html><head><meta name=\"generator\" content=\"Discourse 3.4.0\">"
             "<link rel=\"preload\" href=\"/assets/start-discourse.js\" as=\"script\">"
             "<title>Some topic - Forum</title></head><body><section id='main'></section>"
             "<div class=\"hidden\" id=\"data-preloaded\"></div><form id='hidden-login-form' method='post' "
             "action='/login' style='display: none;'><input name='password' type='password'></form></body></html>")
    doc = extract_html(shell, url=ROOT + "/t/some-topic/9")
    assert doc["posts"] == [] and "JavaScript" in doc["reason"]


# -- detection ---------------------------------------------------------------------------------
def test_detects_its_pages_and_not_others():
    site, engine = DiscourseSite(), Discourse()
    assert engine.detect(html_page(site, "/")) >= 0.8
    assert engine.detect(html_page(site, quoting_topic_path())) >= 0.8
    xf = XenForo2Site()
    thread = demo_forum().threads()[0]
    assert engine.detect(html_page(xf, "/")) == 0.0
    assert engine.detect(html_page(xf, f"/threads/{thread.slug}.{thread.thread_id}/")) == 0.0


@pytest.mark.parametrize("path", ["/latest.json", f"/t/{LONG.thread_id}.json"])
def test_fixture_api_answers_json(path):
    response = DiscourseSite().handle(path)
    assert response.content_type.startswith("application/json") and json.loads(response.bytes())


def test_small_action_in_the_crawler_view_is_no_post():
    html = DiscourseSite().handle(quoting_topic_path()).bytes().decode("utf-8")
    closing = ("<div id='post_99' class='topic-body crawler-post'><div class='crawler-post-meta'>"
               "<span class=\"creator\" itemprop=\"author\"><a href='/u/system'><span itemprop='name'>system</span></a>"
               "\n Closed \n</span><span class=\"crawler-post-infos\"><time datetime='2016-01-20T10:00:00Z' "
               "class='post-time'>January 20, 2016</time></span></div><div class='post' itemprop='text'>"
               "<p>This topic was automatically closed after 30 days.</p></div></div>")
    html = html.replace("\n    </div>\n    </div>\n    <footer", closing + "\n    </div>\n    </div>\n    <footer", 1)
    assert "post_99" in html
    doc = extract_html(html, url=ROOT + quoting_topic_path())
    assert len(doc["posts"]) == demo_forum().posts_per_page
    assert all("automatically closed" not in p["text"] for p in doc["posts"])


def test_recrawl_reads_only_the_topics_that_moved(serve_forum, tmp_path):
    from fixtures.changes import CHANGES, GROWN_THREAD_ID, NEW_THREAD_ID, demo_forum_after

    server = serve_forum("discourse")
    db = tmp_path / "forum.db"
    assert scrapy_crawl(server.url, f"sqlite:///{db}").returncode == 0
    server.site.forum = demo_forum_after()
    server.site.requests.clear()
    second = scrapy_crawl(server.url, f"sqlite:///{db}")
    assert second.returncode == 0, second.stderr[-2000:]
    topics = {int(r.split("/")[2].split(".")[0]) for r in server.site.requests if r.startswith("/t/") and ".json" in r}
    assert topics == {GROWN_THREAD_ID, NEW_THREAD_ID}
    stored = sqlite_rows(db, "SELECT count(*) FROM posts")[0][0]
    assert stored == len(demo_forum().posts()) + len(CHANGES.new_post_ids)


def test_crawler_view_topic_list_gives_replies_and_activity_day():
    link = Discourse().thread_links(html_page(DiscourseSite(), "/"))[0]
    newest = max(demo_forum().threads(), key=lambda t: t.last_post_at)
    assert (link.thread_id, link.replies) == (str(newest.thread_id), len(newest.posts) - 1)
    assert link.last_post_at.date() == newest.last_post_at.date()


def test_browser_page_takes_ids_and_titles_from_its_preloaded_topic_json():
    from html import escape

    site = DiscourseSite()
    topic = site.topic_json(str(LONG.thread_id)).bytes().decode("utf-8")
    preloaded = escape(json.dumps({f"topic_{LONG.thread_id}": topic}), quote=True)
    html = site.handle(quoting_topic_path()).bytes().decode("utf-8").replace(
        "<body class=\"crawler \">", f'<body class="crawler "><div class="hidden" id="data-preloaded" '
                                     f'data-preloaded="{preloaded}"></div>', 1)
    doc = extract_html(html, url=ROOT + quoting_topic_path())
    shown = LONG.posts[:demo_forum().posts_per_page]
    assert [p["post_id"] for p in doc["posts"]] == [str(p.post_id) for p in shown]
    assert [p["author_title"] for p in doc["posts"]] == [p.author.title for p in shown]
    assert [[q["post_id"] for q in p["quotes"]] for p in doc["posts"]] == \
        [[str(p.quote_of.post_id)] if p.quote_of else [] for p in shown]
    # page 2 is not in the preloaded chunk of 5: its posts keep their numbers, none mixed
    page2 = site.handle(quoting_topic_path() + "?page=2").bytes().decode("utf-8").replace(
        "<body class=\"crawler \">", f'<body class="crawler "><div class="hidden" id="data-preloaded" '
                                     f'data-preloaded="{preloaded}"></div>', 1)
    doc2 = extract_html(page2, url=ROOT + quoting_topic_path() + "?page=2")
    assert [p["post_id"] for p in doc2["posts"]] == [str(p.position) for p in LONG.posts[5:10]]
