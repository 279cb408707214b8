"""The forumsift schema (SQLAlchemy 2 declarative models).

sites ─< forums (a tree) ─< threads ─< posts ─< post_revisions
sites ─< authors ─< posts;  crawl_runs ─< posts (the run that last stored each post)
articles: a view, one row per thread's opening post (headline = thread title).

Posts are keyed by (site, engine post id); everything a post was read from is kept (raw HTML
compressed, raw text) beside the clean text and the list of fixes, so a newer normalizer can redo
the work without a re-crawl. `posts.thread_title` is a copy of the thread's title so that one
full-text index (FTS5 `posts_fts`, or the PostgreSQL `search_vector` column) covers both.
Search structures and the view are made by the migrations (db/migrations), not by these models.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, BigInteger, Boolean, Column, DateTime, Float, ForeignKey, Index, Integer,
                        LargeBinary, MetaData, String, Table, Text, UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# position too, though the index holds only position 1: SQLite takes an index for a query only
# when it covers every column the query reads
OPENING_POST_COLUMNS = ("id", "thread_id", "deleted", "position", "lang", "posted_at", "duplicate_of")

# what a search's filters read from each matching post (db.search.where), in an index SQLite reads
# instead of the wide posts row while it ranks the matches (migration 0006; not on PostgreSQL)
SEARCH_FILTER_COLUMNS = ("id", "deleted", "duplicate_of", "lang", "posted_at", "site_id", "thread_id", "author_id")
LINKED_POSTS = text("duplicate_of IS NOT NULL")

# SQLite wants INTEGER PRIMARY KEY for rowid aliases; BigInteger elsewhere.
BigId = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Site(Base):
    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    base_url: Mapped[str] = mapped_column(String(500), unique=True)
    name: Mapped[str | None] = mapped_column(String(300))
    engine: Mapped[str | None] = mapped_column(String(50))
    engine_version: Mapped[str | None] = mapped_column(String(50))
    timezone: Mapped[str | None] = mapped_column(String(64))
    pages_seen: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Forum(Base):
    __tablename__ = "forums"
    __table_args__ = (UniqueConstraint("site_id", "path_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(500))
    path_key: Mapped[str] = mapped_column(String(2000))  # breadcrumb titles joined by " > "
    url: Mapped[str | None] = mapped_column(String(2000))
    engine_forum_id: Mapped[str | None] = mapped_column(String(100))


class Thread(Base):
    __tablename__ = "threads"
    __table_args__ = (UniqueConstraint("site_id", "url"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id", ondelete="SET NULL"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    engine_thread_id: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(Text)
    starter_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id", ondelete="SET NULL"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reply_count_seen: Mapped[int | None] = mapped_column(Integer)
    last_post_at_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_page_seen: Mapped[int | None] = mapped_column(Integer)
    last_page_url: Mapped[str | None] = mapped_column(String(2000))
    first_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Author(Base):
    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("site_id", "name"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    engine_user_id: Mapped[str | None] = mapped_column(String(100))
    profile_url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(String(300))  # last seen title / rank


class CrawlRun(Base):
    __tablename__ = "crawl_runs"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"))
    start_url: Mapped[str | None] = mapped_column(String(2000))
    spider_args: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    stats: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("site_id", "engine_post_id"),
        Index("ix_posts_thread_position", "thread_id", "position"),
        # the opening posts with what articles are filtered by: ranking an article search checks
        # each match here instead of in the (wide) posts row (migration 0005)
        Index("ix_posts_opening", *OPENING_POST_COLUMNS,
              sqlite_where=text("position = 1"), postgresql_where=text("position = 1")),
        Index("ix_posts_search_filters", *SEARCH_FILTER_COLUMNS).ddl_if(dialect="sqlite"),
        # PostgreSQL only: no query reads it, and on SQLite its random inserts cost each batch a
        # page write per post (migration 0007)
        Index("ix_posts_author_id", "author_id").ddl_if(dialect="postgresql"),
        # only posts with a near-duplicate link (new posts have none): the foreign key's lookups, dedupe
        Index("ix_posts_duplicate_of", "duplicate_of", sqlite_where=LINKED_POSTS, postgresql_where=LINKED_POSTS),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    engine_post_id: Mapped[str] = mapped_column(String(100))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    position: Mapped[int | None] = mapped_column(Integer)
    page_url: Mapped[str | None] = mapped_column(String(2000))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id", ondelete="SET NULL"))
    author_title: Mapped[str | None] = mapped_column(String(300))
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    posted_at_raw: Mapped[str | None] = mapped_column(String(200))
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    raw_html: Mapped[bytes | None] = mapped_column(LargeBinary)  # compressed body HTML (db.post_rows: zstd, zlib in older rows)
    raw_text: Mapped[str | None] = mapped_column(Text)
    clean_text: Mapped[str] = mapped_column(Text, default="")
    thread_title: Mapped[str | None] = mapped_column(Text)  # copied from threads.title for the search index
    quotes: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    signature: Mapped[str | None] = mapped_column(Text)
    likes: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(16), index=True)
    lang_confidence: Mapped[float | None] = mapped_column(Float)
    mt_score: Mapped[float | None] = mapped_column(Float)
    fixes: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    normalizer_version: Mapped[str | None] = mapped_column(String(32))
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))


class PostRevision(Base):
    __tablename__ = "post_revisions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    clean_text: Mapped[str] = mapped_column(Text)
    raw_html: Mapped[bytes | None] = mapped_column(LargeBinary)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    seen_from: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replaced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))


class LineCount(Base):
    """How many pages of a site each normalized line was seen on (site-learned boilerplate)."""

    __tablename__ = "line_counts"
    __table_args__ = (UniqueConstraint("site_id", "line_hash"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    line_hash: Mapped[str] = mapped_column(String(40))
    line: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer, default=0)


# The `articles` view (made by the migrations): kept out of Base.metadata so that neither
# create_all nor autogenerate ever treats it as a table.
articles = Table(
    "articles", MetaData(),
    Column("post_id", BigId, primary_key=True),
    Column("thread_id", BigId),
    Column("site", String),
    Column("forum", String),
    Column("forum_path", String),
    Column("headline", Text),
    Column("author", String),
    Column("posted_at", DateTime(timezone=True)),
    Column("lang", String),
    Column("clean_text", Text),
    Column("url", String),
    Column("duplicate_of", BigId),
)
