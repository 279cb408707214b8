"""Thread pages read in worker processes, so a crawl uses more than one core.

Reading a thread page (parsing its HTML, the engine's selectors, normalizing every post) is most
of a crawl's CPU, and Scrapy runs in one thread. `PageReader` sends each thread page's HTML to a
pool of `FORUMSIFT_WORKERS` processes and awaits the answer, so Scrapy goes on fetching and
storing while the workers read; with 0 workers (or under a Twisted reactor other than asyncio's)
pages are read in the crawl process. Either way a page is parsed once, and the crawl process gets back the
page's posts with their clean text (`ReadPage`).

What stays in the crawl process, in order: the next page of a thread is requested only once its
page is read, and the store writes a page's posts before any later page of the same thread, so
what is committed never runs ahead of what an incremental or resumed crawl assumes. The
site-learned repeated lines (crawler/repeated_lines.py) are counted in the crawl process too,
where every post passes in order.

The workers are forked from a fresh interpreter (multiprocessing's forkserver) and import only
what reading a page needs (this module, when they start): no Scrapy, no SQLAlchemy, which keeps
their memory small, and nothing of the crawl process crosses over (no SQLite connection: a forked
copy that closes can delete the WAL file the crawl writes to; no listening socket). The first
worker starts when the spider is made (`start`). Every `PAGES_PER_WORKER` pages a fresh worker
takes over, so whatever a worker accumulates (caches, memory a parser never gives back) stays
bounded and the crawl's memory stays flat on any forum size. A worker dies with the crawl
process, even a killed one (the forkserver sees it go and exits; PR_SET_PDEATHSIG), and a pool
that breaks (a worker killed by the OOM killer) leaves the rest of the crawl to the crawl process
instead of failing every page.
"""
from __future__ import annotations

import gc
import logging
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

import normalize
from crawler.engines import Engine, Page, ThreadPage, get_engine
from crawler.pagecheck import not_a_forum_reason
from normalize.model import CleanPost, RawPost

# asyncio, multiprocessing and concurrent.futures (~19 ms of imports) load only when a crawl makes a
# PageReader: `forumsift extract` imports this module for `clean_posts` alone
if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import ProcessPoolExecutor

logger = logging.getLogger(__name__)

# pages a worker reads before a fresh one takes over: a bound on what any leak can hold (lxml kept
# ~40 KB a page for a while: ff6a311), at about 0.5 s of CPU a restart (profiles and word lists)
PAGES_PER_WORKER = 5000


@dataclass(frozen=True)
class EngineSpec:
    """What a worker needs to build the crawl's engine: its name, selector overrides, timezone."""

    name: str
    overrides: tuple[tuple[str, str], ...] = ()
    timezone_name: str | None = None

    def build(self) -> Engine:
        return get_engine(self.name, overrides=dict(self.overrides), timezone_name=self.timezone_name)


@dataclass(slots=True)
class PageJob:
    """A fetched thread page as the crawl process hands it over: decoded HTML and HTTP facts."""

    url: str
    html: str
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)
    fetched_at: datetime | None = None

    def page(self) -> Page:
        extra = {"fetched_at": self.fetched_at} if self.fetched_at else {}
        return Page.from_html(self.html, self.url, status=self.status, headers=self.headers, cookies=self.cookies,
                              **extra)


@dataclass(slots=True)
class ReadPage:
    """A thread page read: the thread (posts as the engine read them) and each post's clean text,
    or why the page is no thread page."""

    thread: ThreadPage | None = None
    thread_url: str = ""
    clean: list[CleanPost] = field(default_factory=list)
    skip_reason: str | None = None


def clean_posts(posts: Sequence[RawPost], thread_title: str | None, detect_language: bool) -> list[CleanPost]:
    """Each post of one thread page normalized (in the crawl and in `forumsift extract` alike): names
    the page itself uses (the thread's title, its authors, who is quoted, words several posts share)
    are never split as glue."""
    names = [thread_title or "", *(p.author or "" for p in posts), *(q.author or "" for p in posts for q in p.quotes)]
    known = normalize.thread_names(names) | normalize.shared_words(p.body_html for p in posts)
    return [normalize.clean_post(post, detect_language=detect_language, known_names=known) for post in posts]


