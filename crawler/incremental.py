"""Incremental re-crawls: which threads an index page lists are worth fetching, and from where.

When the database already holds posts of a site (and the crawl is not `full`), every thread
link of an index page is compared with the thread's watermark (db/watermarks.py, one query
per index page):

  new       the database has no post of it: crawl it whole
  grown     the index shows more replies or a later last post than stored: start at the page
            the last stored post came from (the engine's `last_page_url` trick when that page is
            unknown) and follow "next" from there
  skipped   nothing moved since the last run
  recheck   the index shows neither a reply count nor a last-post time: start at the last
            stored page, the cheapest way to see whether the thread grew

`since` bounds a run: threads whose last post is older are left alone (`before_since`), and a
thread list whose rows are all older is not paged further (lists are ordered by last post).

Resume after a kill follows from the same rule: a thread whose last batch was never committed
looks short, so the next run fetches its missing pages. `ForgetfulDupeFilter` makes that hold
with Scrapy's JOBDIR too: it keeps the seen-set in memory only, so pages whose posts were lost
with an uncommitted batch are not remembered as done. Scrapy writes a JOBDIR's queue state
only when a crawl closes cleanly; after a SIGKILL the disk queue is unreadable (the resumed
crawl would fail on it), so `open_job_dir` drops the queue of a run that never closed and the
resumed run re-walks the forum, incrementally.
"""
from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from scrapy.dupefilters import RFPDupeFilter
from sqlalchemy import Engine as SqlEngine

from crawler.engines import Engine, ThreadLink
from crawler.engines.dates import parse_text
from crawler.urls import canonical_url
from db.watermarks import Watermark, mark_missing_deleted, site_known, thread_watermarks

logger = logging.getLogger(__name__)

# index dates are often shown to the minute while posts carry seconds
_CLOCK_SLACK = timedelta(seconds=59)


@dataclass
class ThreadPlan:
    """What to do with one thread link: its verdict and the URL to start at (None: skip)."""

    link: ThreadLink
    verdict: str  # new | grown | recheck | skipped | before_since
    start_url: str | None


def parse_since(value: str | None) -> datetime | None:
    """`since` as an aware UTC datetime: "2024-01-31" or anything dateparser reads ("3 days ago");
    `ValueError` with a hint when it is no date."""
    if not value:
        return None
    parsed = parse_text(value)
    if parsed is None:
        raise ValueError(f"--since: cannot read {value!r} as a date (try 2024-01-31)")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class IncrementalPlanner:
    """Decides per thread link whether and where a crawl of a known site fetches the thread."""

    def __init__(self, db_engine: SqlEngine | None, site_url: str, engine: Engine, since: datetime | None = None,
                 full: bool = False):
        self.db_engine = db_engine
        self.site_url = site_url
        self.engine = engine
        self.since = since
        self.known_site = db_engine is not None and site_known(db_engine, site_url)
        # a site the database does not hold yet is crawled whole without asking it per page
        self.active = self.known_site and not full

    def plan(self, links: Iterable[ThreadLink]) -> list[ThreadPlan]:
        """A plan for every link of one index page (one database query)."""
        links = list(links)
        marks = thread_watermarks(self.db_engine, self.site_url, [canonical_url(link.url) for link in links]) \
            if self.active else {}
        return [self._plan_one(link, marks.get(canonical_url(link.url))) for link in links]

    def _plan_one(self, link: ThreadLink, mark: Watermark | None) -> ThreadPlan:
        if self.since and link.last_post_at and link.last_post_at < self.since:
            return ThreadPlan(link, "before_since", None)
        if mark is None:
            return ThreadPlan(link, "new", link.url)
        if link.replies is None and link.last_post_at is None:
            return ThreadPlan(link, "recheck", self._resume_url(link, mark))
        grew = link.replies is not None and link.replies + 1 > mark.posts
        moved = bool(link.last_post_at and mark.last_post_at and link.last_post_at > mark.last_post_at + _CLOCK_SLACK)
        if grew or moved:
            return ThreadPlan(link, "grown", self._resume_url(link, mark))
        return ThreadPlan(link, "skipped", None)

    def _resume_url(self, link: ThreadLink, mark: Watermark) -> str:
        if mark.last_page_url:
            return mark.last_page_url
        last_page_url = getattr(self.engine, "last_page_url", None)
        return last_page_url(link.url) if last_page_url else link.url

    def all_older_than_since(self, links: Iterable[ThreadLink]) -> bool:
        """True when every link shows a last post before `since` (no need to page further)."""
        dated = [link.last_post_at for link in links]
        return bool(self.since and dated and all(d is not None and d < self.since for d in dated))

    def mark_deleted(self, thread_url: str, post_ids: list[str], positions: list[int | None],
                     last_page: bool) -> list[str]:
        """Flag stored posts this freshly read page should show but does not (see db.watermarks)."""
        known = [p for p in positions if p is not None]
        if not self.known_site or not post_ids or not known:
            return []
        return mark_missing_deleted(self.db_engine, self.site_url, thread_url, post_ids, min(known),
                                    None if last_page else max(known))


class ForgetfulDupeFilter(RFPDupeFilter):
    """Scrapy's request dupefilter without its JOBDIR file: a resumed crawl may fetch a page
    again, so a page whose posts died with an uncommitted batch is fetched again (the store
    upserts, so nothing is stored twice)."""

    def __init__(self, path: str | None = None, debug: bool = False, **kwargs: object):
        super().__init__(None, debug, **kwargs)


_RUNNING = "forumsift.running"  # present while a crawl uses the JOBDIR; left behind by a killed one


def open_job_dir(job_dir: str | Path) -> None:
    """Mark `job_dir` in use; when the run before never closed, drop its queue first."""
    path = Path(job_dir)
    marker, queue = path / _RUNNING, path / "requests.queue"
    if marker.exists() and queue.exists():
        logger.warning("forumsift: the last crawl in %s was killed; its queue is unreadable, so this run "
                       "walks the forum again (incrementally: committed posts are not fetched again)", path)
        shutil.rmtree(queue)
    path.mkdir(parents=True, exist_ok=True)
    marker.touch()


def close_job_dir(job_dir: str | Path) -> None:
    """Mark `job_dir` as closed cleanly (its queue state is written)."""
    (Path(job_dir) / _RUNNING).unlink(missing_ok=True)
