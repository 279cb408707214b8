"""New posts as plain DB-API rows: the hot path of a crawl's writes.

SQLAlchemy's per-row parameter processing cost as much as the database's own work on a million
posts, so the store builds each post's row as one tuple in the order of `COLUMNS` and hands the
batch to the driver's executemany. On SQLite the values are stored exactly as SQLAlchemy's SQLite
types store them (datetimes as naive UTC text with microseconds, JSON as text, booleans as 0/1), so
rows written either way read back the same.
"""
from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

try:
    from compression import zstd  # Python 3.14+
except ImportError:
    from backports import zstd

if TYPE_CHECKING:
    from db.store import PostRecord

# every column of posts but the id, in the order of the tuples below
COLUMNS = ("site_id", "engine_post_id", "thread_id", "position", "page_url", "author_id", "author_title",
           "posted_at", "posted_at_raw", "edited_at", "raw_html", "raw_text", "clean_text", "thread_title",
           "quotes", "signature", "likes", "lang", "lang_confidence", "mt_score", "fixes", "content_hash",
           "normalizer_version", "duplicate_of", "deleted", "first_seen", "last_seen", "crawl_run_id")


# Zstandard frames start with this; rows stored by earlier versions hold zlib streams
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# one compression context reused for every post (zstd's objects lock themselves, so threads may
# share it): a post's HTML at level 1 in a third of zlib level 1's time, a few % larger
_PACKER = zstd.ZstdCompressor(1)


def compress_html(html: str) -> bytes:
    """A post's HTML as one Zstandard frame (level 1)."""
    return _PACKER.compress(html.encode("utf-8"), zstd.ZstdCompressor.FLUSH_FRAME)


def decompress_html(data: bytes) -> str:
    """The HTML `compress_html` stored, or a zlib stream stored by earlier versions."""
    raw = zstd.decompress(data) if data[:4] == ZSTD_MAGIC else zlib.decompress(data)
    return raw.decode("utf-8")


def sqlite_datetime(value: datetime | None) -> str | None:
    """A datetime as SQLAlchemy's SQLite DateTime stores it: UTC, naive, always with microseconds."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def _json_text(value: list[Any] | None) -> str | None:
    return json.dumps(value) if value else None  # an empty list is stored as NULL, as by the ORM


def _as_is(value: Any) -> Any:
    return value


def _list_or_none(value: list[Any] | None) -> list[Any] | None:
    return value or None


class RowBuilder:
    """Turns PostRecords into posts rows for the DB-API driver of `dialect`, or with `driver=False`
    for SQLAlchemy statements (Python values, which the column types convert themselves)."""

    def __init__(self, dialect: str, driver: bool = True):
        sqlite = driver and dialect == "sqlite"
        self._datetime: Callable[[datetime | None], Any] = sqlite_datetime if sqlite else _as_is
        self._json: Callable[[list[Any] | None], Any] = _json_text if driver else _list_or_none
        self._false: Any = 0 if sqlite else False

    def now(self, value: datetime) -> Any:
        """A batch's timestamp, converted once for all its rows."""
        return self._datetime(value)

    def row(self, rec: PostRecord, site_id: int, thread_id: int, title: str | None, author_id: int | None,
            content_hash: str, now: Any, run_id: int | None) -> tuple[Any, ...]:
        """The values of COLUMNS for a post; `now` comes from `self.now`."""
        dt, js = self._datetime, self._json
        return (site_id, rec.post_id, thread_id, rec.position, rec.page_url, author_id, rec.author_title,
                dt(rec.posted_at), rec.posted_at_raw, dt(rec.edited_at),
                compress_html(rec.body_html) if rec.body_html else None,
                rec.raw_text, rec.clean_text, title, js(rec.quotes), rec.signature, rec.likes, rec.lang,
                rec.lang_confidence, rec.mt_score, js(rec.fixes), content_hash, rec.normalizer_version,
                None, self._false, now, now, run_id)
