"""Item pipelines: NormalizePipeline (clean text, language, fixes) → StorePipeline (batched upserts).

Items are thread pages (`ThreadPageItem`); most come with their posts normalized already by a page
worker (crawler/page_reader.py). Both are built by `from_crawler` and read `FORUMSIFT_*` settings
(defaults in crawler/settings.py).
"""
from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler

import db
import normalize
from crawler.crawl_store import crawl_store
from crawler.items import ThreadPageItem
from crawler.page_reader import clean_posts
from crawler.repeated_lines import RepeatedLines
from db.store import PostRecord

logger = logging.getLogger(__name__)


class NormalizePipeline:
    """Turns each post's HTML into clean text with `normalize.clean_post` (unless a page worker did),
    then drops the lines the site repeats in more than FORUMSIFT_REPEATED_LINE_SHARE of its posts
    (0 switches that off): posts pass here in crawl order, so those counts are the same with any
    number of workers."""

    def __init__(self, crawler: Crawler, detect_language: bool = True, repeated_line_share: float = 0.0):
        self.crawler = crawler
        self.detect_language = detect_language
        self.repeated_line_share = repeated_line_share
        self.repeated: RepeatedLines | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "NormalizePipeline":
        settings = crawler.settings
        return cls(crawler, detect_language=settings.getbool("FORUMSIFT_DETECT_LANGUAGE", True),
                   repeated_line_share=settings.getfloat("FORUMSIFT_REPEATED_LINE_SHARE", 0.3))

    def open_spider(self, spider: Spider | None = None) -> None:
        site_url = getattr(spider or self.crawler.spider, "site_url", None)
        if self.repeated_line_share > 0 and site_url:
            self.repeated = RepeatedLines(crawl_store(self.crawler), site_url, self.repeated_line_share)

    def process_item(self, item: ThreadPageItem, spider: Spider | None = None) -> ThreadPageItem:
        if item.clean is None:
            item.clean = clean_posts(item.posts, item.thread_title, self.detect_language)
        if self.repeated is not None:
            for clean in item.clean:
                self.repeated.strip(clean)
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.repeated is not None:
            self.repeated.flush()


def to_record(item: ThreadPageItem, post: normalize.RawPost, clean: normalize.CleanPost) -> PostRecord:
    """The store's view of one crawled, normalized post of a thread page."""
    return PostRecord(
        site_url=item.site_url, engine=item.engine, thread_url=item.thread_url, post_id=post.post_id,
        clean_text=clean.text, forum_path=item.forum_path, thread_engine_id=item.thread_id,
        thread_title=item.thread_title, page_url=item.page_url, page_number=item.page_number,
        position=post.position, author=post.author, author_id=post.author_id, author_url=post.author_url,
        author_title=post.author_title, posted_at=post.posted_at, posted_at_raw=post.posted_at_raw,
        edited_at=post.edited_at, body_html=post.body_html, raw_text=clean.raw_text,
        quotes=[{"author": q.author, "post_id": q.post_id, "text": q.text} for q in clean.quotes],
        signature=clean.signature, likes=post.likes, lang=clean.lang, lang_confidence=clean.lang_confidence,
        mt_score=clean.mt_score, fixes=[f.to_dict() for f in clean.fixes],
        normalizer_version=clean.normalizer_version or normalize.VERSION,
    )


class StorePipeline:
    """Buffers posts and writes them in batches, one transaction per batch; records the crawl run."""

    def __init__(self, crawler: Crawler, batch_size: int):
        self.crawler = crawler
        self.batch_size = batch_size
        self.buffer: list[PostRecord] = []
        self.store: db.Store | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StorePipeline":
        settings = crawler.settings
        pipeline = cls(crawler, settings.getint("FORUMSIFT_BATCH_SIZE", 500))
        # the finish reason is known only when the spider_closed signal fires, after close_spider
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        self.store = crawl_store(self.crawler)
        args = {k: v for k, v in vars(spider).items() if k in ("start_url", "forced_engine", "overrides_file")}
        self.run_id = self.store.start_run(getattr(spider, "start_url", None), args)

    def process_item(self, item: ThreadPageItem, spider: Spider | None = None) -> ThreadPageItem:
        assert item.clean is not None, "NormalizePipeline must run before StorePipeline"
        # a page's posts go into one batch: a thread's pages are committed in order, whole
        self.buffer.extend(to_record(item, post, clean) for post, clean in zip(item.posts, item.clean))
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        if not self.buffer or self.store is None:
            return
        batch, self.buffer = self.buffer, []
        result = self.store.write_posts(batch, self.run_id)
        stats = self.crawler.stats
        stats.inc_value("forumsift/posts_stored", result.inserted)
        stats.inc_value("forumsift/posts_updated", result.updated)
        stats.inc_value("forumsift/posts_unchanged", result.unchanged)

    def close_spider(self, spider: Spider | None = None) -> None:
        self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.store is None:
            return
        if self.run_id is not None:
            stats = dict(self.crawler.stats.get_stats())
            stats["finish_reason"] = reason
            self.store.finish_run(self.run_id, reason, stats, getattr(spider, "site_url", None))
        self.store = None  # closed by crawl_store when the engine stops
