"""The benchmarks keep working: bench/crawl.py on a tiny generated forum (both crawls, the count
check, the profile), bench/db.py on a few thousand posts on each database."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_crawl_bench_runs_and_finds_every_post_once():
    run = subprocess.run([sys.executable, "bench/crawl.py", "--threads", "20", "--profile-pages", "15",
                          "--server-seconds", "0.5"], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    out = run.stdout
    assert "stored: every one of the" in out and "exactly once, 20 threads" in out
    assert "ratio full/bare page rate:" in out
    assert "normalize" in out and "store (batched writes)" in out
    assert "note: the bare spider fetched" not in out  # both crawls fetched the same pages


def test_generated_forum_is_the_same_for_the_same_seed_and_made_on_demand():
    from fixtures.generated import GeneratedForum

    a, b = GeneratedForum(50, seed=3), GeneratedForum(50, seed=3)
    assert [p.body_html for p in a.thread(17).posts] == [p.body_html for p in b.thread(17).posts]
    assert a.post_total() == sum(len(t.posts) for t in b.threads())
    assert len({p.post_id for p in a.posts()}) == a.post_total()
    assert {t.lang for t in a.threads()} >= {"en", "de"}
    # a thread list sorts by last post without generating posts: ids grow with the last post time
    assert a.thread(2).last_post_at > a.thread(1).last_post_at


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_db_bench_builds_a_database_and_times_the_five_queries(dialect, request):
    args = ["--dialect", dialect]
    if dialect == "postgresql":
        args += ["--pg-url", request.getfixturevalue("pg_url")]
    run = subprocess.run([sys.executable, "bench/db.py", "--posts", "3000", *args], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    out = run.stdout
    assert re.search(r"ingest: [\d,]+ posts/s .*3,000 posts", out)
    assert re.search(r"baseline: [\d,]+ posts/s written bare by sqlite3 .*forumsift 0\.\d+ of it", out)
    assert len(re.findall(r"query .* p50 +[\d.]+ ms +p95 +[\d.]+ ms", out)) == 5
