"""The database commands as a user runs them: query, show, export, stats, dedupe, db upgrade.

The acceptance test crawls the fixture forum for real into SQLite and into PostgreSQL and asks
`forumsift query` on both; the others run the commands in-process (click's runner) on a store
filled from the fixture forum's content, which keeps them fast.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

import db
from crawler.cli import cli
from tests.conftest import forumsift, scrapy_crawl
from tests.test_store import db_url, demo_records  # noqa: F401 (fixture)


def run(*args: str, env: dict[str, str] | None = None):
    """`forumsift ARGS` in-process."""
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def filled_url(db_url: str) -> str:  # noqa: F811 (the imported fixture)
    store = db.open(db_url)
    records = demo_records()
    store.write_posts(records)
    store.write_posts([replace(records[0], clean_text=records[0].clean_text + " Update: the yard is closed.")])
    store.close()
    return db_url


@pytest.mark.slow
def test_query_finds_the_crawled_fixture_forum_on_sqlite_and_postgresql(serve_forum, tmp_path, pg_url):
    server = serve_forum("xenforo2")
    results = {}
    for url in (f"sqlite:///{tmp_path / 'forum.db'}", pg_url):
        crawl = scrapy_crawl(server.url, url)
        assert crawl.returncode == 0, crawl.stderr[-2000:]
        query = forumsift("query", "antifouling", "--db", url, "--format", "json", "--limit", "50")
        assert query.returncode == 0, query.stderr
        hits = json.loads(query.stdout)
        assert hits and all("**antifouling**" in h["snippet"].lower() for h in hits)
        assert "Winter maintenance log" in {h["title"].split(" (")[0] for h in hits}
        store = db.open(url)
        results[url] = ({(p["thread"], p["position"]) for p in map(store.post, [h["id"] for h in hits])},
                        store.counts())
        store.close()
    sqlite_result, pg_result = results.values()
    assert sqlite_result == pg_result, "the same crawl must give the same posts and hits on both databases"


def test_query_formats_and_filters(filled_url):
    out = run("query", "harbour wall", "--db", filled_url, "--format", "json", "--limit", "3")
    assert out.exit_code == 0, out.output
    hits = json.loads(out.stdout)
    assert len(hits) == 3 and all("**harbour**" in h["snippet"].lower() for h in hits)

    out = run("query", "harbour", "--db", filled_url, "--format", "csv", "--author", "OldSalt", "--since",
              "2016-01-01")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows and {r["author"] for r in rows} == {"OldSalt"} and all(r["posted_at"] >= "2016" for r in rows)

    table = run("query", "antifouling", "--db", filled_url)
    assert "Winter maintenance log" in table.stdout and "posts" in table.stdout.splitlines()[-1]

    articles = json.loads(run("query", "last", "--articles", "--format", "json", "--db", filled_url).stdout)
    openers = {r.thread_title for r in demo_records() if r.position == 1}
    assert articles and {a["title"] for a in articles} <= openers


def test_until_a_day_keeps_that_day_s_posts_and_until_a_time_stops_there(filled_url):
    # "--until 2016-10-23" read as midnight dropped the posts of the 23rd, which a user names to keep
    posted = {r.post_id: _utc(r.posted_at) for r in demo_records()}
    day = next(t for t in posted.values() if t.hour >= 1)

    def found(until: str) -> set[str]:
        out = run("export", "--db", filled_url, "--format", "jsonl", "--until", until)
        assert out.exit_code == 0, out.output
        return {json.loads(line)["engine_post_id"] for line in out.stdout.splitlines()}

    assert found(day.strftime("%Y-%m-%d")) == {p for p, t in posted.items() if t.date() <= day.date()}
    assert found(day.strftime("%Y-%m-%dT%H:%M:%S")) == {p for p, t in posted.items() if t < day}


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def test_json_dates_are_iso_8601_in_query_stats_and_export(filled_url):
    # query and stats wrote str(datetime) ("2016-11-13 09:54:00+00:00"), export ISO 8601 with a "T":
    # one field, two formats, and the first is no RFC 3339 timestamp for a JSON reader
    hit = json.loads(run("query", "antifouling", "--db", filled_url, "--format", "json").stdout)[0]
    exported = {r["id"]: r for r in map(json.loads, run("export", "--db", filled_url).stdout.splitlines())}
    assert hit["posted_at"] == exported[hit["id"]]["posted_at"]
    assert datetime.fromisoformat(hit["posted_at"]).isoformat() == hit["posted_at"]
    sites = json.loads(run("stats", "--db", filled_url, "--format", "json").stdout)["sites"]
    for key in ("oldest_post", "newest_post"):
        assert datetime.fromisoformat(sites[0][key]).isoformat() == sites[0][key], sites[0]


def test_a_language_code_in_capitals_finds_the_same_posts(filled_url):
    # "--lang EN" found nothing, silently: codes are stored lower case
    def ids(*args: str) -> list[str]:
        return [r["id"] for r in csv.DictReader(io.StringIO(run(*args, "--db", filled_url, "--format", "csv").stdout))]

    assert ids("query", "harbour", "--lang", "EN") == ids("query", "harbour", "--lang", "en") != []
    assert ids("export", "--lang", "DE") == ids("export", "--lang", "de") != []


def test_numbers_too_large_for_the_database_are_usage_errors_not_tracebacks(filled_url):
    # an OverflowError from the SQLite driver ("Python int too large to convert to SQLite INTEGER")
    huge = str(2**80)
    for args in (["show", huge], ["query", "harbour", "--limit", huge], ["query", "harbour", "--limit", "-1"]):
        out = CliRunner().invoke(cli, [*args, "--db", filled_url])
        assert out.exit_code == 2 and "not in the range" in out.output and out.exception is not None, out.output
    out = run("query", "harbour", "--thread", huge, "--db", filled_url, "--format", "json")
    assert out.exit_code == 0 and json.loads(out.stdout) == []


def test_db_comes_from_the_environment(filled_url):
    out = run("query", "antifouling", "--format", "json", env={"FORUMSIFT_DB": filled_url})
    assert out.exit_code == 0 and json.loads(out.stdout)


def test_show_prints_a_post_with_revisions_fixes_and_raw_html(filled_url):
    hit = json.loads(run("query", "yard closed", "--db", filled_url, "--format", "json").stdout)[0]
    out = run("show", str(hit["id"]), "--db", filled_url, "--revisions", "--fixes", "--raw")
    assert out.exit_code == 0, out.output
    first = demo_records()[0]
    assert first.author in out.stdout and first.thread_title in out.stdout
    assert "revisions (1):" in out.stdout
    assert out.stdout.count(first.clean_text) >= 2  # the old version, and the current text that extends it
    assert "raw HTML:" in out.stdout and first.body_html.strip()[:40] in out.stdout
    missing = run("show", "999999", "--db", filled_url)
    assert missing.exit_code == 1 and "no post 999999" in missing.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_writes_every_post_or_article(filled_url, tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    out_file = tmp_path / f"posts.{fmt}"
    out = run("export", "--db", filled_url, "--format", fmt, "-o", str(out_file))
    assert out.exit_code == 0, out.output
    records = demo_records()
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out_file.read_text().splitlines()]
    elif fmt == "csv":
        rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    else:
        import pyarrow.parquet as pq

        rows = pq.read_table(out_file).to_pylist()
    assert len(rows) == len(records)
    assert {r["engine_post_id"] for r in rows} == {r.post_id for r in records}
    assert {"author", "posted_at", "title", "clean_text", "lang", "url"} <= set(rows[0])

    articles = run("export", "--db", filled_url, "--articles", "--lang", "en", "--format", "jsonl")
    lines = [json.loads(line) for line in articles.stdout.splitlines()]
    assert lines and {a["title"] for a in lines} <= {r.thread_title for r in records if r.position == 1}


def test_stats_show_sites_forums_languages_and_runs(filled_url):
    report = json.loads(run("stats", "--db", filled_url, "--format", "json").stdout)
    assert report["sites"][0]["posts"] == len(demo_records())
    assert {f["forum"].split(" > ")[-1] for f in report["forums"]} >= {"World News"}
    assert {lang["lang"] for lang in report["languages"]} >= {"en", "de"}
    table = run("stats", "--db", filled_url)
    assert table.exit_code == 0 and "languages" in table.stdout


def test_dedupe_then_unique(filled_url):
    out = run("dedupe", "--db", filled_url)
    assert out.exit_code == 0 and "near-duplicate posts linked" in out.stdout
    linked = int(out.stdout.split()[0])
    everything = run("export", "--db", filled_url, "--format", "jsonl").stdout.splitlines()
    unique = run("export", "--db", filled_url, "--unique", "--format", "jsonl").stdout.splitlines()
    assert len(unique) == len(everything) - linked


def test_db_upgrade_creates_the_schema(tmp_path):
    path = tmp_path / "new.db"
    out = run("db", "upgrade", "--db", str(path))
    assert out.exit_code == 0 and "schema revision" in out.stdout
    assert run("query", "anything", "--db", str(path)).stdout.strip().endswith("0 posts")


def test_wrong_databases_end_with_one_line_errors(tmp_path):
    import sqlite3

    con = sqlite3.connect(tmp_path / "other.db")
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.close()
    (tmp_path / "empty.db").touch()
    cases = [(str(tmp_path / "none.db"), "no database"), (str(tmp_path / "other.db"), "not a forumsift database"),
             (str(tmp_path / "empty.db"), "no forumsift schema"),
             ("postgresql+psycopg://nobody@127.0.0.1:9/none", "cannot open database")]
    for url, words in cases:
        for command in (["query", "x"], ["stats"], ["export"], ["show", "1"]):
            out = run(*command, "--db", url)
            assert out.exit_code == 1, (url, command)
            assert words in out.stderr and len(out.stderr.strip().splitlines()) == 1, (url, command, out.stderr)
    # and as a real process: exit status and stderr, no traceback
    process = forumsift("query", "x", "--db", str(tmp_path / "none.db"))
    assert process.returncode == 1 and "no database" in process.stderr and "Traceback" not in process.stderr
