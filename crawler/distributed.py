"""Several workers crawling one forum together through Redis (scrapy-redis), PostgreSQL as the store.

`FORUMSIFT_REDIS_URL` switches every `forum` crawl to scrapy-redis's scheduler and dupefilter,
with keys named after the forum's host (`forumsift:<host>:requests`, `...:dupefilter`), so
workers started on any machine against the same forum share one queue and one seen-set, and
crawls of different forums never mix. scrapy-redis 0.9.1 works with Scrapy 2.19 as used here:
only its scheduler, queue and dupefilter are used (not `RedisSpider`, whose `start_requests`
Scrapy 2.13+ no longer calls), so no `async def start()` shim is needed; its stats calls pass
the `spider` argument Scrapy 2.19 deprecates, which only logs a warning.

A worker whose queue runs dry finishes while others still work, so the queue must outlive it
(`SCHEDULER_PERSIST`); `RedisWorkers` keeps a heartbeat key per live worker, and the last
worker to finish (or the first to start after a crash) deletes the run's queue and seen-set,
so the next scheduled run starts clean.
"""
from __future__ import annotations

import logging
import uuid
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from twisted.internet import task

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
HEARTBEAT_TTL = 120  # a worker silent this long is gone (killed)


def key_prefix(site_url: str) -> str:
    """The Redis key prefix of one forum's crawl."""
    return f"forumsift:{urlsplit(site_url).netloc}"


def configure(settings: Settings, site_url: str) -> None:
    """Point the scheduler and dupefilter at Redis when `FORUMSIFT_REDIS_URL` is set."""
    redis_url = settings.get("FORUMSIFT_REDIS_URL")
    if not redis_url:
        return
    prefix = key_prefix(site_url)
    for name, value in {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "REDIS_URL": redis_url,
        # a worker takes from the shared queue only what it fetches at once, not a private backlog
        "CONCURRENT_REQUESTS": settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
    }.items():
        settings.set(name, value, priority="spider")


class RedisWorkers:
    """Heartbeats of the workers of one distributed crawl; clears the run's keys when none is left."""

    def __init__(self, crawler: Crawler, redis_url: str):
        import redis  # noqa: PLC0415 (the `redis` extra)

        self.crawler = crawler
        self.server = redis.Redis.from_url(redis_url)
        self.worker_id = uuid.uuid4().hex
        self.prefix = ""
        self._beat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RedisWorkers":
        redis_url = crawler.settings.get("FORUMSIFT_REDIS_URL")
        if not redis_url:
            raise NotConfigured
        extension = cls(crawler, redis_url)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def _others_alive(self) -> bool:
        return any(key.decode() != self._worker_key for key in self.server.scan_iter(f"{self.prefix}:worker:*"))

    @property
    def _worker_key(self) -> str:
        return f"{self.prefix}:worker:{self.worker_id}"

    def _clear_run(self) -> None:
        self.server.delete(f"{self.prefix}:requests", f"{self.prefix}:dupefilter")

    def spider_opened(self, spider: Spider) -> None:
        self.prefix = key_prefix(spider.site_url)
        with self.server.lock(f"{self.prefix}:lock", timeout=10, blocking_timeout=10):
            if not self._others_alive():
                self._clear_run()  # left over by a run whose workers were all killed
            self.server.set(self._worker_key, "1", ex=HEARTBEAT_TTL)
        self._beat = task.LoopingCall(self.server.expire, self._worker_key, HEARTBEAT_TTL)
        self._beat.start(HEARTBEAT_SECONDS, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        with self.server.lock(f"{self.prefix}:lock", timeout=10, blocking_timeout=10):
            self.server.delete(self._worker_key)
            if not self._others_alive():
                self._clear_run()
                logger.info("forumsift: last worker of %s done; cleared its Redis queue", self.prefix)