def read_thread(engine: Engine, page: Page, detect_language: bool) -> ReadPage:
    """Read one thread page: its posts and their clean text (the work a worker does)."""
    if not engine.is_thread_page(page):
        return ReadPage(skip_reason=not_a_forum_reason(page) or "no posts on a thread page")
    thread = engine.thread(page)
    return ReadPage(thread=thread, thread_url=engine.canonical_thread_url(page.url),
                    clean=clean_posts(thread.posts, thread.title, detect_language))


@lru_cache(maxsize=8)
def _engine(spec: EngineSpec) -> Engine:
    return spec.build()


def _read_job(spec: EngineSpec, job: PageJob, detect_language: bool) -> ReadPage:
    return read_thread(_engine(spec), job.page(), detect_language)


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group: the crawl process stops the crawl, the workers wait
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    import ctypes  # noqa: PLC0415

    try:  # die with the crawl process, even when it is killed (SIGKILL) and cannot shut us down
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    gc.freeze()  # the modules a worker imported live as long as it: out of the GC's walks


def _asyncio_loop_running() -> bool:
    import asyncio  # noqa: PLC0415

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class PageReader:
    """Reads thread pages in `workers` worker processes, or in this process when `workers` is 0."""

    def __init__(self, workers: int, detect_language: bool = True):
        import multiprocessing  # noqa: PLC0415

        self.workers = max(0, workers)
        if self.workers and "forkserver" not in multiprocessing.get_all_start_methods():
            logger.info("forumsift: no forkserver on this platform; thread pages are read in the crawl process")
            self.workers = 0  # Windows: workers would re-import the crawl's main module
        self.detect_language = detect_language
        self._pool: ProcessPoolExecutor | None = None
        self._pages = 0  # pages given to the current pool
        self._retiring: asyncio.Future[None] | None = None  # the last pool, finishing its pages

    def start(self) -> None:
        """Start a worker now (the others start when pages wait for them)."""
        if self.workers and self._pool is None:
            self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        import multiprocessing  # noqa: PLC0415
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

        context = multiprocessing.get_context("forkserver")
        # nothing preloaded: the forkserver's copy of the modules (32 MB) counted again in each worker's
        # RSS and was shared little (PSS 15 MB); a worker imports them itself, ~0.5 s once per pool
        context.set_forkserver_preload([])
        pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_worker_init)
        pool.submit(int)  # a worker starts with the first task
        self._pages = 0
        return pool

    async def read(self, spec: EngineSpec, job: PageJob) -> ReadPage:
        """The page read by a worker (awaited, so the crawl goes on meanwhile), or here when the
        workers were not started."""
        if (self._pool is None and self._retiring is None) or not _asyncio_loop_running():
            return _read_job(spec, job, self.detect_language)  # Twisted's own reactors cannot await a future
        import asyncio  # noqa: PLC0415
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        pool = await self._current_pool()
        try:
            return await asyncio.wrap_future(pool.submit(_read_job, spec, job, self.detect_language))
        except BrokenProcessPool:
            logger.error("forumsift: a page worker died; the crawl process reads the remaining pages itself")
            self.close()
            return _read_job(spec, job, self.detect_language)

    async def _current_pool(self) -> ProcessPoolExecutor:
        """The pool for the next page; after `PAGES_PER_WORKER` pages a fresh one, started once
        the last one has read its pages and exited (never two workers' memory at once)."""
        import asyncio  # noqa: PLC0415

        if self._pool is not None and self._pages >= PAGES_PER_WORKER * self.workers:
            old, self._pool = self._pool, None
            self._retiring = asyncio.get_running_loop().run_in_executor(None, old.shutdown)
        if self._retiring is not None:
            await self._retiring  # pages arriving meanwhile wait here too
            self._retiring = None
        if self._pool is None:
            self._pool = self._new_pool()
        self._pages += 1
        return self._pool

    def close(self) -> None:
        """Stop the workers (pages still queued for them are dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
