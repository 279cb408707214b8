"""Shared test fixtures: fixture forums served over real HTTP, real Scrapy runs in subprocesses,
real SQLite files; PostgreSQL and Redis when a server is there (always in CI)."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
IN_CI = bool(os.environ.get("CI"))

# crawling our own loopback server: no delays (robots.txt is still obeyed)
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=INFO"]


def scrapy_crawl(url: str, db_url: str, *args: str, timeout: int = 240, cwd: Path = ROOT,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`scrapy crawl forum -a url=URL` from the repo root, in a subprocess (a real Scrapy run)."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "forum", "-a", f"url={url}", "-s", f"FORUMSIFT_DB={db_url}",
           *FAST, *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def forumsift(*args: str, timeout: int = 240, cwd: Path = ROOT, input: str | None = None,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed `forumsift` command (through its module, so the venv's Python is used)."""
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, input=input, env={**os.environ, **(env or {})})


def sqlite_rows(path: Path, sql: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


@pytest.fixture
def serve_forum() -> Iterator:
    """`serve_forum(engine)` starts that engine's fixture forum; all stop at the end of the test."""
    from contextlib import ExitStack

    from fixtures.server import serve

    with ExitStack() as stack:
        yield lambda engine="xenforo2", **kw: stack.enter_context(serve(engine, **kw))


def _pg_url() -> str:
    return os.environ.get("FORUMSIFT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _redis_url() -> str:
    return os.environ.get("FORUMSIFT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _service_or_skip(kind: str, check) -> None:
    try:
        check()
    except Exception as exc:  # noqa: BLE001
        if IN_CI:
            pytest.fail(f"{kind} must run in CI: {exc}")
        pytest.skip(f"no {kind} server here: {exc}")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A clean PostgreSQL database URL (schema dropped before and after)."""
    pytest.importorskip("psycopg")
    from sqlalchemy import create_engine, text

    url = _pg_url()

    def reset() -> None:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()

    _service_or_skip("PostgreSQL", reset)
    yield url
    reset()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis URL on a database flushed before and after."""
    redis = pytest.importorskip("redis")
    url = _redis_url()
    _service_or_skip("Redis", lambda: redis.Redis.from_url(url).flushdb())
    yield url
    redis.Redis.from_url(url).flushdb()
