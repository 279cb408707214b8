"""Scheduled crawls through scrapyd: a real scrapyd on 127.0.0.1, the project deployed with
`scrapyd-deploy` through the scrapy.cfg deploy target, `forum` scheduled with schedule.json
against the fixture forum, and the posts found in the SQLite file given as a setting."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from fixtures.content import demo_forum
from tests.conftest import ROOT, sqlite_rows

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
PROJECT_FILES = ["crawler", "db", "normalize", "fixtures", "scrapy.cfg", "pyproject.toml", "README.md"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base: str, endpoint: str, data: dict | list | None = None) -> dict:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=30) as response:
        return json.loads(response.read())


def start_scrapyd(home: Path, port: int) -> subprocess.Popen:
    home.mkdir()
    (home / "scrapyd.conf").write_text(f"""[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = {home / 'eggs'}
logs_dir = {home / 'logs'}
dbs_dir = {home / 'dbs'}
items_dir =
max_proc = 1
poll_interval = 0.5
""")
    process = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if call(base, "daemonstatus.json")["status"] == "ok":
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"scrapyd did not start: {process.stderr.read().decode()[-2000:]}")


def deploy(project_copy: Path, base: str) -> None:
    """`scrapyd-deploy` from a copy of the project whose scrapy.cfg points at this scrapyd
    (the egg build writes a setup.py beside scrapy.cfg; the work tree is left alone)."""
    project_copy.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project_copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, project_copy / name)
    cfg = project_copy / "scrapy.cfg"
    cfg.write_text(cfg.read_text().replace("url = http://127.0.0.1:6800/", f"url = {base}/"))
    run = subprocess.run([str(BIN / "scrapyd-deploy"), "-p", "forumsift"], cwd=project_copy,
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0 and '"status": "ok"' in run.stdout, run.stdout + run.stderr


def test_scrapyd_runs_a_scheduled_crawl(serve_forum, tmp_path):
    server = serve_forum("xenforo2")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    scrapyd = start_scrapyd(tmp_path / "scrapyd", port)
    try:
        deploy(tmp_path / "project", base)
        assert "forum" in call(base, "listspiders.json?project=forumsift")["spiders"]
        path = tmp_path / "scheduled.db"
        job = call(base, "schedule.json", [
            ("project", "forumsift"), ("spider", "forum"), ("url", server.url),
            ("setting", f"FORUMSIFT_DB=sqlite:///{path}"), ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "AUTOTHROTTLE_ENABLED=0")])
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            finished = call(base, "listjobs.json?project=forumsift")["finished"]
            if any(j["id"] == job["jobid"] for j in finished):
                break
            time.sleep(0.5)
        else:
            pytest.fail("the scheduled job did not finish")
        log = next((tmp_path / "scrapyd" / "logs" / "forumsift" / "forum").glob(f"{job['jobid']}.log")).read_text()
        assert "'finish_reason': 'finished'" in log, log[-3000:]
    finally:
        scrapyd.terminate()
        scrapyd.wait(timeout=30)
    ids = {pid for (pid,) in sqlite_rows(path, "SELECT engine_post_id FROM posts")}
    assert ids == {str(p.post_id) for p in demo_forum().posts()}
