"""Database benchmark: ingest rate and query latency at a million posts, on SQLite and PostgreSQL.

Builds a database of synthetic posts through the real write path (`Store.write_posts`, batches of
BATCH posts, raw HTML compressed, FTS5 fed one statement per batch / generated tsvector), then
times five typical queries, each with QUERY_RUNS different words of middling frequency (thousands of
matches each at a million posts, of which the newest db.search.CANDIDATES are ranked), and prints
posts/s and latency p50/p95 per query. Ingest is also given per CPU second of this process and, for
a PostgreSQL server on this machine, of the server process doing the writes (read from /proc):
steadier than wall-clock rates on a shared machine.

The baseline, run in the same command and under the same load: the same batches as bare tuples
(ids, thread, author, date, text, HTML) executemany'd by the sqlite3 module into a table without
indexes or search, one transaction a batch, in a second SQLite file beside the first (each batch goes
to the baseline just before write_posts takes it). forumsift's rate is given as a ratio of it too.

Post lengths follow a log-normal distribution (median about 55 words, a long tail of several
hundred), words are drawn from wordfreq's English list by their real frequency, 20 posts a thread.

    python bench/db.py                         # 1,000,000 posts, SQLite and PostgreSQL
    python bench/db.py --posts 100000 --dialect sqlite
    python bench/db.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/forumsift_bench

The PostgreSQL database given is created if missing and emptied first (schema public dropped).
"""
from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import db  # noqa: E402
from db.store import PostRecord  # noqa: E402

BATCH = 1000
POSTS_PER_THREAD = 20
THREADS_PER_FORUM = 500
AUTHORS = 20_000
QUERY_RUNS = 20
SITE = "https://bench.forum.example/"
START = datetime(2015, 1, 1, tzinfo=timezone.utc)


class Vocabulary:
    """English words with their real frequencies, and a band of mid-frequency words to search for."""

    def __init__(self, rng: random.Random):
        from wordfreq import top_n_list, word_frequency  # noqa: PLC0415

        self.words = [w for w in top_n_list("en", 30_000) if w.isalpha()]
        weights = [word_frequency(w, "en") for w in self.words]
        total = 0.0
        self.cumulative = []
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.searchable = [w for w in self.words[2_000:8_000] if len(w) > 4]
        self.rng = rng

    def text(self, words: int) -> str:
        picked = self.rng.choices(self.words, cum_weights=self.cumulative, k=words)
        sentences = [" ".join(picked[i:i + 12]).capitalize() + "." for i in range(0, len(picked), 12)]
        return " ".join(sentences)


