"""The store: batched, idempotent upserts of crawled posts, and the reads the CLI needs.

`Store.write_posts(records)` writes one batch in one transaction: sites, forums, threads and
authors are looked up or inserted (`ON CONFLICT DO NOTHING`, so concurrent workers never
duplicate a row), posts are inserted when new (`ON CONFLICT DO NOTHING` on (site, engine post
id)), touched (only last_seen) when unchanged, and updated with a `post_revisions` row holding the
old version when their text changed. Opening a store applies the migrations (db/migrate.py).
"""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import ARRAY, Engine, String, bindparam, create_engine, event, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from db import export, migrate, report, sqlite_write
from db.errors import NoDatabase, NotForumsiftDatabase, UnreachableDatabase
from db.models import Author, CrawlRun, Forum, LineCount, Post, PostRevision, Site, Thread
from db.post_rows import COLUMNS, RowBuilder
from db.search import Filters, search

DEFAULT_URL = "sqlite:///forumsift.db"
SQLITE_PAGE_SIZE = 8192


@dataclass
class PostRecord:
    """Everything the store needs about one post, as plain values (no crawler types)."""

    site_url: str
    engine: str
    thread_url: str
    post_id: str
    clean_text: str
    forum_path: Sequence[str] = ()
    thread_engine_id: str | None = None
    thread_title: str | None = None
    page_url: str | None = None
    page_number: int | None = None
    position: int | None = None
    author: str | None = None
    author_id: str | None = None
    author_url: str | None = None
    author_title: str | None = None
    posted_at: datetime | None = None
    posted_at_raw: str | None = None
    edited_at: datetime | None = None
    body_html: str | None = None
    raw_text: str | None = None
    quotes: list[dict[str, Any]] = field(default_factory=list)
    signature: str | None = None
    likes: int | None = None
    lang: str | None = None
    lang_confidence: float | None = None
    mt_score: float | None = None
    fixes: list[dict[str, Any]] = field(default_factory=list)
    normalizer_version: str | None = None

    def content_hash(self) -> str:
        basis = self.raw_text if self.raw_text else self.clean_text
        return hashlib.sha1(" ".join(basis.split()).encode("utf-8")).hexdigest()


@dataclass
class WriteResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


