"""SQLite's half of the write path, run beside Python's half on a second core.

Python's sqlite3 releases the GIL while a statement runs, so work that is one long statement can run
in a helper thread while the store's thread goes on in Python:

- `ChunkIndexer`: a batch's new posts go in by chunks. The store's thread puts a chunk's rows in a
  temporary table (a cheap executemany), and a helper thread moves them into posts and has FTS5
  index them (two INSERT … SELECT, each one step without the GIL) while the store's thread builds
  the next chunk's rows (content hash, zstd, tuples). An executemany into posts in the helper
  would want the GIL back after every row and wait for it behind the row building for a switch
  interval (5 ms) each time.
- `Checkpointer`: copying the WAL into the database file (fsync included) runs in a background
  thread on a connection of its own after commits, instead of inside the commit that crosses
  `wal_autocheckpoint`; SQLite lets a passive checkpoint run beside a writer.

Neither changes what a commit means: a batch is committed, indexed and all, when `write_posts`
returns; a checkpoint only moves committed pages from the WAL into the main file.
"""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from concurrent.futures import Future

Item = TypeVar("Item")

# rows a chunk: large enough that a statement per chunk costs little; the first chunk is built with
# nothing beside it (the helper waits for it), so it is smaller
CHUNK = 200
FIRST_CHUNK = 50
# the WAL pages at which the writer checkpoints by itself: a backstop for a checkpointer that falls
# behind (its own checkpoints keep the WAL at about a batch)
WRITER_AUTOCHECKPOINT = 8000

_INDEX_SQL = ("INSERT INTO posts_fts(rowid, clean_text, thread_title) "
              "SELECT id, clean_text, thread_title FROM posts WHERE id > ?")


def chunks(items: Sequence[Item]) -> Iterator[Sequence[Item]]:
    """`items` in the chunks ChunkIndexer takes: FIRST_CHUNK items, then CHUNK at a time."""
    if items:
        yield items[:FIRST_CHUNK]
    for start in range(FIRST_CHUNK, len(items), CHUNK):
        yield items[start:start + CHUNK]


class ChunkIndexer:
    """Inserts new posts chunk by chunk: the store's thread hands each chunk's rows to a temporary
    table, and a helper thread moves them into posts and has FTS5 index them (two INSERT … SELECT,
    no GIL) while the store's thread builds the next chunk's rows. One per store; a store writes
    one batch at a time."""

    def __init__(self, columns: Sequence[str]):
        from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 (only a writing store needs it)

        self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="forumsift-ingest")
        names = ", ".join(columns)
        # columns without a type: values stay exactly as bound until posts' own columns take them
        self._create = f"CREATE TEMP TABLE IF NOT EXISTS posts_incoming ({names})"
        self._fill = f"INSERT INTO temp.posts_incoming ({names}) VALUES ({', '.join('?' * len(columns))})"
        # WHERE true: an INSERT … SELECT's ON CONFLICT must not be read as a join's ON
        self._move = (f"INSERT INTO posts ({names}) SELECT {names} FROM temp.posts_incoming WHERE true "
                      "ORDER BY rowid ON CONFLICT DO NOTHING")

    def insert(self, dbapi_conn: Any, chunks: Iterable[Sequence[Item]],
               build: Callable[[Sequence[Item]], list[tuple[Any, ...]]]) -> int:
        """Insert the rows `build` makes of each chunk and index them (the caller has set
        search_bulk_load, so the insert trigger stands aside); the number of rows built."""
        built = 0
        pending: Future[Any] | None = None
        try:
            dbapi_conn.execute(self._create)
            for chunk in chunks:
                rows = build(chunk)  # beside the previous chunk's move and indexing
                if not rows:
                    continue
                built += len(rows)
                if pending is not None:
                    pending.result()
                dbapi_conn.executemany(self._fill, rows)
                pending = self._helper.submit(self._move_and_index, dbapi_conn)
            if pending is not None:
                pending.result()
        except sqlite3.Error as exc:  # as SQLAlchemy would have raised it (IntegrityError, OperationalError …)
            raise DBAPIError.instance(None, None, exc, sqlite3.Error) from exc
        finally:
            if pending is not None:  # never leave the connection to the helper, even on an error
                pending.exception()  # waits; what went wrong, if anything, is raised above
        return built

    def _move_and_index(self, dbapi_conn: Any) -> None:
        # the flag's UPDATE took the write lock: every id above `before` is one of ours
        before = dbapi_conn.execute("SELECT max(id) FROM posts").fetchone()[0] or 0
        dbapi_conn.execute(self._move)
        dbapi_conn.execute(_INDEX_SQL, (before,))
        dbapi_conn.execute("DELETE FROM temp.posts_incoming")

    def close(self) -> None:
        self._helper.shutdown(wait=True)


class Checkpointer:
    """Checkpoints the database at `path` in a background thread when `committed` is called."""

    def __init__(self, path: str, busy_timeout_ms: int = 30000):
        self._path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._wanted = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="forumsift-checkpoint", daemon=True)
        self._thread.start()

    def committed(self) -> None:
        """A writer committed: checkpoint soon (calls while one runs make one more, not one each)."""
        self._wanted.set()

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while True:
                self._wanted.wait()
                self._wanted.clear()
                if self._stopping:
                    return
                if conn is None:
                    conn = sqlite3.connect(self._path, timeout=self._busy_timeout_ms / 1000,
                                           isolation_level=None)
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    pass  # busy or gone: the next commit asks again; the writer's backstop remains
        finally:
            if conn is not None:
                conn.close()

    def close(self) -> None:
        self._stopping = True
        self._wanted.set()
        self._thread.join()

