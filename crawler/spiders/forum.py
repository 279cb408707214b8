"""The one spider for every forum engine.

    scrapy crawl forum -a url=https://forum.example.org/ [-a engine=xenforo2] [-a overrides=site.toml]
                       [-a full=1] [-a since=2024-01-31]

It fetches `url`, lets the engine registry detect the engine (or takes `engine`), then walks
index → sub-forums → every thread-list page → every page of every thread, yielding one
`ThreadPageItem` per thread page with its posts, read (parsed and normalized) in worker
processes by crawler/page_reader.py. A start page that is no forum (or cannot be fetched) ends
the crawl with a one-line reason in `spider.failure` and a finish reason other than "finished".

A site the database already holds is re-crawled incrementally (crawler/incremental.py): only
new threads and the new pages of threads that grew; `full=1` fetches everything, `since=DATE`
leaves threads alone whose last post is older. Every page that cannot be read (HTTP errors,
timeouts, non-HTML, oversized, login walls, bot challenges) is counted in a
`forumsift/pages_...` stat with a logged reason, and the crawl goes on.
"""
from __future__ import annotations

import gc
import json
import logging
import re
from datetime import datetime, timezone
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import CloseSpider, DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure

from crawler import distributed
from crawler.crawl_store import crawl_store
from crawler.engines import Engine, Page, detect_engine
from crawler.engines.overrides import load_overrides
from crawler.incremental import IncrementalPlanner, close_job_dir, open_job_dir, parse_since
from crawler.items import ThreadPageItem
from crawler.page_reader import EngineSpec, PageJob, PageReader, ReadPage, read_thread
from crawler.pagecheck import not_a_forum_reason

logger = logging.getLogger(__name__)

ENGINE_META = "forumsift_engine"  # the engine's name, carried by every request after the start page
THREAD_PRIORITY = 10  # finish threads before opening more index pages: the queue stays small
# content types read as pages; anything else (images, PDFs, JSON outside an API crawl) is skipped
_PAGE_TYPES = re.compile(r"^\s*(text/|application/xhtml\+xml|application/xml)|^\s*$", re.I)
# why a page is no forum page (crawler.pagecheck's reason) -> the stat that counts it
_REASON_STATS = (("login wall", "pages_login_wall"), ("challenge", "pages_challenge"))


