"""The store on SQLite and PostgreSQL: migrations, idempotent batched upserts, revisions, articles.

The posts come from the fixture forum's content model (`demo_forum()`) as the pipeline would hand
them over, so these tests do not depend on a crawl; tests/test_db_cli.py crawls for real.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from sqlalchemy import inspect, select, text

import db
from db.models import Post, PostRevision, Thread
from db.store import PostRecord
from fixtures.content import demo_forum

SITE = "http://forum.test/"


def demo_records(site_url: str = SITE) -> list[PostRecord]:
    """Every post of the demo forum as a PostRecord (tags stripped for the clean text)."""
    records = []
    for thread in demo_forum().threads():
        path = [thread.forum.category.title, *(f.title for f in thread.forum.path())] if thread.forum.category \
            else [f.title for f in thread.forum.path()]
        for post in thread.posts:
            body = re.sub(r"<blockquote.*?</blockquote>", " ", post.body_html, flags=re.S)
            clean = " ".join(re.sub(r"<[^>]+>", " ", body).split())
            records.append(PostRecord(
                site_url=site_url, engine="xenforo2", thread_url=f"{site_url}threads/{thread.slug}.{thread.thread_id}/",
                post_id=str(post.post_id), clean_text=clean, forum_path=path, thread_engine_id=str(thread.thread_id),
                thread_title=thread.title, position=post.position, author=post.author.name,
                author_id=str(post.author.user_id), author_title=post.author.title, posted_at=post.posted_at,
                posted_at_raw=post.posted_at.isoformat(), edited_at=post.edited_at, body_html=post.body_html,
                lang=post.lang, quotes=[{"author": post.quote_of.author.name}] if post.quote_of else []))
    return records


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty database URL, on each dialect."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'forum.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url: str) -> Iterator[db.Store]:
    store = db.open(db_url)
    yield store
    store.close()


def _rows(store: db.Store, sql: str) -> list[tuple]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_open_applies_the_migrations_with_search_and_articles(store):
    from db.migrate import current_revision, head_revision

    assert current_revision(store.engine) == head_revision()
    names = set(inspect(store.engine).get_table_names()) | set(inspect(store.engine).get_view_names())
    assert {"sites", "forums", "threads", "authors", "posts", "post_revisions", "crawl_runs", "line_counts",
            "articles"} <= names
    if store.dialect == "sqlite":
        sql = _rows(store, "SELECT sql FROM sqlite_master WHERE name = 'posts_fts'")[0][0]
        # the form Datasette's detect_fts looks for
        assert "USING fts5" in sql and "content=[posts]" in sql
    assert store.upgrade() is False, "a second open must find nothing to do"


def test_the_fast_insert_of_new_posts_names_every_column_of_posts():
    # db/post_rows.py lists the columns by hand (its rows are tuples in that order): a column added
    # to the model must be added there too, or new posts would be stored without it
    from db.post_rows import COLUMNS

    assert sorted(COLUMNS) == sorted(c.name for c in Post.__table__.columns if c.name != "id")


def test_storing_the_same_posts_twice_changes_only_last_seen(store):
    records = demo_records()
    first = store.write_posts(records)
    assert (first.inserted, first.updated) == (len(records), 0)
    columns = [c.name for c in Post.__table__.columns if c.name != "last_seen"]
    before = _rows(store, f"SELECT {', '.join(columns)}, last_seen FROM posts ORDER BY id")

    second = store.write_posts(records)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, len(records))
    after = _rows(store, f"SELECT {', '.join(columns)}, last_seen FROM posts ORDER BY id")
    assert [r[:-1] for r in after] == [r[:-1] for r in before]
    assert all(a[-1] > b[-1] for a, b in zip(after, before))
    assert store.counts()["revisions"] == 0
    assert store.counts()["posts"] == len(demo_forum().posts())


def test_an_edited_post_keeps_its_old_text_as_one_revision(store):
    records = demo_records()
    store.write_posts(records)
    old = records[3]
    edited = replace(old, clean_text=old.clean_text + " Edited: the yard called back.",
                     edited_at=datetime(2024, 1, 2, tzinfo=timezone.utc))
    result = store.write_posts([*records[:3], edited, *records[4:]])
    assert (result.inserted, result.updated) == (0, 1)
    assert store.counts()["posts"] == len(records)

    with store.engine.connect() as conn:
        post_id, clean_text = conn.execute(select(Post.id, Post.clean_text)
                                           .where(Post.engine_post_id == old.post_id)).one()
        revisions = conn.execute(select(PostRevision.clean_text).where(PostRevision.post_id == post_id)).scalars()
        assert list(revisions) == [old.clean_text]
    assert clean_text.endswith("the yard called back.")
    # the index follows the new text
    assert [h["id"] for h in store.search("yard called back")] == [post_id]


def test_raw_html_is_kept_compressed_and_posts_stored_with_zlib_still_read_back(store):
    import zlib

    records = demo_records()
    store.write_posts(records)
    (post_id, stored), = _rows(store, f"SELECT id, raw_html FROM posts WHERE engine_post_id = '{records[0].post_id}'")
    assert len(stored) < len(records[0].body_html.encode()) and store.post(post_id, raw=True)["raw_html"] \
        == records[0].body_html
    # rows written before raw HTML went to zstd hold a zlib stream
    packer = zlib.compressobj(1, zlib.DEFLATED, 12, 4)
    with store.engine.begin() as conn:
        conn.execute(Post.__table__.update().where(Post.id == post_id).values(
            raw_html=packer.compress(b"<p>old \xc3\xa9</p>") + packer.flush()))
    assert store.post(post_id, raw=True)["raw_html"] == "<p>old \u00e9</p>"


def test_a_batch_is_all_or_nothing(store):
    records = demo_records()
    broken = replace(records[1], site_url=None)
    with pytest.raises(ValueError, match="base URL"):
        store.write_posts([records[0], broken])
    assert store.counts()["posts"] == 0
    assert store.write_posts(records[:2]).inserted == 2  # the id caches did not keep rolled-back rows


def test_a_batch_of_many_chunks_stores_and_indexes_what_one_chunk_would(tmp_path, monkeypatch):
    # SQLite inserts a batch's new posts by chunks, indexing one beside the next one's rows
    # (db.sqlite_write; PostgreSQL inserts a batch in one statement): with chunks of 7 posts a batch
    # of new, unchanged and edited posts reads back as the same batch written in one chunk
    from db import sqlite_write

    records = demo_records()
    edited = [replace(r, clean_text=r.clean_text + " Edited later.") if i % 5 == 0 else r
              for i, r in enumerate(records)]
    columns = ", ".join(c.name for c in Post.__table__.columns if c.name not in ("first_seen", "last_seen"))
    stored = []
    for chunk in (7, 1000):
        monkeypatch.setattr(sqlite_write, "CHUNK", chunk)
        monkeypatch.setattr(sqlite_write, "FIRST_CHUNK", min(chunk, 3))
        store = db.open(f"sqlite:///{tmp_path / f'chunks_of_{chunk}.db'}")
        store.write_posts(records[:40])
        result = store.write_posts(edited)
        assert (result.inserted, result.updated, result.unchanged) == (len(records) - 40, 8, 32)
        hits = {word: [h["id"] for h in store.search(word, limit=100)] for word in ("edited", "antifouling", "winch")}
        stored.append((_rows(store, f"SELECT {columns} FROM posts ORDER BY id"), hits,
                       _rows(store, "SELECT post_id, clean_text FROM post_revisions ORDER BY id")))
        store.close()
    assert stored[0] == stored[1]
    assert len(stored[0][1]["edited"]) == len(records[::5])


def test_a_failing_chunk_rolls_back_the_whole_batch_and_the_store_goes_on(store, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from db import sqlite_write

    monkeypatch.setattr(sqlite_write, "CHUNK", 7)
    monkeypatch.setattr(sqlite_write, "FIRST_CHUNK", 3)
    records = demo_records()
    with pytest.raises(IntegrityError):  # a crawl run that does not exist: the foreign key refuses it
        store.write_posts(records, run_id=999)
    assert store.counts()["posts"] == 0 and store.search("antifouling") == []
    assert store.write_posts(records).inserted == len(records)
    assert len(store.search("antifouling", limit=100)) > 1


def test_sqlite_posts_have_no_author_index_and_a_downgrade_brings_it_back(db_url):
    # migration 0007: no query reads ix_posts_author_id, and on SQLite its random inserts cost each
    # batch a page write per post; PostgreSQL keeps it
    from alembic import command

    from db.migrate import alembic_config

    def has_index() -> bool:
        return "ix_posts_author_id" in {ix["name"] for ix in inspect(store.engine).get_indexes("posts")}

    store = db.open(db_url)
    assert has_index() == (store.dialect == "postgresql")
    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")
    assert has_index()
    store.close()
    store = db.open(db_url)  # upgraded again on open
    assert has_index() == (store.dialect == "postgresql")
    assert store.write_posts(demo_records()).inserted == len(demo_records())
    store.close()


def test_articles_are_the_opening_posts_under_their_thread_titles(store):
    store.write_posts(demo_records())
    threads = demo_forum().threads()
    rows = _rows(store, "SELECT headline, author, url FROM articles ORDER BY post_id")
    assert sorted(r[0] for r in rows) == sorted(t.title for t in threads)
    assert {(r[0], r[1]) for r in rows} == {(t.title, t.posts[0].author.name) for t in threads}


def test_threads_know_their_starter_and_a_renamed_thread_is_searchable_by_its_new_title(store):
    records = demo_records()
    store.write_posts(records)
    renamed = [replace(r, thread_title="Antifouling choices revisited") for r in records
               if r.thread_url == records[0].thread_url]
    reopened = db.open(store.engine.url.render_as_string(hide_password=False))  # a new crawl: cold caches
    reopened.write_posts(renamed)
    reopened.close()
    with store.engine.connect() as conn:
        title, starter = conn.execute(select(Thread.title, Thread.starter_id)
                                      .where(Thread.url == records[0].thread_url)).one()
    assert title == "Antifouling choices revisited" and starter is not None
    hits = store.search("revisited")
    assert len(hits) == len(renamed) and {h["title"] for h in hits} == {"Antifouling choices revisited"}


def test_a_thread_gets_its_opening_posts_date_and_author_however_its_pages_arrive(store):
    records = demo_records()
    by_thread: dict[str, list[PostRecord]] = {}
    for rec in records:
        by_thread.setdefault(rec.thread_url, []).append(rec)
    first, later, elsewhere = [posts for posts in by_thread.values() if len(posts) > 1][:3]
    store.write_posts(first)  # the opening post in the batch that creates the thread
    store.write_posts(later[1:])  # replies first (the thread is created without an opener) …
    store.write_posts(later[:1])  # … then the opening post
    url = store.engine.url.render_as_string(hide_password=False)
    other = db.open(url)
    other.write_posts(elsewhere[1:])  # another worker creates the thread meanwhile
    other.close()
    store.write_posts(elsewhere)  # this store's cache has never seen it
    with store.engine.connect() as conn:
        stored = {row.url: row for row in conn.execute(select(Thread.url, Thread.created_at, Thread.starter_id,
                                                                Thread.title))}
        authors = dict(conn.execute(text("SELECT id, name FROM authors")).all())
    for posts in (first, later, elsewhere):
        row = stored[posts[0].thread_url]
        assert row.title == posts[0].thread_title
        assert authors[row.starter_id] == posts[0].author
        assert row.created_at.replace(tzinfo=timezone.utc) == posts[0].posted_at.astimezone(timezone.utc)


def test_crawl_runs_are_recorded_with_their_outcome(store):
    run = store.start_run(SITE, {"start_url": SITE})
    store.write_posts(demo_records()[:5], run)
    store.finish_run(run, "finished", {"item_scraped_count": 5, "start_time": datetime.now(timezone.utc)}, SITE)
    stats = store.stats()
    assert stats["runs"][0]["finish_reason"] == "finished" and stats["runs"][0]["posts"] == 5


def test_opening_a_missing_or_foreign_database_is_a_clear_error(tmp_path):
    with pytest.raises(db.NoDatabase):
        db.open(f"sqlite:///{tmp_path / 'none.db'}", create=False)
    import sqlite3

    con = sqlite3.connect(tmp_path / "other.db")
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.close()
    with pytest.raises(db.NotForumsiftDatabase, match="invoices"):
        db.open(f"sqlite:///{tmp_path / 'other.db'}")
    with pytest.raises(db.UnreachableDatabase):
        db.open("postgresql+psycopg://nobody@127.0.0.1:9/none", create=False)


def test_line_counts_learn_a_site_s_repeated_lines(store):
    pages = [["forum list", "dec 0, 0000", f"reply number {n}"] for n in range(30)] + [["forum list"]] * 10
    store.count_lines(SITE, pages[:25])
    store.count_lines(SITE, pages[25:])  # a second batch adds to the first
    counts, pages_seen = store.line_counts(SITE)
    assert pages_seen == 40
    assert counts == {"forum list": 40, "dec 0, 0000": 30}
    assert store.line_counts("http://elsewhere.test/") == ({}, 0)


def test_an_older_database_is_upgraded_on_open_and_keeps_its_posts(db_url):
    from alembic import command

    from db.migrate import alembic_config, current_revision, head_revision
    from db.store import make_engine

    engine = make_engine(db_url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    with engine.begin() as conn:  # a post stored by the older schema (its FTS trigger indexes it)
        conn.execute(text("INSERT INTO sites (base_url, pages_seen) VALUES ('http://old.test/', 0)"))
        conn.execute(text("INSERT INTO threads (site_id, url, title) VALUES (1, 'http://old.test/t/1', 'Winches')"))
        conn.execute(text("INSERT INTO posts (site_id, engine_post_id, thread_id, clean_text, deleted) "
                          "VALUES (1, 'p1', 1, 'an anchor winch from the old days', false)"))
    engine.dispose()

    store = db.open(db_url)
    assert current_revision(store.engine) == head_revision()
    store.write_posts(demo_records())
    assert len(store.search("anchor winch")) == 1
    assert len(store.search("antifouling", limit=100)) > 1
    store.close()


def test_a_new_sqlite_database_has_8_kib_pages_and_an_older_one_keeps_its_own(tmp_path):
    # bench/db.py: 8 KiB pages write a batch in fewer WAL frames; a database made before keeps 4 KiB
    import sqlite3

    old = tmp_path / "old.db"
    sqlite3.connect(old).execute("PRAGMA page_size=4096").connection.execute("VACUUM").connection.close()
    for path, size in ((tmp_path / "new.db", 8192), (old, 4096)):
        store = db.open(f"sqlite:///{path}")
        assert store.write_posts(demo_records()).inserted == len(demo_records())
        assert store.search("antifouling")
        store.close()
        assert sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0] == size