class _LRU(OrderedDict):
    """A dict that forgets its oldest entries: id caches stay bounded on huge forums."""

    def __init__(self, size: int = 50_000):
        super().__init__()
        self.size = size

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def make_engine(url: str, checkpoints_elsewhere: bool = False) -> Engine:
    """An SQLAlchemy engine; SQLite gets WAL mode, a busy timeout and foreign keys, and with
    `checkpoints_elsewhere` leaves checkpoints to a background Checkpointer (a store's)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        # check_same_thread: the store's FTS5 helper thread runs statements on the writing
        # connection while the store's thread waits (db.sqlite_write)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # a new database only (an existing one keeps its page size): with 8 KiB pages a batch's
            # rows and index entries are written as fewer, larger WAL frames and checkpointed as
            # fewer pages (1M posts in bench/db.py: 6-10% more posts/s, searches as fast; 16 KiB
            # pages slow searches)
            cur.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MiB: the indexes of a million posts stay in memory
            cur.execute("PRAGMA foreign_keys=ON")
            if checkpoints_elsewhere:  # a store's Checkpointer does it; this is a backstop
                cur.execute(f"PRAGMA wal_autocheckpoint={sqlite_write.WRITER_AUTOCHECKPOINT}")
            cur.close()
    return engine


def _insert(dialect: str, table: Any) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert  # noqa: PLC0415

        return pg_insert(table)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert  # noqa: PLC0415

        return sqlite_insert(table)
    return insert(table)


class Store:
    """A forumsift database. Open with `db.open(url)`."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self._sites: dict[str, int] = {}
        self._forums = _LRU()
        self._authors = _LRU()
        self._threads = _LRU()
        self._rows = RowBuilder(self.dialect)
        self._chunk_indexer: sqlite_write.ChunkIndexer | None = None
        self._checkpointer: sqlite_write.Checkpointer | None = None
        path = engine.url.database if self.dialect == "sqlite" else None
        # the file a Checkpointer keeps checkpointed, started by the first batch of posts (a store
        # that only reads starts no thread)
        self._checkpoint_path = path if path and path != ":memory:" and not path.startswith("file:") else None
        placeholder = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._insert_sql = (f"INSERT INTO posts ({', '.join(COLUMNS)}) VALUES ({', '.join([placeholder] * len(COLUMNS))}) "
                            "ON CONFLICT DO NOTHING")

    # -- schema ------------------------------------------------------------------------------
    def upgrade(self) -> bool:
        """Apply the migrations this database lacks; True when something was applied."""
        return migrate.upgrade(self.engine)

    def close(self) -> None:
        if self._chunk_indexer is not None:
            self._chunk_indexer.close()
        if self._checkpointer is not None:
            self._checkpointer.close()
        self.engine.dispose()

    def _indexer(self) -> sqlite_write.ChunkIndexer:
        if self._chunk_indexer is None:
            self._chunk_indexer = sqlite_write.ChunkIndexer(COLUMNS)
        return self._chunk_indexer

    # -- crawl runs --------------------------------------------------------------------------
    def start_run(self, start_url: str | None, spider_args: dict[str, Any] | None = None) -> int:
        with self.engine.begin() as conn:
            return conn.execute(insert(CrawlRun).values(start_url=start_url, spider_args=spider_args or {},
                                                        started_at=_now()).returning(CrawlRun.id)).scalar_one()

    def finish_run(self, run_id: int, reason: str, stats: dict[str, Any], site_url: str | None = None) -> None:
        with self.engine.begin() as conn:
            site_id = self._site_id(conn, site_url, None) if site_url else None
            conn.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(
                finished_at=_now(), finish_reason=reason, stats=_jsonable(stats), site_id=site_id))
        self.refresh_statistics()

    def refresh_statistics(self) -> None:
        """Let the query planner see what a crawl added (ANALYZE): with the statistics of empty
        tables it would, say, scan by a filter's index instead of the full-text index, and SQLite
        takes the index of opening posts for article searches only once it has statistics of it.
        SQLite samples at most 1,000 rows of each index (a quarter second at a million posts).
        PostgreSQL also moves the full-text index's pending entries (GIN fastupdate: up to 4 MB of
        recent posts that every search scans one by one) into the index proper, as autovacuum would
        some time later (0.15 s at 200k posts; searches 10-20% faster)."""
        with self.engine.begin() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            if self.dialect == "postgresql":
                conn.exec_driver_sql("SELECT gin_clean_pending_list('ix_posts_search_vector')")
            conn.exec_driver_sql("ANALYZE")

    # -- writes ------------------------------------------------------------------------------
    def write_posts(self, records: Sequence[PostRecord], run_id: int | None = None) -> WriteResult:
        """Upsert one batch of posts in one transaction (all or nothing)."""
        result = WriteResult()
        if not records:
            return result
        now = _now()
        with self.engine.begin() as conn:
            try:
                self._write(conn, records, run_id, now, result)
            except Exception:
                # ids cached during a rolled-back transaction may not exist: forget them
                self._forums.clear(), self._authors.clear(), self._threads.clear(), self._sites.clear()
                raise
        if self._checkpointer is None and self._checkpoint_path:
            self._checkpointer = sqlite_write.Checkpointer(self._checkpoint_path)
        if self._checkpointer is not None:
            self._checkpointer.committed()
        return result

    def _write(self, conn: Connection, records: Sequence[PostRecord], run_id: int | None, now: datetime,
               result: WriteResult) -> None:
        site_ids = [self._site_id(conn, rec.site_url, rec.engine) for rec in records]
        forum_ids = self._forum_ids(conn, site_ids, records)
        author_ids = self._author_ids(conn, site_ids, records)
        openers = {(site_id, rec.thread_url): rec for site_id, rec in zip(site_ids, records) if rec.position == 1}
        threads, created = self._thread_ids(conn, site_ids, forum_ids, records, now, openers, author_ids)
        starters = [{"pk": threads[key][0], "created": rec.posted_at, "starter": author_ids.get((key[0], rec.author))}
                    for key, rec in openers.items() if key not in created]
        if starters:  # threads stored before, or by another worker meanwhile
            conn.execute(update(Thread.__table__).where(Thread.id == bindparam("pk"))
                         .values(created_at=bindparam("created"), starter_id=bindparam("starter")), starters)
        batch = {(site_id, rec.post_id): rec for site_id, rec in zip(site_ids, records)}  # a post's last record wins
        posts = Post.__table__
        existing = {(row.site_id, row.engine_post_id): (row.id, row.content_hash) for row in self._lookup(
            conn, posts, "engine_post_id", list(batch), (posts.c.content_hash,))}
        stamp = self._rows.now(now)
        touched: list[int] = []
        changed: list[tuple[int, dict[str, Any]]] = []

        def new_rows(chunk: Sequence[tuple[tuple[int, str], PostRecord]]) -> list[tuple[Any, ...]]:
            """The rows of the chunk's new posts; its unchanged and changed ones are set aside."""
            rows = []
            for key, rec in chunk:
                content_hash = rec.content_hash()
                old = existing.get(key)
                if old is not None and old[1] == content_hash:  # seen again, same text
                    touched.append(old[0])
                    continue
                site_id = key[0]
                thread_id, title = threads[(site_id, rec.thread_url)]
                author_id = author_ids.get((site_id, rec.author))
                if old is None:
                    rows.append(self._rows.row(rec, site_id, thread_id, title, author_id, content_hash, stamp, run_id))
                    continue
                changed.append((old[0], dict(zip(COLUMNS, _PYTHON_ROWS.row(
                    rec, site_id, thread_id, title, author_id, content_hash, now, run_id)))))
            return rows

        result.inserted += self._insert_posts(conn, sqlite_write.chunks(list(batch.items())), new_rows)
        for post_id, row in changed:
            self._revise(conn, post_id, row, now, run_id)
        result.updated += len(changed)
        result.unchanged += len(touched)
        for chunk in _chunks(touched, 500):  # only last_seen moves
            conn.execute(update(posts).where(posts.c.id.in_(chunk)).values(last_seen=now, deleted=False))

    def _revise(self, conn: Connection, post_id: int, row: dict[str, Any], now: datetime, run_id: int | None) -> None:
        """Keep a changed post's stored version as a revision, then store the new one."""
        posts = Post.__table__
        old = conn.execute(select(posts.c.clean_text, posts.c.raw_html, posts.c.content_hash, posts.c.edited_at,
                                  posts.c.last_seen).where(posts.c.id == post_id)).one()
        conn.execute(insert(PostRevision.__table__).values(
            post_id=post_id, clean_text=old.clean_text, raw_html=old.raw_html, content_hash=old.content_hash,
            edited_at=old.edited_at, seen_from=old.last_seen, replaced_at=now, crawl_run_id=run_id))
        changes = {k: v for k, v in row.items() if k not in ("site_id", "engine_post_id", "first_seen")}
        conn.execute(update(posts).where(posts.c.id == post_id).values(**changes))

    def _insert_posts(self, conn: Connection, chunks: Iterable[Sequence[Any]],
                      build: Callable[[Sequence[Any]], list[tuple[Any, ...]]]) -> int:
        """Insert the new posts `build` makes rows of (self._rows) from each chunk; a post another
        worker stored meanwhile is skipped. The number of rows built."""
        if self.dialect != "sqlite":
            rows = [row for chunk in chunks for row in build(chunk)]
            if rows and self.dialect == "postgresql" and self.engine.dialect.driver == "psycopg":
                self._copy_posts(conn, rows)
            elif rows:
                conn.exec_driver_sql(self._insert_sql, rows)
            return len(rows)
        # FTS5 indexes a batch twice as fast from INSERT … SELECT as from the per-row trigger, which
        # stands aside while the flag is set (migration 0003); the flag's UPDATE takes the write lock
        # first, so ids above the last one are ours. Each chunk is indexed beside the next one's rows.
        conn.exec_driver_sql("UPDATE search_bulk_load SET active = 1")
        built = self._indexer().insert(conn.connection.dbapi_connection, chunks, build)
        conn.exec_driver_sql("UPDATE search_bulk_load SET active = 0")
        return built

    def _copy_posts(self, conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        """PostgreSQL: COPY the batch into a session-private staging table, then insert it into posts
        in one statement: the server runs one executor for the batch instead of one per row."""
        columns = ", ".join(COLUMNS)
        if conn.exec_driver_sql("SELECT to_regclass('pg_temp.posts_incoming')").scalar() is None:
            # the columns' types without their constraints, emptied at every commit
            conn.exec_driver_sql(f"CREATE TEMP TABLE posts_incoming ON COMMIT DELETE ROWS AS "
                                 f"SELECT {columns} FROM posts WITH NO DATA")
        with conn.connection.dbapi_connection.cursor() as cursor, \
                cursor.copy(f"COPY posts_incoming ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.exec_driver_sql(f"INSERT INTO posts ({columns}) SELECT {columns} FROM posts_incoming "
                             "ON CONFLICT DO NOTHING")

    def _insert_ignoring_conflicts(self, table: Any) -> Any:
        stmt = _insert(self.dialect, table)
        return stmt.on_conflict_do_nothing() if self.dialect in ("sqlite", "postgresql") else stmt

    def _lookup(self, conn: Connection, table: Any, name: str, keys: Sequence[tuple[int, str]],
                extra: Sequence[Any] = ()) -> list[Any]:
        """Rows of `table` (id, site_id, `name`, *extra) whose (site_id, name) is among `keys`."""
        by_site: dict[int, list[str]] = {}
        for site_id, value in keys:
            by_site.setdefault(site_id, []).append(value)
        found = []
        for site_id, values in by_site.items():
            for chunk in _chunks(values, 500):
                query = select(table.c.id, table.c.site_id, table.c[name], *extra).where(table.c.site_id == site_id)
                if self.dialect == "postgresql":
                    # a join with one array parameter: a long IN list or = ANY() is compared row by row
                    # when the planner's statistics are stale, as they are while a crawl fills the tables
                    wanted = func.unnest(bindparam("among", list(chunk), type_=ARRAY(String))) \
                        .table_valued("value").render_derived(name="wanted")
                    query = query.join_from(table, wanted, table.c[name] == wanted.c.value)
                elif self.dialect == "sqlite":
                    # one JSON parameter: one cached statement, where an IN list is compiled anew each time
                    wanted = func.json_each(bindparam("among", json.dumps(list(chunk)))).table_valued("value")
                    query = query.where(table.c[name].in_(select(wanted.c.value)))
                else:
                    query = query.where(table.c[name].in_(chunk))
                found += conn.execute(query).all()
        return found

    def _get_or_insert_many(self, conn: Connection, table: Any, name: str,
                            wanted: dict[tuple[int, str], dict[str, Any]], extra: Sequence[Any] = (),
                            ) -> tuple[list[Any], list[Any]]:
        """Look up rows by (site_id, `name`), inserting the missing ones with their `wanted` values:
        the rows stored before, and the rows this call inserted. When another worker stored some of
        the missing ones meanwhile (fewer rows inserted than asked), which are whose is unknown and
        all of them count as stored before."""
        found = self._lookup(conn, table, name, list(wanted), extra)
        missing = set(wanted) - {(row.site_id, row[2]) for row in found}
        if not missing:
            return found, []
        inserted = conn.execute(self._insert_ignoring_conflicts(table),
                                [{"site_id": key[0], name: key[1], **wanted[key]} for key in missing]).rowcount
        new = self._lookup(conn, table, name, list(missing), extra)
        return (found, new) if inserted == len(missing) else (found + new, [])

    def _site_id(self, conn: Connection, base_url: str | None, engine: str | None) -> int:
        if not base_url:
            raise ValueError("a post record needs its site's base URL")
        if base_url not in self._sites:
            now = _now()
            self._sites[base_url] = self._get_or_insert(conn, Site, {"base_url": base_url},
                                                        {"engine": engine, "first_seen": now, "last_seen": now})
            conn.execute(update(Site).where(Site.id == self._sites[base_url]).values(
                last_seen=now, **({"engine": engine} if engine else {})))
        return self._sites[base_url]

    def _get_or_insert(self, conn: Connection, model: Any, key: dict[str, Any], values: dict[str, Any]) -> int:
        where = [getattr(model, k) == v for k, v in key.items()]
        found = conn.execute(select(model.id).where(*where)).scalar()
        if found is not None:
            return found
        conn.execute(self._insert_ignoring_conflicts(model.__table__).values(**key, **values))
        return conn.execute(select(model.id).where(*where)).scalar_one()

    def _forum_ids(self, conn: Connection, site_ids: Sequence[int],
                   records: Sequence[PostRecord]) -> list[int | None]:
        """The forum id of each record (its breadcrumb path's last forum), paths resolved once a batch."""
        paths = dict.fromkeys((site_id, tuple(rec.forum_path)) for site_id, rec in zip(site_ids, records))
        ids = {key: self._forum_id(conn, *key) for key in paths}  # in the order first met, as before
        return [ids[(site_id, tuple(rec.forum_path))] for site_id, rec in zip(site_ids, records)]

    def _forum_id(self, conn: Connection, site_id: int, path: tuple[str, ...]) -> int | None:
        parent: int | None = None
        for depth in range(1, len(path) + 1):
            key = (site_id, path[:depth])
            cached = self._forums.get(key)
            if cached is None:
                cached = self._get_or_insert(conn, Forum, {"site_id": site_id, "path_key": " > ".join(path[:depth])},
                                             {"title": path[depth - 1], "parent_id": parent})
                self._forums.put(key, cached)
            parent = cached
        return parent

    def _thread_ids(self, conn: Connection, site_ids: Sequence[int], forum_ids: Sequence[int | None],
                    records: Sequence[PostRecord], now: datetime, openers: dict[tuple[int, str], PostRecord],
                    author_ids: dict[tuple[int, str | None], int],
                    ) -> tuple[dict[tuple[int, str], tuple[int, str | None]], set[tuple[int, str]]]:
        """(site, thread URL) -> (thread id, title) for the batch, and the threads this batch created
        with their opening post's date and author (`openers`). Threads new to this process are
        inserted, or refreshed (forum, title, last_seen) once when the database has them already."""
        wanted: dict[tuple[int, str], dict[str, Any]] = {}
        for site_id, forum_id, rec in zip(site_ids, forum_ids, records):
            key = (site_id, rec.thread_url)
            if key not in self._threads and (key not in wanted or rec.thread_title):
                opener = openers.get(key)  # a new thread gets its opening post's date and author at once
                wanted[key] = {"forum_id": forum_id, "engine_thread_id": rec.thread_engine_id,
                               "title": rec.thread_title, "first_seen": now, "last_seen": now,
                               "created_at": opener.posted_at if opener else None,
                               "starter_id": author_ids.get((site_id, opener.author)) if opener else None}
        created: set[tuple[int, str]] = set()
        if wanted:
            table = Thread.__table__
            found, new = self._get_or_insert_many(conn, table, "url", wanted, (table.c.title,))
            for row in new:
                created.add((row.site_id, row.url))
                self._threads.put((row.site_id, row.url), (row.id, row.title))
            refresh, renamed = [], []
            for row in found:
                key = (row.site_id, row.url)
                values = wanted[key]
                title = values["title"] or row.title
                refresh.append({"pk": row.id, "forum": values["forum_id"], "title": title, "seen": now})
                if title != row.title:
                    renamed.append({"pk": row.id, "title": title})
                self._threads.put(key, (row.id, title))
            if refresh:
                conn.execute(update(table).where(table.c.id == bindparam("pk")).values(
                    forum_id=func.coalesce(bindparam("forum"), table.c.forum_id), title=bindparam("title"),
                    last_seen=bindparam("seen")), refresh)
            if renamed:  # the search index reads the title from the thread's posts
                posts = Post.__table__
                conn.execute(update(posts).where(posts.c.thread_id == bindparam("pk"))
                             .values(thread_title=bindparam("title")), renamed)
        return {(site_id, rec.thread_url): self._threads[(site_id, rec.thread_url)]
                for site_id, rec in zip(site_ids, records)}, created

    def _author_ids(self, conn: Connection, site_ids: Sequence[int],
                    records: Sequence[PostRecord]) -> dict[tuple[int, str | None], int]:
        """(site, author name) -> author id for the batch; new authors inserted, changed titles kept."""
        latest = {(site_id, rec.author): rec for site_id, rec in zip(site_ids, records) if rec.author}
        table = Author.__table__
        missing = {key: {"engine_user_id": rec.author_id, "profile_url": rec.author_url, "title": rec.author_title}
                   for key, rec in latest.items() if key not in self._authors}
        if missing:
            for rows in self._get_or_insert_many(conn, table, "name", missing, (table.c.title,)):
                for row in rows:
                    self._authors.put((row.site_id, row.name), (row.id, row.title))
        retitled = []
        for key, rec in latest.items():
            author_pk, title = self._authors[key]
            if rec.author_title and rec.author_title != title:
                retitled.append({"pk": author_pk, "title": rec.author_title})
                self._authors.put(key, (author_pk, rec.author_title))
        if retitled:
            conn.execute(update(table).where(table.c.id == bindparam("pk")).values(title=bindparam("title")),
                         retitled)
        return {key: self._authors[key][0] for key in latest}

    # -- site-learned boilerplate --------------------------------------------------------------
    def count_lines(self, site_url: str, pages: Iterable[Iterable[str]]) -> None:
        """Count, per site, on how many pages each line key was seen (`normalize.line_keys` of
        each page); one transaction, counts added with ON CONFLICT DO UPDATE."""
        per_key: dict[str, int] = {}
        page_count = 0
        for keys in pages:
            page_count += 1
            for key in set(keys):
                per_key[key] = per_key.get(key, 0) + 1
        if not page_count:
            return
        table = LineCount.__table__
        with self.engine.begin() as conn:
            site_id = self._site_id(conn, site_url, None)
            conn.execute(update(Site).where(Site.id == site_id).values(pages_seen=Site.pages_seen + page_count))
            if not per_key:
                return
            stmt = _insert(self.dialect, table)
            stmt = stmt.on_conflict_do_update(index_elements=["site_id", "line_hash"],
                                              set_={"count": table.c.count + stmt.excluded["count"]})
            conn.execute(stmt, [{"site_id": site_id, "line_hash": hashlib.sha1(key.encode("utf-8")).hexdigest(),
                                 "line": key, "count": n} for key, n in per_key.items()])

    def line_counts(self, site_url: str, min_count: int = 2) -> tuple[dict[str, int], int]:
        """The site's line keys seen on at least `min_count` pages, and how many pages were counted."""
        with self.engine.connect() as conn:
            site = conn.execute(select(Site.id, Site.pages_seen).where(Site.base_url == site_url)).one_or_none()
            if site is None:
                return {}, 0
            rows = conn.execute(select(LineCount.line, LineCount.count)
                                .where(LineCount.site_id == site.id, LineCount.count >= min_count))
            return dict(rows.all()), site.pages_seen or 0

    # -- reads -------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {name: conn.execute(select(func.count()).select_from(model)).scalar_one()
                    for name, model in (("sites", Site), ("forums", Forum), ("threads", Thread),
                                        ("authors", Author), ("posts", Post), ("revisions", PostRevision))}

    def languages(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(Post.lang, func.count()).group_by(Post.lang).order_by(func.count().desc()))
            return {lang or "und": n for lang, n in rows}

    def search(self, text: str, limit: int = 10, filters: Filters | None = None) -> list[dict[str, Any]]:
        """The best `limit` posts matching `text`, ranked, with highlighted snippets (see db.search)."""
        with self.engine.connect() as conn:
            return search(conn, text, filters, limit)

    def post(self, post_id: int, raw: bool = False) -> dict[str, Any] | None:
        """One post with its thread, forum, author and fixes (and raw HTML/text with `raw`)."""
        with self.engine.connect() as conn:
            return report.post_detail(conn, post_id, raw)

    def revisions(self, post_id: int) -> list[dict[str, Any]]:
        """The earlier versions of a post, oldest first."""
        with self.engine.connect() as conn:
            return report.revisions(conn, post_id)

    def stats(self) -> dict[str, list[dict[str, Any]]]:
        """Posts per site, forum and language; the latest crawl runs with their outcome."""
        with self.engine.connect() as conn:
            return report.stats(conn)

    def export_rows(self, filters: Filters | None = None) -> Iterator[dict[str, Any]]:
        """Stream the posts (or articles) `filters` covers, one dict at a time."""
        with self.engine.connect() as conn:
            yield from export.rows(conn, filters or Filters())

    def dedupe(self) -> int:
        """Link near-duplicate posts to their original (`duplicate_of`); the number linked."""
        from db import duplicates  # noqa: PLC0415 (numpy and datasketch: not in every crawl process)

        with self.engine.begin() as conn:
            return duplicates.link_duplicates(conn)


