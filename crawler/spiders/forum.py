"""The one spider for every forum engine.

    scrapy crawl forum -a url=https://forum.example.org/ [-a engine=xenforo2] [-a overrides=site.toml]

It fetches `url`, lets the engine registry detect the engine (or takes `engine`), then walks
index → sub-forums → every thread-list page → every page of every thread, yielding one
`PostItem` per post. A start page that is no forum (or cannot be fetched) ends the crawl with a
one-line reason in `spider.failure` and a finish reason other than "finished".
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.engines import Engine, Page, detect_engine, get_engine
from crawler.engines.overrides import load_overrides
from crawler.items import PostItem
from crawler.pagecheck import not_a_forum_reason

logger = logging.getLogger(__name__)

THREAD_PRIORITY = 10  # finish threads before opening more index pages: the queue stays small


class ForumSpider(scrapy.Spider):
    name = "forum"

    def __init__(self, url: str | None = None, engine: str | None = None, overrides: str | None = None,
                 *args: Any, **kwargs: Any):
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
        self.failure: str | None = None

    def _make_engine(self, name: str | None) -> Engine | None:
        timezone_name = self.settings.get("FORUMSIFT_TIMEZONE") or None
        overrides = load_overrides(self.overrides_file or self.settings.get("FORUMSIFT_OVERRIDES"),
                                   self.site_url, name) if name else {}
        return get_engine(name, overrides=overrides, timezone_name=timezone_name) if name else None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.forced_engine:
            self.engine = self._make_engine(self.forced_engine)
        yield scrapy.Request(self.start_url, callback=self.parse_start, errback=self.start_failed, dont_filter=True)

    # -- failure at the start --------------------------------------------------------------
    def fail(self, reason: str, finish_reason: str) -> None:
        self.failure = reason
        logger.error("forumsift: %s", reason)
        raise CloseSpider(finish_reason)

    def start_failed(self, failure: Failure) -> None:
        response = getattr(failure.value, "response", None)
        if response is not None:
            self.fail(f"{self.start_url} answered HTTP {response.status}", "start_page_error")
        self.fail(f"could not fetch {self.start_url}: {failure.getErrorMessage() or failure.type.__name__}",
                  "start_page_error")

    # -- pages -----------------------------------------------------------------------------
    def make_page(self, response: Response) -> Page | None:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("forumsift/pages_not_html")
            logger.warning("skipped %s: not an HTML page (%s)", response.url,
                           response.headers.get("Content-Type", b"?").decode("latin-1"))
            return None
        cookies = [c.split(b"=", 1)[0].decode("latin-1").strip() for c in response.headers.getlist("Set-Cookie")]
        return Page(url=response.url, selector=response.selector, status=response.status,
                    headers={k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v},
                    cookies=cookies)

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
        api_url = self.engine.api_entry(page)
        if api_url:
            yield scrapy.Request(api_url, callback=self.parse_api, errback=self.start_failed)
            return
        yield from self.route(page)

    def route(self, page: Page) -> Iterator[Any]:
        assert self.engine is not None
        if self.engine.is_thread_page(page):
            yield from self.read_thread_page(page)
        else:
            yield from self.read_index_page(page)

    def parse_any(self, response: Response) -> Iterator[Any]:
        page = self.make_page(response)
        if page is not None:
            yield from self.route(page)

    def parse_index(self, response: Response) -> Iterator[Any]:
        page = self.make_page(response)
        if page is not None:
            yield from self.read_index_page(page)

    def parse_thread(self, response: Response) -> Iterator[Any]:
        page = self.make_page(response)
        if page is None:
            return
        if not self.engine.is_thread_page(page):
            reason = not_a_forum_reason(page)
            self.crawler.stats.inc_value("forumsift/pages_not_forum")
            logger.warning("skipped %s: %s", response.url, reason or "no posts on a thread page")
            return
        yield from self.read_thread_page(page)

    def read_index_page(self, page: Page) -> Iterator[Any]:
        assert self.engine is not None
        stats = self.crawler.stats
        stats.inc_value("forumsift/pages_index")
        for url in self.engine.forum_links(page):
            if self._follow(url):
                yield scrapy.Request(url, callback=self.parse_index)
        for link in self.engine.thread_links(page):
            if self._follow(link.url):
                stats.inc_value("forumsift/threads_found")
                yield scrapy.Request(link.url, callback=self.parse_thread, priority=THREAD_PRIORITY,
                                     meta={"thread_link": link})
        next_url = self.engine.next_page(page)
        if next_url and self._follow(next_url):
            yield scrapy.Request(next_url, callback=self.parse_index)

    def read_thread_page(self, page: Page) -> Iterator[Any]:
        assert self.engine is not None
        stats = self.crawler.stats
        stats.inc_value("forumsift/pages_thread")
        thread = self.engine.thread(page)
        thread_url = self.engine.canonical_thread_url(page.url)
        if not thread.posts:
            stats.inc_value("forumsift/thread_pages_empty")
        for post in thread.posts:
            stats.inc_value("forumsift/posts_found")
            yield PostItem(site_url=self.site_url, engine=self.engine.name, thread_url=thread_url,
                           page_url=page.url, post=post, thread_id=thread.thread_id,
                           thread_title=thread.title, forum_path=thread.forum_path,
                           page_number=thread.page_number, fetched_at=page.fetched_at)
        if thread.next_page and self._follow(thread.next_page):
            yield scrapy.Request(thread.next_page, callback=self.parse_thread, priority=THREAD_PRIORITY + 1)

    def parse_api(self, response: Response) -> Iterator[Any]:
        """An engine's JSON API response: posts of thread pages, more API URLs to fetch."""
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
            for post in thread.posts:
                stats.inc_value("forumsift/posts_found")
                yield PostItem(site_url=self.site_url, engine=self.engine.name, thread_url=thread_url,
                               page_url=thread.url, post=post, thread_id=thread.thread_id,
                               thread_title=thread.title, forum_path=thread.forum_path,
                               page_number=thread.page_number, fetched_at=datetime.now(timezone.utc))
        stats.inc_value("forumsift/threads_found", len(result.thread_links))
        for url in result.follow:
            if self._follow(url):
                yield scrapy.Request(url, callback=self.parse_api)

    def _follow(self, url: str) -> bool:
        host = urlsplit(url).hostname
        return bool(host) and host in self.allowed_domains
