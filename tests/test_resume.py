"""Resume: a crawl with a JOBDIR is stopped mid-way, gracefully (one SIGINT: Scrapy keeps its
queue) or killed (SIGINT twice, then SIGKILL: the queue and the last batch are lost), and run
again; every post ends up stored exactly once and the database is consistent at every point."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.content import demo_forum
from tests.conftest import FAST, ROOT, scrapy_crawl, sqlite_rows

CONSISTENCY = [
    # a batch is written in one transaction: no thread, author or site row without its posts
    ("threads without posts", "SELECT count(*) FROM threads t WHERE NOT EXISTS "
                              "(SELECT 1 FROM posts p WHERE p.thread_id = t.id)"),
    ("authors without posts", "SELECT count(*) FROM authors a WHERE NOT EXISTS "
                              "(SELECT 1 FROM posts p WHERE p.author_id = a.id)"),
    ("posts without thread", "SELECT count(*) FROM posts p WHERE NOT EXISTS "
                             "(SELECT 1 FROM threads t WHERE t.id = p.thread_id)"),
]


def posts_stored(path) -> int:
    try:
        return sqlite_rows(path, "SELECT count(*) FROM posts")[0][0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def assert_consistent(path) -> None:
    assert sqlite_rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert sqlite_rows(path, "PRAGMA foreign_key_check") == []
    for what, sql in CONSISTENCY:
        assert sqlite_rows(path, sql) == [(0,)], what


def page_workers(pid: int) -> list[int]:
    """The crawl process's descendants: its page workers (crawler/page_reader.py)."""
    children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return children + [p for c in children for p in page_workers(c)]


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


def stop(crawl: subprocess.Popen, how: str) -> None:
    crawl.send_signal(signal.SIGINT)  # graceful: finish what is in flight, keep the queue
    if how == "killed":
        time.sleep(0.2)
        crawl.send_signal(signal.SIGINT)  # unclean shutdown
        time.sleep(0.2)
        crawl.kill()
    crawl.wait(timeout=60)


@pytest.mark.parametrize("how", ["graceful", "killed"])
def test_stopped_crawl_resumes_without_losing_or_duplicating_posts(serve_forum, tmp_path, how):
    server = serve_forum("xenforo2")
    path = tmp_path / "forum.db"
    job_dir = tmp_path / "job"
    total = len(demo_forum().posts())
    slow = ["-s", "DOWNLOAD_DELAY=0.15", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "FORUMSIFT_BATCH_SIZE=7"]
    cmd = [sys.executable, "-m", "scrapy", "crawl", "forum", "-a", f"url={server.url}",
           "-s", f"FORUMSIFT_DB=sqlite:///{path}", "-s", f"JOBDIR={job_dir}", *FAST, *slow]
    crawl = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while posts_stored(path) < 15 and time.monotonic() < deadline and crawl.poll() is None:
            time.sleep(0.1)
        workers = page_workers(crawl.pid)
        stop(crawl, how)
    finally:
        crawl.kill()
        crawl.wait(timeout=30)
    killed_at = posts_stored(path)
    assert 0 < killed_at < total, "the crawl was not stopped mid-way"
    assert workers, "the crawl read its pages in no worker process"
    deadline = time.monotonic() + 10
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(running, workers)), "a page worker outlived the crawl"
    assert_consistent(path)

    resumed = scrapy_crawl(server.url, f"sqlite:///{path}", "-s", f"JOBDIR={job_dir}")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "'finish_reason': 'finished'" in resumed.stderr
    if how == "graceful":
        assert "Resuming crawl" in resumed.stderr  # Scrapy took up the queue it kept
    ids = [pid for (pid,) in sqlite_rows(path, "SELECT engine_post_id FROM posts")]
    assert len(ids) == len(set(ids)), "a post was stored twice"
    assert set(ids) == {str(p.post_id) for p in demo_forum().posts()}
    assert_consistent(path)
