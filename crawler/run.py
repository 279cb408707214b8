"""Run the `forum` spider in this process and report what happened: the Python API behind
`forumsift crawl` and `forumsift demo`.

    result = run_crawl("https://forum.example.org/", db_url="sqlite:///forum.db")
    result.ok, result.failure, result.stats["forumsift/posts_stored"]
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OK_REASONS = {"finished"}


@dataclass
class CrawlResult:
    finish_reason: str
    stats: dict[str, Any]
    failure: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.failure is None and self.finish_reason in OK_REASONS

    @property
    def pages(self) -> int:
        return int(self.stats.get("response_received_count", 0))

    @property
    def posts(self) -> int:
        return int(self.stats.get("forumsift/posts_found", 0))


def project_settings(overrides: dict[str, Any] | None = None) -> Any:
    """forumsift's Scrapy settings (wherever the command runs), with `overrides` on top."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings  # noqa: PLC0415

    settings = get_project_settings()
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(url: str, db_url: str | None = None, settings: dict[str, Any] | None = None,
              spider_args: dict[str, Any] | None = None,
              on_progress: Callable[[dict[str, Any]], None] | None = None) -> CrawlResult:
    """Crawl `url` into `db_url` in this process (blocking); returns the outcome and stats.

    Runs the Twisted reactor, which can be started once per process: call it once per process.
    """
    from scrapy import signals  # noqa: PLC0415
    from scrapy.crawler import CrawlerProcess  # noqa: PLC0415

    overrides = dict(settings or {})
    if db_url:
        overrides["FORUMSIFT_DB"] = db_url
    process = CrawlerProcess(project_settings(overrides))
    crawler = process.create_crawler("forum")
    outcome: dict[str, Any] = {}

    def closed(spider: Any, reason: str) -> None:
        outcome["reason"] = reason
        outcome["failure"] = getattr(spider, "failure", None)

    crawler.signals.connect(closed, signal=signals.spider_closed)
    if on_progress is not None:
        def progress(*_: Any, **__: Any) -> None:
            on_progress(crawler.stats.get_stats())
        crawler.signals.connect(progress, signal=signals.response_received)
        crawler.signals.connect(progress, signal=signals.item_scraped)
    started = time.monotonic()
    process.crawl(crawler, url=url, **(spider_args or {}))
    process.start()
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    reason = outcome.get("reason") or stats.get("finish_reason") or "unknown"
    return CrawlResult(finish_reason=str(reason), stats=stats, failure=outcome.get("failure"),
                       seconds=time.monotonic() - started)
