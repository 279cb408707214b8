"""Thread watermarks for incremental crawls, and marking posts that vanished from a forum.

A thread's watermark is read from the posts the store has *committed*: how many live posts it
holds, the newest one's time, and the page the last one was read from. Reading it from the
posts (not from a counter written beside them) means a watermark can never run ahead of what
was stored: a crawl killed before its last batch was committed leaves the thread looking
short, and the next run fetches the missing pages again. Reads are bounded: one query per
batch of thread URLs (one index page), never the whole site.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Engine, and_, func, select, update

from db.models import Post, Site, Thread


@dataclass(frozen=True)
class Watermark:
    """What the database holds of one thread."""

    thread_url: str
    posts: int  # live (not deleted) posts stored
    last_post_at: datetime | None
    last_position: int | None
    last_page_url: str | None  # the page the last stored post was read from


def site_known(engine: Engine, site_url: str) -> bool:
    """True when the database already holds posts of the site at `site_url`."""
    stmt = (select(Post.id).join(Site, Site.id == Post.site_id).where(Site.base_url == site_url).limit(1))
    with engine.connect() as conn:
        return conn.execute(stmt).first() is not None


def thread_watermarks(engine: Engine, site_url: str, thread_urls: Sequence[str]) -> dict[str, Watermark]:
    """thread URL -> its watermark, for the threads of `thread_urls` the database knows (one query)."""
    if not thread_urls:
        return {}
    live = and_(Post.thread_id == Thread.id, Post.deleted.is_(False))
    last_page = (select(Post.page_url).where(live).order_by(Post.position.desc(), Post.id.desc())
                 .limit(1).correlate(Thread).scalar_subquery())
    stmt = (select(Thread.url, func.count(Post.id), func.max(Post.posted_at), func.max(Post.position),
                   last_page.label("last_page_url"))
            .join(Site, Site.id == Thread.site_id)
            .join(Post, live)
            .where(Site.base_url == site_url, Thread.url.in_(list(dict.fromkeys(thread_urls))))
            .group_by(Thread.id, Thread.url))
    with engine.connect() as conn:
        return {url: Watermark(url, count, _utc(last_at), last_position, page_url)
                for url, count, last_at, last_position, page_url in conn.execute(stmt)}


def mark_missing_deleted(engine: Engine, site_url: str, thread_url: str, page_post_ids: Iterable[str],
                         first_position: int, last_position: int | None) -> list[str]:
    """Mark as deleted the stored posts of a thread that one freshly read page should show but
    does not; returns their engine post ids.

    A page shows posts `page_post_ids` from position `first_position` on; `last_position` is None
    on a thread's last page. A stored post is missing from this page when its (older, never lower)
    stored position is at or past `first_position`, its numeric id lies between the page's first
    and last id (after the first id on the last page), and the page does not show it. Posts with
    non-numeric ids are never marked. Rows stay: `deleted` is a flag, the text is kept.
    """
    ids = [i for i in page_post_ids if i.isdigit()]
    if not ids:
        return []
    low, high = min(map(int, ids)), max(map(int, ids))
    shown = set(page_post_ids)
    where = [Site.base_url == site_url, Thread.url == thread_url, Post.deleted.is_(False),
             Post.position >= first_position]
    if last_position is not None:
        # deletions before this page shift later posts down by at most one page
        where.append(Post.position <= last_position + len(shown))
    stmt = (select(Post.id, Post.engine_post_id).join(Thread, Thread.id == Post.thread_id)
            .join(Site, Site.id == Post.site_id).where(*where))
    with engine.begin() as conn:
        gone = [(pk, pid) for pk, pid in conn.execute(stmt)
                if pid not in shown and pid.isdigit() and low < int(pid) and (last_position is None or int(pid) < high)]
        if gone:
            conn.execute(update(Post).where(Post.id.in_([pk for pk, _ in gone])).values(deleted=True))
    return [pid for _, pid in gone]


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; the store writes UTC
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value