class ForumSpider(scrapy.Spider):
    name = "forum"

    def __init__(self, url: str | None = None, engine: str | None = None, overrides: str | None = None,
                 full: str | bool = False, since: str | None = None, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not url:
            raise ValueError("give the forum's URL: scrapy crawl forum -a url=https://forum.example.org/")
        if "://" not in url:
            url = "https://" + url
        self.start_url = url
        parts = urlsplit(url)
        self.site_url = f"{parts.scheme}://{parts.netloc}/"
        self.allowed_domains = [parts.hostname or ""]
        self.forced_engine = engine
        self.overrides_file = overrides
        self.engine: Engine | None = None
        self.engine_spec: EngineSpec | None = None
        self.reader: PageReader | None = None
        self.failure: str | None = None
        self.full = str(full).lower() in ("1", "true", "yes", "on")
        self.since = parse_since(since)
        self.planner: IncrementalPlanner | None = None
        self.pages_failed = 0

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "ForumSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        # settings are not frozen yet: a Redis URL switches to the shared queue of this forum
        distributed.configure(crawler.settings, spider.site_url)
        job_dir = crawler.settings.get("JOBDIR")
        if job_dir:
            open_job_dir(job_dir)  # before the scheduler opens its queue
        # page workers are forked before any database connection exists (crawler/page_reader.py)
        spider.reader = PageReader(crawler.settings.getint("FORUMSIFT_WORKERS", 1), _detect_language(crawler.settings))
        spider.reader.start()
        return spider

    def _make_engine(self, name: str | None) -> Engine | None:
        if not name:
            return None
        overrides = load_overrides(self.overrides_file or self.settings.get("FORUMSIFT_OVERRIDES"), self.site_url, name)
        self.engine_spec = EngineSpec(name, tuple(sorted(overrides.items())),
                                      self.settings.get("FORUMSIFT_TIMEZONE") or None)
        return self.engine_spec.build()

    def _reader(self) -> PageReader:
        if self.reader is None:  # a spider made without from_crawler reads pages itself
            self.reader = PageReader(0, _detect_language(self.settings))
        return self.reader

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # modules, settings, the open database: all live as long as the crawl; frozen out of the GC's
        # full collections, which walked them all (GC: a fifth of the crawl process's CPU, now a tenth)
        gc.freeze()
        # a crawl resumed from JOBDIR may run queued thread pages before the start page again
        known = self.forced_engine or getattr(self, "state", {}).get("engine")
        if known:
            self.engine = self._make_engine(known)
            self.planner = self._make_planner()
        yield scrapy.Request(self.start_url, callback=self.parse_start, errback=self.start_failed, dont_filter=True)

    # -- failure at the start --------------------------------------------------------------
    def fail(self, reason: str, finish_reason: str) -> None:
        self.failure = reason
        logger.error("forumsift: %s", reason)
        raise CloseSpider(finish_reason)

    def start_failed(self, failure: Failure) -> None:
        response = getattr(failure.value, "response", None)
        if response is not None:
            # a 403/503 start page is often a bot challenge or a login wall: say which
            reason = None
            if isinstance(response, TextResponse):
                reason = not_a_forum_reason(Page(url=response.url, selector=response.selector, status=200))
            self.fail(f"{self.start_url} answered HTTP {response.status}" + (f": {reason}" if reason else ""),
                      "start_page_error")
        self.fail(f"could not fetch {self.start_url}: {failure.getErrorMessage() or failure.type.__name__}",
                  "start_page_error")

    # -- pages -----------------------------------------------------------------------------
    def is_page(self, response: Response) -> bool:
        """True for an HTML page (anything else is counted and logged); counts truncated pages."""
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        if not isinstance(response, TextResponse) or not _PAGE_TYPES.match(content_type):
            self.crawler.stats.inc_value("forumsift/pages_not_html")
            logger.warning("skipped %s: not an HTML page (%s)", response.url, content_type)
            return False
        if b"</html" not in response.body[-2048:].lower():
            # lxml recovers what is there; the posts after the cut are missing until a re-crawl
            self.crawler.stats.inc_value("forumsift/pages_truncated")
        return True

    def make_page(self, response: Response) -> Page | None:
        """The response as a parsed `Page`, or None when it is no HTML page."""
        if not self.is_page(response):
            return None
        return Page(url=response.url, selector=response.selector, status=response.status,
                    headers=_headers(response), cookies=_cookie_names(response))

    def page_job(self, response: TextResponse) -> PageJob:
        """The response as a worker reads it: decoded HTML, not parsed here."""
        return PageJob(url=response.url, html=response.text, status=response.status, headers=_headers(response),
                       cookies=_cookie_names(response), fetched_at=datetime.now(timezone.utc))

    def parse_start(self, response: Response) -> Iterator[Any]:
        page = self.make_page(response)
        if page is None:
            self.fail(f"{response.url} is not an HTML page", "not_a_forum")
        assert page is not None
        if self.engine is None:
            engine, score, _ = detect_engine(page)
            if engine is None:
                reason = not_a_forum_reason(page) or "no forum engine recognised it"
                self.fail(f"{response.url} is not a forum page: {reason}", "not_a_forum")
            assert engine is not None
            self.engine = self._make_engine(engine.name)
            logger.info("forumsift: %s detected (score %.2f)", engine.name, score)
        self.crawler.stats.set_value("forumsift/engine", self.engine.name)
        if hasattr(self, "state"):
            self.state["engine"] = self.engine.name
        if self.planner is None:
            self.planner = self._make_planner()
        api_url = self.engine.api_entry(page)
        if api_url:
            yield self.request(api_url, self.parse_api, errback=self.start_failed)
            return
        yield from self.route(page)

    def _make_planner(self) -> IncrementalPlanner:
        assert self.engine is not None
        planner = IncrementalPlanner(crawl_store(self.crawler).engine, self.site_url, self.engine, since=self.since,
                                     full=self.full)
        logger.info("forumsift: %s crawl of %s", "incremental" if planner.active else "full", self.site_url)
        self.crawler.stats.set_value("forumsift/mode", "incremental" if planner.active else "full")
        return planner

    def closed(self, reason: str) -> None:
        gc.unfreeze()  # a process that runs several crawls (tests, a script) can collect this one's objects
        if self.reader is not None:
            self.reader.close()
        if self.settings.get("JOBDIR"):
            close_job_dir(self.settings["JOBDIR"])  # the scheduler has written its queue state

    def route(self, page: Page) -> Iterator[Any]:
        assert self.engine is not None
        if self.engine.is_thread_page(page):
            yield from self.read_thread_page(page)
        else:
            yield from self.read_index_page(page)

    def request(self, url: str, callback: Any, errback: Any = None, priority: int = 0,
                meta: dict[str, Any] | None = None) -> scrapy.Request:
        """A request for a page after the start page. It names the engine, because with a shared
        Redis queue another worker's start page may be the one that detected it."""
        assert self.engine is not None
        return scrapy.Request(url, callback=callback, errback=errback or self.page_failed, priority=priority,
                              meta={**(meta or {}), ENGINE_META: self.engine.name})

    def adopt_engine(self, response: Response) -> None:
        """Take the engine a request names when this worker has not read a start page itself."""
        if self.engine is None and response.meta.get(ENGINE_META):
            self.engine = self._make_engine(response.meta[ENGINE_META])
            self.crawler.stats.set_value("forumsift/engine", self.engine.name)
        if self.engine is not None and self.planner is None:
            self.planner = self._make_planner()

    def parse_any(self, response: Response) -> Iterator[Any]:
        self.adopt_engine(response)
        page = self.make_page(response)
        if page is not None:
            yield from self.route(page)

    def parse_index(self, response: Response) -> Iterator[Any]:
        self.adopt_engine(response)
        page = self.make_page(response)
        if page is not None:
            yield from self.read_index_page(page)

    async def parse_thread(self, response: Response) -> AsyncIterator[Any]:
        self.adopt_engine(response)
        if not self.is_page(response):
            return
        assert self.engine_spec is not None and isinstance(response, TextResponse)
        job = self.page_job(response)
        read = await self._reader().read(self.engine_spec, job)
        for output in self.thread_page_output(read, response.url, job.fetched_at):
            yield output

    def skip_page(self, url: str, reason: str) -> None:
        """Count and log a page that is no forum page (login wall, challenge, error page)."""
        stat = next((name for marker, name in _REASON_STATS if marker in reason), "pages_not_forum")
        self.crawler.stats.inc_value(f"forumsift/{stat}")
        logger.warning("skipped %s: %s", url, reason)
        self._count_failure()

    def page_failed(self, failure: Failure) -> None:
        """A page that could not be fetched: count it under its reason; the crawl goes on."""
        stats = self.crawler.stats
        url = failure.request.url if hasattr(failure, "request") else "?"
        exc = failure.value
        if isinstance(exc, HttpError):
            response = exc.response
            page = Page.from_html(response.text, response.url, status=response.status) \
                if isinstance(response, TextResponse) else None
            reason = (not_a_forum_reason(page) if page is not None else None) or f"HTTP {response.status}"
            if page is not None and ("login wall" in reason or "challenge" in reason):
                self.skip_page(page.url, reason)
                return
            stats.inc_value(f"forumsift/pages_failed/http_{exc.response.status}")
        elif isinstance(exc, DownloadCancelledError):
            reason = "bigger than DOWNLOAD_MAXSIZE"
            stats.inc_value("forumsift/pages_too_large")
        elif isinstance(exc, (DownloadTimeoutError, TwistedTimeoutError)):
            reason = "timed out"
            stats.inc_value("forumsift/pages_failed/timeout")
        elif isinstance(exc, IgnoreRequest):
            reason = str(exc) or "ignored"
            if "robots.txt" in reason:  # the forum's wish, not a failure
                stats.inc_value("forumsift/pages_robots_denied")
                return
            if "redirect loop" not in reason:  # RedirectLoopMiddleware counted those
                stats.inc_value("forumsift/pages_ignored")
        else:
            reason = failure.getErrorMessage() or failure.type.__name__
            stats.inc_value("forumsift/pages_failed/other")
        logger.warning("skipped %s: %s", url, reason)
        self._count_failure()

    def _count_failure(self) -> None:
        # a forum that fails page after page (banned, down) ends the run as failed for the scheduler
        self.pages_failed += 1
        limit = self.settings.getint("FORUMSIFT_MAX_FAILED_PAGES", 0)
        if limit and self.pages_failed > limit:
            self.failure = f"more than {limit} pages failed (FORUMSIFT_MAX_FAILED_PAGES)"
            raise CloseSpider("too_many_errors")

    def read_index_page(self, page: Page) -> Iterator[Any]:
        assert self.engine is not None
        stats = self.crawler.stats
        stats.inc_value("forumsift/pages_index")
        for url in self.engine.forum_links(page):
            if self._follow(url):
                yield self.request(url, self.parse_index)
        links = [link for link in self.engine.thread_links(page) if self._follow(link.url)]
        assert self.planner is not None
        for plan in self.planner.plan(links):
            stats.inc_value("forumsift/threads_found")
            stats.inc_value(f"forumsift/threads_{plan.verdict}")
            if plan.start_url:
                yield self.request(plan.start_url, self.parse_thread, priority=THREAD_PRIORITY,
                                   meta={"thread_link": plan.link})
        next_url = self.engine.next_page(page)
        if next_url and self._follow(next_url) and not (self.planner and self.planner.all_older_than_since(links)):
            yield self.request(next_url, self.parse_index)

    def read_thread_page(self, page: Page) -> Iterator[Any]:
        """A thread page parsed here already (the start page): read in this process."""
        assert self.engine is not None
        read = read_thread(self.engine, page, self._reader().detect_language)
        yield from self.thread_page_output(read, page.url, page.fetched_at)

    def thread_page_output(self, read: ReadPage, url: str, fetched_at: datetime) -> Iterator[Any]:
        """The page's posts as one item, then the request for the thread's next page."""
        if read.thread is None:
            self.skip_page(url, read.skip_reason or "no posts on a thread page")
            return
        assert self.engine is not None
        stats = self.crawler.stats
        stats.inc_value("forumsift/pages_thread")
        thread = read.thread
        if not thread.posts:
            stats.inc_value("forumsift/thread_pages_empty")
        elif self.planner is not None:
            gone = self.planner.mark_deleted(read.thread_url, [p.post_id for p in thread.posts],
                                             [p.position for p in thread.posts], last_page=not thread.next_page)
            stats.inc_value("forumsift/posts_deleted", len(gone))
        if thread.posts:
            stats.inc_value("forumsift/posts_found", len(thread.posts))
            yield ThreadPageItem(site_url=self.site_url, engine=self.engine.name, thread_url=read.thread_url,
                                 page_url=url, posts=thread.posts, thread_id=thread.thread_id,
                                 thread_title=thread.title, forum_path=thread.forum_path,
                                 page_number=thread.page_number, fetched_at=fetched_at, clean=read.clean)
        if thread.next_page and self._follow(thread.next_page):
            yield self.request(thread.next_page, self.parse_thread, priority=THREAD_PRIORITY + 1)

    def parse_api(self, response: Response) -> Iterator[Any]:
        """An engine's JSON API response: posts of thread pages, more API URLs to fetch."""
        self.adopt_engine(response)
        assert self.engine is not None
        stats = self.crawler.stats
        try:
            data = json.loads(response.text)
        except (ValueError, AttributeError):
            stats.inc_value("forumsift/api_not_json")
            logger.warning("skipped %s: the API answered something that is not JSON", response.url)
            return
        stats.inc_value("forumsift/pages_api")
        result = self.engine.api_parse(response.url, data, datetime.now(timezone.utc))
        for thread in result.threads:
            thread_url = self.engine.canonical_thread_url(thread.url)
            if not thread.posts:
                stats.inc_value("forumsift/thread_pages_empty")
            if thread.posts:  # normalized by NormalizePipeline (API pages are few and small)
                stats.inc_value("forumsift/posts_found", len(thread.posts))
                yield ThreadPageItem(site_url=self.site_url, engine=self.engine.name, thread_url=thread_url,
                                     page_url=thread.url, posts=thread.posts, thread_id=thread.thread_id,
                                     thread_title=thread.title, forum_path=thread.forum_path,
                                     page_number=thread.page_number, fetched_at=datetime.now(timezone.utc))
        links = [link for link in result.thread_links if self._follow(link.url)]
        for plan in self.planner.plan(links) if self.planner is not None and links else []:
            stats.inc_value("forumsift/threads_found")
            stats.inc_value(f"forumsift/threads_{plan.verdict}")
            api_url = self.engine.api_thread_url(plan.link) if plan.start_url else None
            if api_url and self._follow(api_url):
                yield self.request(api_url, self.parse_api, priority=THREAD_PRIORITY)
        for url in result.follow:
            if self._follow(url):
                yield self.request(url, self.parse_api)

    def _follow(self, url: str) -> bool:
        host = urlsplit(url).hostname
        return bool(host) and host in self.allowed_domains


def _detect_language(settings: Any) -> bool:
    return settings.getbool("FORUMSIFT_DETECT_LANGUAGE", True)


def _headers(response: Response) -> dict[str, str]:
    return {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v}


def _cookie_names(response: Response) -> list[str]:
    return [c.split(b"=", 1)[0].decode("latin-1").strip() for c in response.headers.getlist("Set-Cookie")]
