"""Export posts or articles as JSON lines, CSV or Parquet, streaming in constant memory.

Rows are read with a server-side cursor (`yield_per`) and written as they come; Parquet is written
in row groups of BATCH rows. Parquet needs pyarrow (`pip install forumsift[parquet]`).
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from db.models import Post, Thread
from db.search import Filters, source, utc_or_none, where

BATCH = 5000
FORMATS = ("jsonl", "csv", "parquet")

ARTICLE_COLUMNS = ("id", "thread_id", "site", "forum", "title", "author", "posted_at", "lang", "url",
                   "duplicate_of", "clean_text")
POST_COLUMNS = ("id", "site", "forum_path", "thread_id", "title", "thread_url", "url", "position",
                "engine_post_id", "author", "author_title", "posted_at", "edited_at", "lang", "lang_confidence",
                "mt_score", "duplicate_of", "clean_text", "quotes", "signature", "first_seen", "last_seen")


class ExportError(Exception):
    """An export that cannot be written (e.g. Parquet without pyarrow)."""


def columns(filters: Filters) -> tuple[str, ...]:
    return ARTICLE_COLUMNS if filters.articles else POST_COLUMNS


def rows(conn: Connection, filters: Filters) -> Iterator[dict[str, Any]]:
    """Every post (or article) that `filters` covers, oldest id first, one dict at a time."""
    from_, cols = source(filters)
    if not filters.articles:
        cols = {**cols, "thread_url": Thread.url, "position": Post.position, "engine_post_id": Post.engine_post_id,
                "author_title": Post.author_title, "edited_at": Post.edited_at,
                "lang_confidence": Post.lang_confidence, "mt_score": Post.mt_score, "quotes": Post.quotes,
                "signature": Post.signature, "first_seen": Post.first_seen, "last_seen": Post.last_seen}
    names = columns(filters)
    stmt = select(*(cols[c].label(c) for c in names)).select_from(from_).where(*where(filters, cols)) \
        .order_by(cols["id"])
    for row in conn.execute(stmt, execution_options={"yield_per": 1000}):
        yield {k: utc_or_none(v) for k, v in row._mapping.items()}


def write(rows_: Iterator[dict[str, Any]], names: tuple[str, ...], fmt: str, out: IO[Any]) -> int:
    """Write `rows_` to `out` (text for jsonl/csv, binary for parquet); the number of rows written."""
    if fmt == "parquet":
        return _write_parquet(rows_, names, out)
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=names)
        writer.writeheader()
    count = 0
    for row in rows_:
        if fmt == "csv":
            writer.writerow({k: _csv_value(v) for k, v in row.items()})
        else:
            out.write(json.dumps(row, ensure_ascii=False, default=json_default) + "\n")
        count += 1
    return count


def json_default(value: Any) -> Any:
    """`json.dumps(default=...)` for forumsift's rows: datetimes as ISO 8601 ("2016-10-23T14:30:00+00:00")."""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _write_parquet(rows_: Iterator[dict[str, Any]], names: tuple[str, ...], out: IO[Any]) -> int:
    try:
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError as exc:
        raise ExportError("Parquet export needs pyarrow: pip install 'forumsift[parquet]'") from exc
    types = {"id": pa.int64(), "thread_id": pa.int64(), "duplicate_of": pa.int64(), "position": pa.int32(),
             "lang_confidence": pa.float64(), "mt_score": pa.float64()}
    timestamp = pa.timestamp("us", tz="UTC")
    schema = pa.schema([(n, timestamp if n in ("posted_at", "edited_at", "first_seen", "last_seen")
                         else types.get(n, pa.string())) for n in names])
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in rows_:
            if row.get("quotes") is not None:
                row["quotes"] = json.dumps(row["quotes"], ensure_ascii=False)
            batch.append(row)
            if len(batch) >= BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count, batch = count + len(batch), []
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count
