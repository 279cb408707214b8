"""forumsift's Scrapy middlewares: politeness and bad-input handling around the one spider.

Spider side:
  CrawlTrapMiddleware      drops links into forms, member lists, search, printable views;
                           removes session ids from URLs before the dupefilter sees them
Downloader side (in the order a request passes them):
  ContactUserAgentMiddleware  an identifying User-Agent with `FORUMSIFT_CONTACT` in it
  RetryAfterMiddleware        Scrapy's retries, waiting out `Retry-After` on 429 and 503
  CharsetMiddleware           re-decodes pages whose charset is missing or wrong (cp1251, latin-1)
  RedirectLoopMiddleware      stops a redirect that comes back to a URL it came from

Each one counts what it did in `forumsift/...` stats and is switched off by removing it from
`SPIDER_MIDDLEWARES` / `DOWNLOADER_MIDDLEWARES` in crawler/settings.py.
"""
from __future__ import annotations

import asyncio
import codecs
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response

from crawler.urls import canonical_url, trap_reason

logger = logging.getLogger(__name__)


class CrawlTrapMiddleware:
    """Skips crawl-trap links and strips session ids from every request the spider yields."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlTrapMiddleware":
        return cls(crawler)

    def _filter(self, item: Any) -> Any | None:
        if not isinstance(item, Request):
            return item
        reason = trap_reason(item.url)
        if reason:
            self.stats.inc_value("forumsift/urls_trap")
            logger.debug("skipped %s: %s", item.url, reason)
            return None
        url = canonical_url(item.url)
        if url != item.url.split("#", 1)[0]:
            self.stats.inc_value("forumsift/urls_session_removed")
        return item.replace(url=url) if url != item.url else item

    def process_spider_output(self, response: Response, result: Iterable[Any],
                              spider: Spider | None = None) -> Iterator[Any]:
        for item in result:
            kept = self._filter(item)
            if kept is not None:
                yield kept

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any],
                                          spider: Spider | None = None) -> AsyncIterator[Any]:
        async for item in result:
            kept = self._filter(item)
            if kept is not None:
                yield kept


class ContactUserAgentMiddleware:
    """Sends `USER_AGENT` with `FORUMSIFT_CONTACT` added, so a forum admin can reach the operator."""

    def __init__(self, user_agent: str):
        self.user_agent = user_agent

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ContactUserAgentMiddleware":
        return cls(contact_user_agent(crawler.settings.get("USER_AGENT", ""),
                                      crawler.settings.get("FORUMSIFT_CONTACT", "")))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        request.headers.setdefault(b"User-Agent", self.user_agent)


def contact_user_agent(user_agent: str, contact: str) -> str:
    """'forumsift/0.1 (+URL)' + 'ops@example.org' -> 'forumsift/0.1 (+URL; ops@example.org)'."""
    contact = contact.strip()
    if not contact or contact in user_agent:
        return user_agent
    if user_agent.endswith(")"):
        return f"{user_agent[:-1]}; {contact})"
    return f"{user_agent} ({contact})"


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, but a 429/503 with `Retry-After` is retried only after that wait
    (capped by `FORUMSIFT_RETRY_AFTER_MAX` seconds): the forum asked us to slow down."""

    WAIT_CODES = frozenset({429, 503})

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RetryAfterMiddleware":
        middleware = super().from_crawler(crawler)
        middleware.max_wait = crawler.settings.getfloat("FORUMSIFT_RETRY_AFTER_MAX", 300.0)
        return middleware

    async def process_response(self, request: Request, response: Response,
                               spider: Spider | None = None) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response) if response.status in self.WAIT_CODES else None
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        if wait:
            wait = min(wait, self.max_wait)
            self.crawler.stats.inc_value("forumsift/retry_after_waits")
            logger.info("%s answered %s; retrying after %.1f s (Retry-After)", request.url, response.status, wait)
            await asyncio.sleep(wait)
        return retry


def retry_after_seconds(response: Response) -> float | None:
    """The wait a `Retry-After` header asks for (seconds or an HTTP date), or None."""
    raw = response.headers.get(b"Retry-After")
    if not raw:
        return None
    value = raw.decode("latin-1").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w-]+)", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w-]+)", re.I)
_TAG = re.compile(rb"<[^>]*>")
_ASCII_LETTERS = re.compile(rb"[A-Za-z]")
_HIGH_BYTES = re.compile(rb"[\xc0-\xff]")


class CharsetMiddleware:
    """Pages that declare no charset, or one their bytes are not in, are decoded as UTF-8 when
    they are valid UTF-8, else as cp1251 or cp1252 (latin-1) by `guess_8bit_charset`. A page
    whose declared charset fits its bytes is left alone, even when the charset is wrong but
    decodes without error (undetectable without a language model: an accepted gap)."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CharsetMiddleware":
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if not isinstance(response, HtmlResponse):
            return response
        body = response.body
        if body.isascii():
            return response
        declared = declared_charset(response)
        if declared and _decodes(body, declared):
            return response
        if not declared or _same_codec(declared, "utf-8"):
            # a UTF-8 page with Windows-1252 bytes pasted in (old posts after a forum migration):
            # BeautifulSoup's detwingle converts those bytes and keeps the page's UTF-8 as it is
            from bs4 import UnicodeDammit  # noqa: PLC0415

            mended = UnicodeDammit.detwingle(body)
            if mended != body and _decodes(mended, "utf-8"):
                self.stats.inc_value("forumsift/pages_charset_fixed")
                logger.info("%s: Windows-1252 bytes inside UTF-8 converted", response.url)
                return response.replace(body=mended, encoding="utf-8")
        encoding = "utf-8" if _decodes(body, "utf-8") else guess_8bit_charset(body)
        if declared and _same_codec(declared, encoding):
            return response
        self.stats.inc_value("forumsift/pages_charset_fixed")
        logger.info("%s: decoded as %s (declared: %s)", response.url, encoding, declared or "none")
        return response.replace(encoding=encoding)


def declared_charset(response: Response) -> str | None:
    """The charset the Content-Type header or a <meta> tag declares, or None."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    m = _HEADER_CHARSET.search(content_type)
    if m:
        return m.group(1)
    m = _META_CHARSET.search(response.body[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def guess_8bit_charset(body: bytes) -> str:
    """cp1251 when most letters of the page's text are high bytes (Cyrillic text), else cp1252:
    in Western European text accented letters are a small share of all letters."""
    text = _TAG.sub(b" ", body)
    high = len(_HIGH_BYTES.findall(text))
    ascii_letters = len(_ASCII_LETTERS.findall(text))
    return "cp1251" if high > 0.3 * (high + ascii_letters) else "cp1252"


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _same_codec(a: str, b: str) -> bool:
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:
        return False


class RedirectLoopMiddleware:
    """Ends a redirect chain that points back at a URL already in it (A → B → A), with a stat
    and a reason, instead of letting the dupefilter drop it without a word."""

    REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RedirectLoopMiddleware":
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in self.REDIRECT_CODES or not location:
            return response
        target = canonical_url(urljoin(request.url, location.decode("latin-1")))
        chain = {canonical_url(u) for u in [*request.meta.get("redirect_urls", []), request.url]}
        if target in chain:
            self.stats.inc_value("forumsift/redirect_loops")
            logger.warning("skipped %s: a redirect loop (back to %s)", request.url, target)
            raise IgnoreRequest(f"redirect loop: {request.url} -> {target}")
        return response
