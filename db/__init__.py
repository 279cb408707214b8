"""The forumsift database: models, batched upserts, search. No Scrapy, no normalizer.

    import db
    store = db.open("sqlite:///forumsift.db")
    store.search("harbour talks")
"""
from __future__ import annotations

from db.store import DEFAULT_URL, PostRecord, Store, WriteResult, open_store

__all__ = ["DEFAULT_URL", "PostRecord", "Store", "WriteResult", "open"]


def open(url: str | None = None, create: bool = True) -> Store:  # noqa: A001 (the API's name)
    """Open the database at `url` (default `sqlite:///forumsift.db`), creating the schema if needed."""
    return open_store(url, create=create)
