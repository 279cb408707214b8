"""Scrapy settings for forumsift, as plain module constants (Scrapy reads this module through
scrapy.cfg). forumsift's own settings are prefixed FORUMSIFT_; each can also be set with
`-s NAME=VALUE` on `scrapy crawl` or by an environment variable of the same name."""
from __future__ import annotations

import os

from crawler import _offline_public_suffix_list

_offline_public_suffix_list()

BOT_NAME = "forumsift"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- forumsift ------------------------------------------------------------------------------
# Where posts go: any SQLAlchemy URL (sqlite:///path.db, postgresql+psycopg://user@host/db).
FORUMSIFT_DB = os.environ.get("FORUMSIFT_DB", "sqlite:///forumsift.db")
# Posts written per transaction by the store pipeline.
FORUMSIFT_BATCH_SIZE = 500
# Contact shown in the User-Agent so forum admins can reach whoever runs the crawl.
FORUMSIFT_CONTACT = os.environ.get("FORUMSIFT_CONTACT", "")
# The site's timezone for dates shown without one ("Yesterday at 10:15"); UTC when unknown.
FORUMSIFT_TIMEZONE = os.environ.get("FORUMSIFT_TIMEZONE", "")
# Lines a site repeats in more than this share of its posts are dropped from clean text (0: keep).
FORUMSIFT_REPEATED_LINE_SHARE = 0.3
# Run language detection in the crawl (the slowest normalizer step).
FORUMSIFT_DETECT_LANGUAGE = True
# Worker processes that read thread pages (parse + normalize) beside the crawl process, which
# fetches and stores: 1 puts a second core to work; 0 reads pages in the crawl process.
FORUMSIFT_WORKERS = int(os.environ.get("FORUMSIFT_WORKERS", "1"))
# Per-site selector overrides (TOML), see README "Custom themes".
FORUMSIFT_OVERRIDES = os.environ.get("FORUMSIFT_OVERRIDES", "")
# Redis URL: when set, scrapy-redis shares the request queue and dupefilter between workers.
FORUMSIFT_REDIS_URL = os.environ.get("FORUMSIFT_REDIS_URL", "")
# Longest wait (seconds) a 429/503 `Retry-After` header can impose before the retry.
FORUMSIFT_RETRY_AFTER_MAX = 300
# Pages that may fail (HTTP errors, timeouts, login walls...) before the crawl stops as failed
# (finish reason `too_many_errors`, so `forumsift crawl` exits non-zero); 0 means no limit.
FORUMSIFT_MAX_FAILED_PAGES = 200
# A Netscape cookies.txt (exported from a logged-in browser) sent with every request.
FORUMSIFT_COOKIES = os.environ.get("FORUMSIFT_COOKIES", "")

# --- politeness -----------------------------------------------------------------------------
# FORUMSIFT_CONTACT is added to it by crawler.middlewares.ContactUserAgentMiddleware
USER_AGENT = "forumsift/0.1 (+https://github.com/forumsift/forumsift)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
# Items (thread pages) of one response are processed one after the other: the pipelines never
# wait, and Scrapy's default (100) starts 100 asyncio tasks for every response.
CONCURRENT_ITEMS = 1
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024  # a page bigger than this is skipped and counted
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
HTTPERROR_ALLOW_ALL = False

SPIDER_MIDDLEWARES = {
    "crawler.middlewares.CrawlTrapMiddleware": 650,
}
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.ContactUserAgentMiddleware": 499,  # before Scrapy's UserAgentMiddleware (500)
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    "crawler.middlewares.CharsetMiddleware": 560,  # after decompression (590) has run on the response
    "crawler.middlewares.RedirectLoopMiddleware": 650,  # sees a 3xx before RedirectMiddleware (600)
    "crawler.cookies.CookiesFileMiddleware": 710,  # after CookiesMiddleware (700) wrote the jar's cookies
}
EXTENSIONS = {
    "crawler.distributed.RedisWorkers": 100,
}
# JOBDIR resumes keep the queue; the seen-set is not kept (crawler/incremental.py says why)
DUPEFILTER_CLASS = "crawler.incremental.ForgetfulDupeFilter"

ITEM_PIPELINES = {
    "crawler.pipelines.NormalizePipeline": 300,
    "crawler.pipelines.StorePipeline": 800,
}

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("FORUMSIFT_LOG_LEVEL", "INFO")
