"""The crawl's one database handle, shared by the spider (incremental plans, deleted posts) and
the pipelines (site-learned lines, posts): one connection pool, one SQLite page cache, instead of
one per component. It is closed when the engine stops, after every `spider_closed` handler."""
from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler

import db

_ATTR = "_forumsift_store"


def crawl_store(crawler: Crawler) -> db.Store:
    """The database of `FORUMSIFT_DB`, opened on first use by any component of this crawl."""
    store: db.Store | None = getattr(crawler, _ATTR, None)
    if store is None:
        store = db.open(crawler.settings.get("FORUMSIFT_DB") or db.DEFAULT_URL)
        setattr(crawler, _ATTR, store)

        def close() -> None:
            store.close()
            setattr(crawler, _ATTR, None)

        crawler.signals.connect(close, signal=signals.engine_stopped, weak=False)
    return store
