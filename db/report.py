"""Reads for people: one post with everything known about it, and the database's statistics."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from db.models import Author, CrawlRun, Forum, Post, PostRevision, Site, Thread
from db.post_rows import decompress_html
from db.search import utc_or_none

RUNS_SHOWN = 20


def post_detail(conn: Connection, post_id: int, raw: bool = False) -> dict[str, Any] | None:
    """The post with its thread, forum, site and author; raw HTML (decompressed) and raw text if `raw`."""
    row = conn.execute(
        select(*Post.__table__.c, Thread.title.label("thread"), Thread.url.label("thread_url"),
               Forum.path_key.label("forum"), Site.base_url.label("site"), Author.name.label("author"))
        .join(Thread, Thread.id == Post.thread_id, isouter=True).join(Site, Site.id == Post.site_id)
        .join(Forum, Forum.id == Thread.forum_id, isouter=True).join(Author, Author.id == Post.author_id, isouter=True)
        .where(Post.id == post_id)).one_or_none()
    if row is None:
        return None
    post = row
    out: dict[str, Any] = {
        "id": post.id, "site": row.site, "forum": row.forum, "thread": row.thread, "thread_url": row.thread_url,
        "page_url": post.page_url, "position": post.position, "engine_post_id": post.engine_post_id,
        "author": row.author, "author_title": post.author_title, "posted_at": utc_or_none(post.posted_at),
        "posted_at_raw": post.posted_at_raw, "edited_at": utc_or_none(post.edited_at), "lang": post.lang,
        "lang_confidence": post.lang_confidence, "mt_score": post.mt_score, "likes": post.likes,
        "duplicate_of": post.duplicate_of, "deleted": post.deleted, "normalizer_version": post.normalizer_version,
        "first_seen": utc_or_none(post.first_seen), "last_seen": utc_or_none(post.last_seen),
        "crawl_run": post.crawl_run_id, "clean_text": post.clean_text, "quotes": post.quotes or [],
        "signature": post.signature, "fixes": post.fixes or [],
    }
    if raw:
        out["raw_text"] = post.raw_text
        out["raw_html"] = decompress_html(post.raw_html) if post.raw_html else None
    return out


def revisions(conn: Connection, post_id: int) -> list[dict[str, Any]]:
    """The post's earlier versions, oldest first."""
    rows = conn.execute(select(*PostRevision.__table__.c).where(PostRevision.post_id == post_id)
                        .order_by(PostRevision.id))
    return [{"id": r.id, "clean_text": r.clean_text, "edited_at": utc_or_none(r.edited_at),
             "seen_from": utc_or_none(r.seen_from), "replaced_at": utc_or_none(r.replaced_at),
             "crawl_run": r.crawl_run_id} for r in rows]


def stats(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Posts per site, per forum and per language, and the latest crawl runs with their outcome."""
    live = Post.deleted.is_(False)
    sites = conn.execute(
        select(Site.base_url, Site.engine, func.count(func.distinct(Post.thread_id)), func.count(Post.id),
               func.min(Post.posted_at), func.max(Post.posted_at), Site.last_seen)
        .join(Post, (Post.site_id == Site.id) & live, isouter=True).group_by(Site.id).order_by(Site.base_url))
    forums = conn.execute(
        select(Site.base_url, Forum.path_key, func.count(func.distinct(Thread.id)), func.count(Post.id))
        .join(Site, Site.id == Forum.site_id).join(Thread, Thread.forum_id == Forum.id)
        .join(Post, (Post.thread_id == Thread.id) & live)
        .group_by(Site.base_url, Forum.path_key).order_by(Site.base_url, Forum.path_key))
    langs = conn.execute(select(Post.lang, func.count()).where(live).group_by(Post.lang)
                         .order_by(func.count().desc(), Post.lang))
    stored = select(Post.crawl_run_id, func.count().label("n")).group_by(Post.crawl_run_id).subquery()
    runs = conn.execute(
        select(*CrawlRun.__table__.c, stored.c.n).join(stored, stored.c.crawl_run_id == CrawlRun.id, isouter=True)
        .order_by(CrawlRun.id.desc()).limit(RUNS_SHOWN))
    return {
        "sites": [{"site": s, "engine": e, "threads": t, "posts": p, "oldest_post": utc_or_none(lo),
                   "newest_post": utc_or_none(hi), "last_crawled": utc_or_none(seen)}
                  for s, e, t, p, lo, hi, seen in sites],
        "forums": [{"site": s, "forum": f, "threads": t, "posts": p} for s, f, t, p in forums],
        "languages": [{"lang": lang or "und", "posts": n} for lang, n in langs],
        "runs": [{"id": r.id, "start_url": r.start_url, "started_at": utc_or_none(r.started_at),
                  "finished_at": utc_or_none(r.finished_at), "finish_reason": r.finish_reason or "running or killed",
                  "pages": (r.stats or {}).get("response_received_count"), "posts": _run_posts(r.stats, r.n)}
                 for r in runs],
    }


def _run_posts(stats: dict[str, Any] | None, last_written: int | None) -> int:
    """The posts a run stored, new and changed, from its stats: the posts whose latest version it
    wrote undercount a run once a later run changes some of them (a first crawl of 81 posts read
    80 after one post was edited). A run that never finished has no stats: what it last wrote."""
    stats = stats or {}
    if "forumsift/posts_stored" in stats or "forumsift/posts_updated" in stats:
        return int(stats.get("forumsift/posts_stored", 0)) + int(stats.get("forumsift/posts_updated", 0))
    return last_written or 0
