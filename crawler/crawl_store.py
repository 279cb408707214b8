"""The crawl's one database handle, shared by the spider (incremental plans, deleted posts) and
the pipelines (site-learned lines, posts): one connection pool, one SQLite page cache, instead of
one per component. It is closed when the engine stops, after every `spider_closed` handler."""
from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from sqlalchemy import event

import db

_ATTR = "_forumsift_store"
# SQLite page cache of the crawl's connection. A crawl writes: it needs the upper levels of the
# indexes it inserts into, not the 64 MiB the store keeps for queries, which would make the crawl
# process grow with the database until the cache is full.
CRAWL_SQLITE_CACHE_KIB = 16 * 1024


def crawl_store(crawler: Crawler) -> db.Store:
    """The database of `FORUMSIFT_DB`, opened on first use by any component of this crawl."""
    store: db.Store | None = getattr(crawler, _ATTR, None)
    if store is None:
        store = db.open(crawler.settings.get("FORUMSIFT_DB") or db.DEFAULT_URL)
        if store.engine.dialect.name == "sqlite":
            event.listen(store.engine, "connect", _crawl_cache_size)  # after the store's own pragmas
            store.engine.dispose()  # the connection that checked the schema is opened again with it
        setattr(crawler, _ATTR, store)

        def close() -> None:
            store.close()
            setattr(crawler, _ATTR, None)

        crawler.signals.connect(close, signal=signals.engine_stopped, weak=False)
    return store


def _crawl_cache_size(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA cache_size=-{CRAWL_SQLITE_CACHE_KIB}")
    cur.close()
