"""Distributed crawling: two worker processes share one Redis queue and dupefilter
(`FORUMSIFT_REDIS_URL`) and one PostgreSQL store; together they store every post exactly once,
and both fetched pages."""
from __future__ import annotations

import subprocess
import sys

import pytest

from fixtures.content import demo_forum
from tests.conftest import FAST, ROOT
from tests.test_incremental import stat

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def worker(url: str, db_url: str, redis_url: str) -> subprocess.Popen:
    # one request at a time with a small delay, so neither worker can empty the queue alone
    cmd = [sys.executable, "-m", "scrapy", "crawl", "forum", "-a", f"url={url}", "-s", f"FORUMSIFT_DB={db_url}",
           "-s", f"FORUMSIFT_REDIS_URL={redis_url}", *FAST,
           "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0.05"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_two_workers_store_every_post_once(serve_forum, pg_url, redis_url):
    import redis
    from sqlalchemy import create_engine, text

    import db

    server = serve_forum("xenforo2")
    db.open(pg_url).close()  # the schema first, as the README says: workers then only write rows
    workers = [worker(server.url, pg_url, redis_url) for _ in range(2)]
    runs = []
    for process in workers:
        _, stderr = process.communicate(timeout=240)
        runs.append(subprocess.CompletedProcess(process.args, process.returncode, "", stderr))
    for run in runs:
        assert run.returncode == 0, run.stderr[-3000:]
        assert "'finish_reason': 'finished'" in run.stderr
        assert "scrapy_redis.scheduler.Scheduler" in run.stderr  # the shared queue was used
        # a worker whose start request the other took still knows the engine (it travels in the requests)
        assert "Spider error processing" not in run.stderr, run.stderr[-3000:]

    engine = create_engine(pg_url)
    with engine.connect() as conn:
        ids = [pid for (pid,) in conn.execute(text("SELECT engine_post_id FROM posts"))]
    engine.dispose()
    assert len(ids) == len(set(ids)), "a post was stored twice"
    assert set(ids) == {str(p.post_id) for p in demo_forum().posts()}

    thread_pages = [stat(run, "pages_thread") for run in runs]
    assert all(thread_pages), f"a worker fetched no thread page: {thread_pages}"
    fetched = [r for r in server.site.requests if r.startswith("/threads/")]
    assert len(fetched) == len(set(fetched)) == sum(thread_pages), "a thread page was fetched by both workers"
    # the last worker out cleared the run's queue and seen-set for the next scheduled run
    assert not list(redis.Redis.from_url(redis_url).scan_iter("forumsift:*"))