_PYTHON_ROWS = RowBuilder("any", driver=False)  # the rare update of a changed post goes through SQLAlchemy


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


def open_store(url: str | None = None, create: bool = True) -> Store:
    """Open the forumsift database at `url`, applying any migrations it lacks.

    With `create=False` the database must exist and be a forumsift one already (NoDatabase,
    NotForumsiftDatabase); a server that cannot be reached raises UnreachableDatabase.
    """
    url = url or DEFAULT_URL
    if not create and url.startswith("sqlite:///") and not _sqlite_file_exists(url):
        raise NoDatabase(f"no database at {url[len('sqlite:///'):]}")
    store = Store(_engine_or_raise(url, checkpoints_elsewhere=True))
    try:
        if not create and migrate.check(store.engine) is None:
            raise NotForumsiftDatabase(f"{url} is empty: no forumsift schema (crawl into it first)")
        store.upgrade()
    except DatabaseError as exc:
        store.close()
        if not _cannot_open(exc):
            raise
        raise _unreachable(url, exc) from exc
    except NotForumsiftDatabase:
        store.close()
        raise
    return store


def check_usable(url: str) -> None:
    """Raise UnreachableDatabase or NotForumsiftDatabase (one line each) when a crawl could not
    store posts at `url`; nothing is created or migrated. A crawl asks first: inside Scrapy the
    error would end as a traceback."""
    engine = _engine_or_raise(url)
    try:
        migrate.check(engine)
    except DatabaseError as exc:
        if not _cannot_open(exc):
            raise
        raise _unreachable(url, exc) from exc
    finally:
        engine.dispose()


def _cannot_open(exc: DatabaseError) -> bool:
    """A database that cannot be read at all: a server refusing, no such database, a file that is no
    SQLite database (a plain DatabaseError); not a failing statement (IntegrityError and the like)."""
    return isinstance(exc, OperationalError) or type(exc) is DatabaseError


def _engine_or_raise(url: str, checkpoints_elsewhere: bool = False) -> Engine:
    try:
        return make_engine(url, checkpoints_elsewhere)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise UnreachableDatabase(f"cannot use database URL {url}: {exc}") from exc


def _unreachable(url: str, exc: DatabaseError) -> UnreachableDatabase:
    return UnreachableDatabase(f"cannot open database {url}: {str(exc.orig).strip().splitlines()[0]}")


def _sqlite_file_exists(url: str) -> bool:
    path = url[len("sqlite:///"):].split("?", 1)[0]
    return path in ("", ":memory:") or Path(path).exists()
