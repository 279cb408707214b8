"""The crawl's one database handle, shared by the spider (incremental plans, deleted posts) and
the pipelines (site-learned lines, posts): one connection pool, one SQLite page cache, instead of
one per component. It is closed when the engine stops, after every `spider_closed` handler."""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from sqlalchemy import event

import db
from db import migrate
from db.store import make_engine

_ATTR = "_forumsift_store"
# SQLite page cache of the crawl's connection. A crawl writes: it needs the upper levels of the
# indexes it inserts into, not the 64 MiB the store keeps for queries, which would make the crawl
# process grow with the database until the cache is full. 8 MiB since SQLite's posts lost their
# author index (migration 0007), whose random inserts were what wanted more: a 10,000-thread crawl
# peaked at 288 MB instead of 299 MB (16 MiB), at the same CPU per page.
CRAWL_SQLITE_CACHE_KIB = 8 * 1024


def crawl_store(crawler: Crawler) -> db.Store:
    """The database of `FORUMSIFT_DB`, opened on first use by any component of this crawl."""
    store: db.Store | None = getattr(crawler, _ATTR, None)
    if store is None:
        url = crawler.settings.get("FORUMSIFT_DB") or db.DEFAULT_URL
        _schema_in_child(url)
        store = db.open(url)
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


def _schema_in_child(url: str) -> None:
    """Create or upgrade the schema of a database that needs it in a short-lived child process, so
    Alembic and what it imports (~8 MB) never load in the crawl process (db/migrate.py). Whatever
    goes wrong there is left to `db.open` in this process, which does the work itself or says why not."""
    engine = make_engine(url)
    try:
        if not migrate.needs_upgrade(engine):
            return
    except Exception:  # noqa: BLE001 (db.open below reports it)
        return
    finally:
        engine.dispose()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    subprocess.run([sys.executable, "-c", "import sys, db; db.open(sys.stdin.read()).close()"], input=url,
                   text=True, capture_output=True, env=env, check=False)
