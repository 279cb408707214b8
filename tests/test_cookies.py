"""Logins through a browser's cookies.txt: a forum that shows threads to members only is crawled
whole with `forumsift crawl --cookies FILE`, and reported as a login wall without it."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.cookies import read_cookies_txt
from fixtures.badinput.pages import login_wall
from fixtures.content import demo_forum
from fixtures.xenforo2.site import XenForo2Site
from tests.conftest import forumsift, scrapy_crawl, sqlite_rows
from tests.test_incremental import stat

SESSION = ("xf_session", "s3cr3t-member-session")


@contextmanager
def members_only_forum() -> Iterator[str]:
    """The demo forum; thread pages answer a login wall unless the member's session cookie comes along."""
    site = XenForo2Site()
    wall = login_wall()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            cookie = self.headers.get("Cookie") or ""
            member = f"{SESSION[0]}={SESSION[1]}" in cookie
            response = site.handle(self.path) if member or not self.path.startswith("/threads/") else wall
            body = response.bytes()
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def cookies_txt(tmp_path, domain: str = "127.0.0.1"):
    path = tmp_path / "cookies.txt"
    path.write_text("# Netscape HTTP Cookie File\n# exported by a browser extension\n\n"
                    f"#HttpOnly_{domain}\tFALSE\t/\tFALSE\t0\t{SESSION[0]}\t{SESSION[1]}\n"
                    f"{domain}\tFALSE\t/\tFALSE\t4102444800\txf_consent\tyes\n"
                    ".other.example\tTRUE\t/\tTRUE\t4102444800\tforeign\tnot-sent\n", encoding="utf-8")
    return path


def test_crawl_with_cookies_reads_members_only_threads(tmp_path):
    path = tmp_path / "forum.db"
    with members_only_forum() as url:
        run = forumsift("crawl", url, "--db", str(path), "--cookies", str(cookies_txt(tmp_path)),
                        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0")
    assert run.returncode == 0, run.stderr[-2000:]
    ids = {pid for (pid,) in sqlite_rows(path, "SELECT engine_post_id FROM posts")}
    assert ids == {str(p.post_id) for p in demo_forum().posts()}


def test_crawl_without_cookies_reports_the_login_wall(tmp_path):
    path = tmp_path / "forum.db"
    with members_only_forum() as url:
        run = scrapy_crawl(url, f"sqlite:///{path}")
    assert run.returncode == 0, run.stderr[-2000:]
    assert stat(run, "pages_login_wall") == len(demo_forum().threads())
    assert "try --cookies" in run.stderr
    assert sqlite_rows(path, "SELECT count(*) FROM posts") == [(0,)]


def test_cookies_txt_lines_and_matching(tmp_path):
    cookies = {c.name: c for c in read_cookies_txt(cookies_txt(tmp_path, "forum.example.org"))}
    assert set(cookies) == {"xf_session", "xf_consent", "foreign"}  # HttpOnly lines are cookies too
    assert cookies["xf_session"].matches("http://forum.example.org/threads/a.1/", now=0)
    assert not cookies["xf_session"].matches("http://sub.forum.example.org/", now=0)  # no subdomains
    assert cookies["foreign"].matches("https://www.other.example/", now=0)
    assert not cookies["foreign"].matches("http://www.other.example/", now=0)  # secure: https only
    assert not cookies["xf_consent"].matches("http://forum.example.org/", now=4102444801)  # expired


def test_a_file_that_is_no_cookies_txt_is_refused(tmp_path):
    bad = tmp_path / "cookies.json"
    bad.write_text('[{"name": "xf_session", "value": "x"}]\n')
    with pytest.raises(ValueError, match="cookies.json:1"):
        read_cookies_txt(bad)
