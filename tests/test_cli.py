"""The `forumsift` command as a user runs it."""
from __future__ import annotations

import sqlite3
import re

from tests.conftest import forumsift


def test_demo_crawls_the_fixture_forum_and_queries_it(tmp_path):
    run = forumsift("demo", "--db", str(tmp_path / "demo.db"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    m = re.search(r"database: (\d+) threads, (\d+) posts", run.stdout)
    assert m and int(m.group(1)) >= 8 and int(m.group(2)) >= 80, run.stdout
    assert "pages/s" in run.stdout and "languages:" in run.stdout
    assert "harbour" in run.stdout.lower()

    query = forumsift("query", "antifouling", "--db", str(tmp_path / "demo.db"))
    assert query.returncode == 0, query.stderr
    assert "Winter maintenance log" in query.stdout


def test_bad_urls_end_with_one_line_error(serve_forum, tmp_path):
    server = serve_forum("xenforo2")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    for url, words in [("http://127.0.0.1:9/", "could not fetch"),
                       (server.url + "no-such-page", "HTTP 404"),
                       (server.url + "robots.txt", "not a forum")]:
        run = forumsift("crawl", url, "--db", db, "-s", "RETRY_TIMES=0")
        assert run.returncode != 0, url
        assert words in run.stderr, run.stderr
        assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr


def test_a_database_that_cannot_be_opened_ends_the_crawl_with_one_line_error(serve_forum, tmp_path):
    # the crawl opened the database inside Scrapy: a Twisted traceback, then "crawl shutdown: 0 pages"
    server = serve_forum("xenforo2")
    (tmp_path / "notes.txt").write_text("not a database\n")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    for db, words in [("foo://nowhere", "cannot use database URL"),
                      (str(tmp_path / "notes.txt"), "file is not a database"),
                      (str(other), "not a forumsift database (it has tables notes"),
                      (f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}", "cannot open database"),
                      ("postgresql+psycopg://postgres@127.0.0.1:9/forums", "cannot open database")]:
        run = forumsift("crawl", server.url, "--db", db)
        assert run.returncode != 0, db
        assert words in run.stderr, run.stderr
        assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert not server.site.requests, "the forum is not fetched when the database cannot take its posts"


def test_a_cookies_file_that_is_not_one_ends_the_crawl_with_one_line_error(serve_forum, tmp_path):
    server = serve_forum("xenforo2")
    cookies = tmp_path / "cookies.txt"
    cookies.write_text("# Netscape HTTP Cookie File\nsession=abc\n")
    run = forumsift("crawl", server.url, "--db", f"sqlite:///{tmp_path / 'x.db'}", "--cookies", str(cookies))
    assert run.returncode != 0 and "cookies.txt:2: not a cookies.txt line" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert not server.site.requests


def test_every_command_has_help_with_an_example():
    top = forumsift("--help")
    assert top.returncode == 0
    commands = re.findall(r"^  (\w+)\s", top.stdout.split("Commands:")[1], re.M)
    assert {"crawl", "demo", "query", "extract"} <= set(commands)
    for command in commands:
        out = forumsift(command, "--help")
        assert out.returncode == 0, command
        assert "Example" in out.stdout, f"`forumsift {command} --help` shows no example"


def test_query_on_missing_database_is_a_clear_error(tmp_path):
    run = forumsift("query", "x", "--db", str(tmp_path / "none.db"))
    assert run.returncode != 0 and "no database" in run.stderr and "Traceback" not in run.stderr


def test_a_file_that_is_no_database_is_a_clear_error(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("not a database\n")
    for command in (["query", "x"], ["stats"], ["export"]):
        run = forumsift(*command, "--db", str(notes))
        assert run.returncode != 0, command
        assert "file is not a database" in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_scrapy_list_shows_the_forum_spider():
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.split() == ["forum"]


def test_a_challenge_page_served_as_403_is_named_as_such(serve_forum, tmp_path):
    """Real bot challenges answer 403/503: the one-line error says it is a challenge, not just 403."""
    from fixtures.site import Response

    server = serve_forum("xenforo2")
    server.site.extra["/guarded"] = Response(403, (
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        "<div id='cf-browser-verification'>Checking your browser before accessing the forum.</div>"
        "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script></body></html>"))
    run = forumsift("crawl", server.url + "guarded", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert run.returncode != 0
    assert "HTTP 403" in run.stderr and "challenge" in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
