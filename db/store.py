"""The store: batched, idempotent upserts of crawled posts, and the reads the CLI needs.

`Store.write_posts(records)` writes one batch in one transaction: sites, forums, threads and
authors are looked up or inserted (`ON CONFLICT DO NOTHING`, so concurrent workers never
duplicate a row), posts are inserted when new, touched (last_seen) when unchanged, and updated
with a `post_revisions` row holding the old version when their text changed.
"""
from __future__ import annotations

import hashlib
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, insert, select, update
from sqlalchemy.engine import Connection

from db.models import Author, Base, CrawlRun, Forum, Post, PostRevision, Site, Thread

DEFAULT_URL = "sqlite:///forumsift.db"


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


def make_engine(url: str) -> Engine:
    """An SQLAlchemy engine; SQLite gets WAL mode, a busy timeout and foreign keys."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
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

    # -- schema ------------------------------------------------------------------------------
    def create_schema(self) -> None:
        Base.metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- crawl runs --------------------------------------------------------------------------
    def start_run(self, start_url: str | None, spider_args: dict[str, Any] | None = None) -> int:
        with self.engine.begin() as conn:
            return conn.execute(insert(CrawlRun).values(
                start_url=start_url, spider_args=spider_args or {}, started_at=_now()).returning(CrawlRun.id)).scalar_one()

    def finish_run(self, run_id: int, reason: str, stats: dict[str, Any], site_url: str | None = None) -> None:
        with self.engine.begin() as conn:
            site_id = self._site_id(conn, site_url, None) if site_url else None
            conn.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(
                finished_at=_now(), finish_reason=reason, stats=_jsonable(stats), site_id=site_id))

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
        return result

    def _write(self, conn: Connection, records: Sequence[PostRecord], run_id: int | None, now: datetime,
               result: WriteResult) -> None:
        rows_by_key: dict[tuple[int, str], dict[str, Any]] = {}
        for rec in records:
            site_id = self._site_id(conn, rec.site_url, rec.engine)
            forum_id = self._forum_id(conn, site_id, rec.forum_path)
            thread_id = self._thread_id(conn, site_id, forum_id, rec, now)
            author_id = self._author_id(conn, site_id, rec) if rec.author else None
            rows_by_key[(site_id, rec.post_id)] = {
                "site_id": site_id, "engine_post_id": rec.post_id, "thread_id": thread_id,
                "position": rec.position, "page_url": rec.page_url, "author_id": author_id,
                "author_title": rec.author_title, "posted_at": rec.posted_at, "posted_at_raw": rec.posted_at_raw,
                "edited_at": rec.edited_at,
                "raw_html": zlib.compress(rec.body_html.encode("utf-8"), 6) if rec.body_html else None,
                "raw_text": rec.raw_text, "clean_text": rec.clean_text, "quotes": rec.quotes or None,
                "signature": rec.signature, "likes": rec.likes, "lang": rec.lang,
                "lang_confidence": rec.lang_confidence, "mt_score": rec.mt_score, "fixes": rec.fixes or None,
                "content_hash": rec.content_hash(), "normalizer_version": rec.normalizer_version,
                "first_seen": now, "last_seen": now, "crawl_run_id": run_id, "deleted": False,
            }
        existing: dict[tuple[int, str], Any] = {}
        by_site: dict[int, list[str]] = {}
        for site_id, post_id in rows_by_key:
            by_site.setdefault(site_id, []).append(post_id)
        for site_id, post_ids in by_site.items():
            for chunk in _chunks(post_ids, 500):
                for row in conn.execute(select(Post.id, Post.site_id, Post.engine_post_id, Post.content_hash,
                                               Post.clean_text, Post.raw_html, Post.edited_at, Post.last_seen)
                                        .where(Post.site_id == site_id, Post.engine_post_id.in_(chunk))):
                    existing[(row.site_id, row.engine_post_id)] = row
        new_rows = [row for key, row in rows_by_key.items() if key not in existing]
        if new_rows:
            stmt = _insert(self.dialect, Post).on_conflict_do_nothing(index_elements=["site_id", "engine_post_id"]) \
                if self.dialect in ("sqlite", "postgresql") else insert(Post)
            conn.execute(stmt, new_rows)
            result.inserted += len(new_rows)
        touched: list[int] = []
        for key, row in rows_by_key.items():
            old = existing.get(key)
            if old is None:
                continue
            if old.content_hash == row["content_hash"]:
                touched.append(old.id)
                result.unchanged += 1
                continue
            conn.execute(insert(PostRevision).values(
                post_id=old.id, clean_text=old.clean_text, raw_html=old.raw_html, content_hash=old.content_hash,
                edited_at=old.edited_at, seen_from=old.last_seen, replaced_at=now, crawl_run_id=run_id))
            changes = {k: v for k, v in row.items() if k not in ("site_id", "engine_post_id", "first_seen")}
            conn.execute(update(Post).where(Post.id == old.id).values(**changes))
            result.updated += 1
        for chunk in _chunks(touched, 500):
            conn.execute(update(Post).where(Post.id.in_(chunk)).values(last_seen=now, crawl_run_id=run_id,
                                                                        deleted=False))

    def _get_or_insert(self, conn: Connection, model: Any, key: dict[str, Any], values: dict[str, Any]) -> int:
        where = [getattr(model, k) == v for k, v in key.items()]
        found = conn.execute(select(model.id).where(*where)).scalar()
        if found is not None:
            return found
        stmt = _insert(self.dialect, model).values(**key, **values)
        if self.dialect in ("sqlite", "postgresql"):
            stmt = stmt.on_conflict_do_nothing()
        conn.execute(stmt)
        return conn.execute(select(model.id).where(*where)).scalar_one()

    def _site_id(self, conn: Connection, base_url: str | None, engine: str | None) -> int:
        assert base_url
        if base_url not in self._sites:
            now = _now()
            self._sites[base_url] = self._get_or_insert(conn, Site, {"base_url": base_url},
                                                        {"engine": engine, "first_seen": now, "last_seen": now})
            conn.execute(update(Site).where(Site.id == self._sites[base_url]).values(
                last_seen=now, **({"engine": engine} if engine else {})))
        return self._sites[base_url]

    def _forum_id(self, conn: Connection, site_id: int, path: Sequence[str]) -> int | None:
        parent: int | None = None
        for depth in range(1, len(path) + 1):
            key = (site_id, tuple(path[:depth]))
            cached = self._forums.get(key)
            if cached is None:
                cached = self._get_or_insert(conn, Forum, {"site_id": site_id, "path_key": " > ".join(path[:depth])},
                                             {"title": path[depth - 1], "parent_id": parent})
                self._forums.put(key, cached)
            parent = cached
        return parent

    def _thread_id(self, conn: Connection, site_id: int, forum_id: int | None, rec: PostRecord, now: datetime) -> int:
        key = (site_id, rec.thread_url)
        cached = self._threads.get(key)
        if cached is None:
            cached = self._get_or_insert(conn, Thread, {"site_id": site_id, "url": rec.thread_url},
                                         {"forum_id": forum_id, "engine_thread_id": rec.thread_engine_id,
                                          "title": rec.thread_title, "first_seen": now})
            self._threads.put(key, cached)
            conn.execute(update(Thread).where(Thread.id == cached).values(
                last_seen=now, **({"title": rec.thread_title} if rec.thread_title else {}),
                **({"forum_id": forum_id} if forum_id else {})))
        if rec.position == 1 and rec.posted_at:
            conn.execute(update(Thread).where(Thread.id == cached).values(created_at=rec.posted_at))
        return cached

    def _author_id(self, conn: Connection, site_id: int, rec: PostRecord) -> int:
        key = (site_id, rec.author)
        cached = self._authors.get(key)
        if cached is None:
            cached = self._get_or_insert(conn, Author, {"site_id": site_id, "name": rec.author},
                                         {"engine_user_id": rec.author_id, "profile_url": rec.author_url,
                                          "title": rec.author_title})
            self._authors.put(key, (cached, rec.author_title))
            return cached
        author_pk, title = cached
        if rec.author_title and rec.author_title != title:
            conn.execute(update(Author).where(Author.id == author_pk).values(title=rec.author_title))
            self._authors.put(key, (author_pk, rec.author_title))
        return author_pk

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

    def search(self, text: str, limit: int = 10) -> list[dict[str, Any]]:
        """Posts whose clean text contains every word of `text` (case-insensitive)."""
        words = [w for w in text.split() if w]
        stmt = (select(Post.id, Post.engine_post_id, Post.clean_text, Post.posted_at, Post.lang, Thread.title,
                       Thread.url, Author.name.label("author"))
                .join(Thread, Thread.id == Post.thread_id, isouter=True)
                .join(Author, Author.id == Post.author_id, isouter=True))
        for w in words:
            stmt = stmt.where(Post.clean_text.ilike(f"%{w}%"))
        stmt = stmt.order_by(Post.posted_at.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(stmt)]


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
    """Open (and, by default, create or upgrade) the forumsift database at `url`."""
    store = Store(make_engine(url or DEFAULT_URL))
    if create:
        store.create_schema()
    return store