def synthetic_posts(count: int, seed: int = 7) -> Iterator[PostRecord]:
    """`count` posts in threads of POSTS_PER_THREAD, with realistic lengths and metadata."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    title = ""
    for n in range(count):
        thread, position = divmod(n, POSTS_PER_THREAD)
        if position == 0:
            title = vocab.text(6).rstrip(".")
        words = min(2_000, max(3, int(rng.lognormvariate(math.log(55), 0.9))))
        text = vocab.text(words)
        author = f"member{rng.randrange(AUTHORS)}"
        posted = START + timedelta(minutes=n * 3 + rng.randrange(3))
        yield PostRecord(
            site_url=SITE, engine="xenforo2", thread_url=f"{SITE}threads/t.{thread}/", post_id=str(n + 1),
            clean_text=text, forum_path=("Boards", f"Forum {thread // THREADS_PER_FORUM}"),
            thread_engine_id=str(thread), thread_title=title,
            page_url=f"{SITE}threads/t.{thread}/page-{position // 20 + 1}", position=position + 1,
            author=author, author_title="Member", posted_at=posted, posted_at_raw=posted.strftime("%b %d, %Y"),
            body_html=f'<div class="bbWrapper">{text}</div>', raw_text=text,
            lang="de" if thread % 10 == 0 else "en", lang_confidence=0.99, normalizer_version="bench")


class Baseline:
    """Bare SQLite writes of the same batches: a table of plain columns, no index, no search."""

    COLUMNS = "post_id TEXT, thread_url TEXT, position INTEGER, author TEXT, posted_at TEXT, text TEXT, html TEXT"

    def __init__(self, path: Path):
        import sqlite3  # noqa: PLC0415

        path.unlink(missing_ok=True)
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute(f"CREATE TABLE posts ({self.COLUMNS})")
        self.spent = 0.0

    def write(self, batch: list[PostRecord]) -> None:
        started = time.perf_counter()
        rows = [(r.post_id, r.thread_url, r.position, r.author, r.posted_at.isoformat(), r.clean_text, r.body_html)
                for r in batch]
        self.conn.execute("BEGIN")
        self.conn.executemany("INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        self.conn.execute("COMMIT")
        self.spent += time.perf_counter() - started

    def close(self) -> None:
        self.conn.close()


def ingest(store: db.Store, count: int, baseline: Baseline | None = None) -> tuple[float, float, float | None]:
    """Write `count` posts in batches: posts per second of wall time spent in write_posts, of this
    process's CPU time (steadier on a shared machine; for SQLite it is all the work), and of the
    PostgreSQL server process's CPU time (None for SQLite or a server on another machine). The
    process's CPU time is that of all its threads over the whole build, the store's background
    checkpoints included wherever they ran, less this thread's time making posts outside write_posts
    (and writing the baseline). Each batch goes to `baseline` first, when given."""
    spent = inside = 0.0
    server_cpu = _server_cpu_clock(store)
    server_before = server_cpu()
    cpu_before, own_before = time.process_time(), time.thread_time()
    written = 0
    batch: list[PostRecord] = []
    for record in synthetic_posts(count):
        batch.append(record)
        if len(batch) == BATCH or written + len(batch) == count:
            if baseline is not None:
                baseline.write(batch)
            own = time.thread_time()
            spent += _timed(store.write_posts, batch)
            inside += time.thread_time() - own
            written, batch = written + len(batch), []
            if written % 100_000 == 0:
                print(f"  {written:,} posts, {written / spent:,.0f} posts/s", flush=True)
    making_posts = time.thread_time() - own_before - inside
    cpu = time.process_time() - cpu_before - making_posts
    server_after = server_cpu()
    server_rate = count / (server_after - server_before) if server_after and server_before is not None else None
    return count / spent, count / cpu, server_rate


def _server_cpu_clock(store: db.Store) -> Callable[[], float | None]:
    """A clock of the CPU seconds (user + system) of the PostgreSQL backend serving the store's
    pooled connection, read from /proc when the server runs on this machine; else a clock of None.
    (The store reuses one pooled connection in a single thread, so one backend does the writes.)"""
    if store.dialect != "postgresql":
        return lambda: None
    with store.engine.connect() as conn:
        stat = Path(f"/proc/{conn.exec_driver_sql('SELECT pg_backend_pid()').scalar()}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def clock() -> float | None:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14, 15 of stat)

    return clock


def _timed(work: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    work(*args)
    return time.perf_counter() - started


def typical_queries(words: list[str], rng: random.Random) -> dict[str, Callable[[db.Store], object]]:
    """Five kinds of query a user runs, each a function of the store (words drawn per run)."""
    def pick() -> str:
        return rng.choice(words)

    return {
        "one word": lambda s: s.search(pick()),
        "two words": lambda s: s.search(f"{pick()} {pick()}"),
        "word, lang + since": lambda s: s.search(pick(), filters=db.Filters(
            lang="en", since=datetime(2016, 1, 1, tzinfo=timezone.utc))),
        "word OR word, --unique": lambda s: s.search(f"{pick()} OR {pick()}", filters=db.Filters(unique=True)),
        "articles: word": lambda s: s.search(pick(), filters=db.Filters(articles=True)),
    }


def measure_queries(store: db.Store) -> dict[str, tuple[float, float]]:
    """p50 and p95 latency (ms) of each typical query over QUERY_RUNS different words."""
    rng = random.Random(11)
    vocab = Vocabulary(rng)
    out = {}
    for name, run in typical_queries(vocab.searchable, rng).items():
        run(store)  # warm the cache once
        times = sorted(_timed(run, store) * 1000 for _ in range(QUERY_RUNS))
        out[name] = (statistics.median(times), times[max(0, math.ceil(0.95 * len(times)) - 1)])
    return out


def bench(url: str, posts: int, build: bool = True, baseline_path: Path | None = None) -> None:
    store = db.open(url)
    if build:
        print(f"{url}: building {posts:,} posts …", flush=True)
        baseline = Baseline(baseline_path) if baseline_path else None
        rate, cpu_rate, server_rate = ingest(store, posts, baseline)
        store.refresh_statistics()  # as at the end of every crawl run
        server = f", {server_rate:,.0f} per CPU second of the server process" if server_rate else ""
        print(f"ingest: {rate:,.0f} posts/s ({cpu_rate:,.0f} per CPU second of this process{server}; "
              f"{posts:,} posts, batches of {BATCH})")
        if baseline is not None:
            bare = posts / baseline.spent
            print(f"baseline: {bare:,.0f} posts/s written bare by sqlite3 (no index, no search); "
                  f"forumsift {rate / bare:.3f} of it")
            baseline.close()
    else:
        print(f"{url}: {store.counts()['posts']:,} posts already there")
        store.refresh_statistics()
    for name, (p50, p95) in measure_queries(store).items():
        print(f"  query {name:24} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    store.close()


def _reset_pg(url: str) -> None:
    """Create the benchmark's own database if needed (not the tests' one: test runs empty theirs
    at any moment), and empty it."""
    from sqlalchemy import make_url, text  # noqa: PLC0415

    from db.migrate import empty_postgresql  # noqa: PLC0415
    from db.store import make_engine  # noqa: PLC0415

    name = make_url(url).database
    server = make_engine(make_url(url).set(database="postgres").render_as_string(hide_password=False))
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    engine = make_engine(url)
    empty_postgresql(engine)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--dialect", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/forumsift_bench",
                        help="database to build (created if missing, emptied first)")
    parser.add_argument("--sqlite-path", help="SQLite file to build (default: a temporary one)")
    parser.add_argument("--queries-only", action="store_true",
                        help="time the queries on the database built by an earlier run (--sqlite-path, --pg-url)")
    args = parser.parse_args()
    build = not args.queries_only
    if args.dialect in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(args.sqlite_path or Path(tmp) / "bench.db")
            if build:
                path.unlink(missing_ok=True)
            bench(f"sqlite:///{path}", args.posts, build, Path(tmp) / "baseline.db")
    if args.dialect in ("postgresql", "both"):
        if build:
            _reset_pg(args.pg_url)
        with tempfile.TemporaryDirectory() as tmp:
            bench(args.pg_url, args.posts, build, Path(tmp) / "baseline.db")


if __name__ == "__main__":
    main()
