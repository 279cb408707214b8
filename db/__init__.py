"""The forumsift database: models, batched upserts, search. No Scrapy, no normalizer.

    import db
    store = db.open("sqlite:///forumsift.db")
    store.search("harbour talks", filters=db.Filters(lang="en"))
    store.stats()
"""
from __future__ import annotations

from db.errors import NoDatabase, NotForumsiftDatabase, StoreError, UnreachableDatabase
from db.search import Filters
from db.store import DEFAULT_URL, PostRecord, Store, WriteResult, open_store

__all__ = ["DEFAULT_URL", "Filters", "NoDatabase", "NotForumsiftDatabase", "PostRecord", "Store", "StoreError",
           "UnreachableDatabase", "WriteResult", "open", "url_from"]


def url_from(value: str | None) -> str:
    """A database URL from a --db value: a URL as is, a plain path as an SQLite file, None as the default."""
    if not value:
        return DEFAULT_URL
    return value if "://" in value else f"sqlite:///{value}"


def open(url: str | None = None, create: bool = True) -> Store:  # noqa: A001 (the API's name)
    """Open the database at `url` (default `sqlite:///forumsift.db`), creating or upgrading its schema.

    With `create=False` a missing or empty database is an error (NoDatabase, NotForumsiftDatabase).
    """
    return open_store(url, create=create)
