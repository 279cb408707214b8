"""End to end, for every engine that has a fixture forum: serve it over HTTP, run the real spider
(`scrapy crawl forum` in a subprocess), and check the SQLite file against the fixture's content."""
from __future__ import annotations

import pytest

from fixtures.content import demo_forum
from fixtures.phpbb3.tapatalk import TapatalkSite
from fixtures.server import site_engines
from tests.conftest import scrapy_crawl, sqlite_rows
from tests.expected import expected_posts, words

STORED = """
SELECT p.engine_post_id, a.name, p.author_title, p.posted_at, t.title, f.title, p.clean_text, p.position
FROM posts p LEFT JOIN authors a ON a.id = p.author_id JOIN threads t ON t.id = p.thread_id
LEFT JOIN forums f ON f.id = t.forum_id
"""


@pytest.mark.parametrize("engine", site_engines())
def test_crawl_stores_every_post_once_with_metadata(engine, serve_forum, tmp_path):
    _assert_crawl_stores_every_post_once(serve_forum(engine), tmp_path)


def test_tapatalk_board_stores_every_post_once_with_its_author(serve_forum, tmp_path):
    """A Tapatalk-hosted phpBB board prints no profile block on a member's second post in a row:
    the author (and rank) still come with it, and shortened links read whole."""
    _assert_crawl_stores_every_post_once(serve_forum(TapatalkSite()), tmp_path)
    pairs = [(a, b) for t in demo_forum().threads() for a, b in zip(t.posts, t.posts[1:]) if a.author is b.author]
    assert pairs, "the fixture content has no member posting twice in a row"
    urls = sqlite_rows(tmp_path / "forum.db", "SELECT DISTINCT profile_url FROM authors")
    assert urls and all(u.startswith("http://127.0.0.1:") for (u,) in urls), urls


def _assert_crawl_stores_every_post_once(server, tmp_path) -> None:
    db = tmp_path / "forum.db"
    run = scrapy_crawl(server.url, f"sqlite:///{db}")
    assert run.returncode == 0, run.stderr[-3000:]
    assert "'finish_reason': 'finished'" in run.stderr

    expected = expected_posts(demo_forum(), server.site.engine_post_id)
    rows = sqlite_rows(db, STORED)
    stored_ids = [r[0] for r in rows]
    assert len(stored_ids) == len(set(stored_ids)), "a post was stored twice"
    assert set(stored_ids) == set(expected), f"missing {set(expected) - set(stored_ids)}, extra {set(stored_ids) - set(expected)}"

    for post_id, author, author_title, posted_at, thread_title, forum, text, position in rows:
        want = expected[post_id]
        assert author == want.author, post_id
        assert author_title == want.author_title, post_id
        assert str(posted_at).startswith(want.posted_at[:16].replace("T", " ")), (post_id, posted_at, want.posted_at)
        assert thread_title == want.thread_title, post_id
        assert forum == want.forum, post_id
        assert "Click to expand" not in text and "said:" not in text, post_id
        if not want.special:
            # the post's own words, nothing lost, and no quoted text or signature glued on
            assert words(text) == want.words, (post_id, text)

    # the longest thread (4 pages) is complete and in order
    long_thread = max(demo_forum().threads(), key=lambda t: len(t.posts))
    positions = sqlite_rows(db, "SELECT p.position FROM posts p JOIN threads t ON t.id = p.thread_id "
                                "WHERE t.title = ? ORDER BY p.position", long_thread.title)
    assert [p for (p,) in positions] == list(range(1, len(long_thread.posts) + 1))


def test_second_crawl_changes_no_row_counts(serve_forum, tmp_path):
    server = serve_forum("xenforo2")
    db = tmp_path / "forum.db"
    tables = ["sites", "forums", "threads", "authors", "posts", "post_revisions"]

    def counts():
        return {t: sqlite_rows(db, f"SELECT count(*) FROM {t}")[0][0] for t in tables}

    assert scrapy_crawl(server.url, f"sqlite:///{db}").returncode == 0
    first = counts()
    second_run = scrapy_crawl(server.url, f"sqlite:///{db}", "-a", "full=1")
    assert second_run.returncode == 0, second_run.stderr[-2000:]
    assert counts() == first
    assert first["posts"] == len(demo_forum().posts())


@pytest.mark.parametrize("engine", ["xenforo2", "invision4"])
def test_quotes_signatures_and_edits_are_kept_apart(engine, serve_forum, tmp_path):
    server = serve_forum(engine)
    db = tmp_path / "forum.db"
    assert scrapy_crawl(server.url, f"sqlite:///{db}").returncode == 0
    forum = demo_forum()
    quoting = [p for p in forum.posts() if p.quote_of]
    rows = dict(sqlite_rows(db, "SELECT engine_post_id, quotes FROM posts WHERE quotes IS NOT NULL"))
    assert set(rows) == {str(p.post_id) for p in quoting}
    sig_rows = dict(sqlite_rows(db, "SELECT engine_post_id, signature FROM posts WHERE signature IS NOT NULL"))
    with_sig = {str(p.post_id) for p in forum.posts() if p.author.signature}
    assert with_sig and set(sig_rows) == with_sig
    edited = dict(sqlite_rows(db, "SELECT engine_post_id, edited_at FROM posts WHERE edited_at IS NOT NULL"))
    assert set(edited) == {str(p.post_id) for p in forum.posts() if p.edited_at}


def test_seed_artifacts_come_out_clean_after_a_crawl(serve_forum, tmp_path):
    """The fixture post that repeats every artifact of the user's seed post is stored repaired."""
    server = serve_forum("xenforo2")
    db = tmp_path / "forum.db"
    assert scrapy_crawl(server.url, f"sqlite:///{db}").returncode == 0
    seed_like = next(p for p in demo_forum().posts() if "«" in p.body_html)
    (text, lang, fixes, mt_score), = sqlite_rows(db, "SELECT clean_text, lang, fixes, mt_score FROM posts "
                                                     "WHERE engine_post_id = ?", str(seed_like.post_id))
    assert "«" not in text and "»" not in text and '"Meridian"' in text
    assert "argued that" in text and "notes NEWSru Israel" in text
    assert "so writes Reuters." in text  # glued to its link in the HTML ("writes<a>Reuters</a>")
    assert "don't" in text and "â€" not in text
    assert " ," not in text and " ." not in text
    assert lang == "en" and mt_score > 0.5
    assert {"argued", "that"} <= set(words(text)) and fixes and '"kind"' in fixes
    languages = dict(sqlite_rows(db, "SELECT engine_post_id, lang FROM posts"))
    for post in demo_forum().posts():
        if post.lang != "en":
            assert languages[str(post.post_id)] == post.lang


def test_pages_read_in_the_crawl_process_store_the_same_posts(serve_forum, tmp_path):
    """Page workers (the default) and FORUMSIFT_WORKERS=0 (pages read in the crawl process) store
    the same posts, clean text, languages and fixes."""
    server = serve_forum("xenforo2")
    rows = {}
    for workers in ("1", "0"):
        db = tmp_path / f"workers{workers}.db"
        run = scrapy_crawl(server.url, f"sqlite:///{db}", "-s", f"FORUMSIFT_WORKERS={workers}")
        assert run.returncode == 0, run.stderr[-3000:]
        rows[workers] = sqlite_rows(db, "SELECT engine_post_id, clean_text, lang, fixes, position FROM posts "
                                        "ORDER BY engine_post_id")
    assert len(rows["1"]) == len(demo_forum().posts())
    assert rows["1"] == rows["0"]
