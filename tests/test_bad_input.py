"""Bad input on a forum (fixtures/badinput/pages.py): every broken, foreign or hostile thread is
skipped or repaired with a counted reason, the crawl finishes, and every other post is stored."""
from __future__ import annotations

import re

import pytest

from fixtures.badinput.pages import BAD_CASES, GERMAN_POSTS, RUSSIAN_POSTS, BadInputSite
from fixtures.content import demo_forum
from fixtures.site import Response
from fixtures.xenforo2.site import XenForo2Site
from tests.conftest import forumsift, scrapy_crawl, sqlite_rows
from tests.expected import words
from tests.test_incremental import stat


@pytest.fixture(scope="module")
def bad_crawl(tmp_path_factory):
    """One crawl of the bad-input forum, shared by the tests below (stats and database)."""
    from fixtures.server import serve

    path = tmp_path_factory.mktemp("bad") / "forum.db"
    with serve(BadInputSite()) as server:
        run = scrapy_crawl(server.url, f"sqlite:///{path}", "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1")
        requests = list(server.site.requests)
    return run, path, requests


def test_the_crawl_finishes(bad_crawl):
    run, _, _ = bad_crawl
    assert run.returncode == 0, run.stderr[-3000:]
    assert "'finish_reason': 'finished'" in run.stderr


@pytest.mark.parametrize("counter, count", [
    ("pages_not_html", 3),            # image, PDF, JSON
    ("pages_charset_fixed", 2),       # cp1251 without charset, latin-1 claiming UTF-8
    ("pages_too_large", 1),
    ("redirect_loops", 1),
    ("pages_failed/http_404", 1),
    ("pages_failed/http_500", 1),
    ("pages_failed/timeout", 1),
    ("pages_login_wall", 1),
    ("pages_challenge", 1),
    ("thread_pages_empty", 1),        # every post deleted
    ("pages_truncated", 1),
])
def test_each_bad_page_is_counted(bad_crawl, counter, count):
    run, _, _ = bad_crawl
    assert stat(run, counter) == count, re.findall(r"'forumsift/[^']+': \d+", run.stderr)


def test_every_other_post_is_stored_once(bad_crawl):
    _, path, _ = bad_crawl
    ids = [pid for (pid,) in sqlite_rows(path, "SELECT engine_post_id FROM posts")]
    assert len(ids) == len(set(ids))
    readable = {str(BAD_CASES[case] * 10 + i) for case, n in (("cp1251", 2), ("latin1", 2), ("truncated", 2))
                for i in range(n)}
    assert set(ids) == {str(p.post_id) for p in demo_forum().posts()} | readable


def test_pages_without_a_charset_are_read_in_theirs(bad_crawl):
    _, path, _ = bad_crawl
    texts = dict(sqlite_rows(path, "SELECT engine_post_id, clean_text FROM posts WHERE engine_post_id IN (?, ?)",
                             str(BAD_CASES["cp1251"] * 10), str(BAD_CASES["latin1"] * 10)))
    assert words(texts[str(BAD_CASES["cp1251"] * 10)]) == words(re.sub("<[^>]+>", " ", RUSSIAN_POSTS[0]))
    assert words(texts[str(BAD_CASES["latin1"] * 10)]) == words(re.sub("<[^>]+>", " ", GERMAN_POSTS[0]))


def test_walls_and_challenges_are_not_stored_as_posts(bad_crawl):
    run, path, _ = bad_crawl
    chrome = sqlite_rows(path, "SELECT count(*) FROM posts WHERE clean_text LIKE '%logged in%' "
                               "OR clean_text LIKE '%Just a moment%' OR clean_text LIKE '%connection is secure%'")
    assert chrome == [(0,)]
    assert "login wall" in run.stderr and "bot challenge" in run.stderr  # the reasons are logged


class BrokenThreads(XenForo2Site):
    """A forum whose every thread page is a server error."""

    def thread_page(self, slug: str, thread_id: str, page: str | None = None) -> Response:
        return Response(500, "<html><head><title>Error</title></head><body>500</body></html>")


def test_a_crawl_with_too_many_failed_pages_exits_non_zero(serve_forum, tmp_path):
    server = serve_forum(BrokenThreads())
    run = forumsift("crawl", server.url, "--db", str(tmp_path / "forum.db"), "-s", "DOWNLOAD_DELAY=0",
                    "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "RETRY_TIMES=0", "-s", "FORUMSIFT_MAX_FAILED_PAGES=3")
    assert run.returncode != 0, run.stdout + run.stderr
    assert "more than 3 pages failed" in run.stderr
