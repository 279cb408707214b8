"""Per-site selector overrides (TOML) and a forced engine, in a real crawl."""
from __future__ import annotations

from crawler.engines.overrides import load_overrides
from tests.conftest import forumsift, scrapy_crawl, sqlite_rows

OVERRIDES = """
[engines.xenforo2]
likes = ".no-such-thing"

[sites."127.0.0.1"]
engine = "xenforo2"
[sites."127.0.0.1".selectors]
author_title = ".message-userExtras dd"
"""


def test_a_site_override_replaces_a_selector_in_the_crawl(serve_forum, tmp_path):
    server = serve_forum("xenforo2")
    overrides = tmp_path / "overrides.toml"
    overrides.write_text(OVERRIDES)
    db = tmp_path / "forum.db"
    run = scrapy_crawl(server.url, f"sqlite:///{db}", "-a", "engine=xenforo2", "-a", f"overrides={overrides}")
    assert run.returncode == 0, run.stderr[-2000:]
    titles = {t for (t,) in sqlite_rows(db, "SELECT DISTINCT author_title FROM posts")}
    assert titles == {"Mar 3, 2009"}  # the theme's "Joined" field, as the override asked
    assert sqlite_rows(db, "SELECT count(*) FROM posts WHERE likes IS NOT NULL") == [(0,)]


def test_overrides_apply_per_engine_and_per_host(tmp_path):
    path = tmp_path / "o.toml"
    path.write_text(OVERRIDES)
    assert load_overrides(str(path), "http://127.0.0.1:8000/", "xenforo2") == {
        "likes": ".no-such-thing", "author_title": ".message-userExtras dd"}
    assert load_overrides(str(path), "http://forum.example.org/", "xenforo2") == {"likes": ".no-such-thing"}
    assert load_overrides(str(path), "http://127.0.0.1:8000/", "phpbb3") == {}


def test_a_broken_overrides_file_is_a_one_line_error(serve_forum, tmp_path):
    server = serve_forum("xenforo2")
    bad = tmp_path / "bad.toml"
    bad.write_text("[engines.xenforo2\npost = 1")
    run = forumsift("crawl", server.url, "--db", f"sqlite:///{tmp_path / 'x.db'}", "--overrides", str(bad))
    assert run.returncode != 0 and "overrides" in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_a_selector_that_is_neither_css_nor_xpath_is_a_one_line_error(serve_forum, tmp_path):
    # 'div[[' made the crawl "finish" with 0 posts and exit 0, as if the forum were empty
    server = serve_forum("xenforo2")
    for table in ("[engines.xenforo2]", '[sites."elsewhere.example.org".selectors]'):
        bad = tmp_path / "bad.toml"
        bad.write_text(f'{table}\nauthor = "h4.message-name"\nbody = ".bbWrapper || div[["\n')
        run = forumsift("crawl", server.url, "--db", f"sqlite:///{tmp_path / 'x.db'}", "--overrides", str(bad))
        assert run.returncode != 0, run.stdout
        assert "body = '.bbWrapper || div[[': not a CSS or XPath selector" in run.stderr, run.stderr
        assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert not server.site.requests


def test_an_unknown_forced_engine_names_the_known_ones(serve_forum, tmp_path):
    server = serve_forum("xenforo2")
    run = forumsift("crawl", server.url, "--db", f"sqlite:///{tmp_path / 'x.db'}", "--engine", "nosuch")
    assert run.returncode != 0 and "unknown engine" in run.stderr and "xenforo2" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
