"""Pages that are no forum (a login wall, a bot challenge, an error page, an empty JavaScript shell)
are reported with their reason and never stored as posts: by `forumsift extract` and by the crawl."""
from __future__ import annotations

import json

import pytest

from crawler.extract import extract_html
from fixtures.content import demo_forum
from fixtures.site import Response
from tests.conftest import forumsift, scrapy_crawl, sqlite_rows

LOGIN_WALL = """<!DOCTYPE html><html><head><title>Log in | Harbour Forum</title></head><body>
<nav><a href="/forums/">Forums</a> <a href="/threads/">Threads</a> <a href="/topic/12">Latest topic</a></nav>
<h1>You must be logged in to view this topic</h1>
<form action="/login" method="post"><label>Username <input name="user"></label>
<label>Password <input type="password" name="password"></label><button>Log in</button></form>
</body></html>"""

CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"></head><body class="no-js">
<div class="main-wrapper" role="main"><div class="main-content"><h1 class="zone-name-title h1">forum.example.org</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<noscript><div id="challenge-error-title">Enable JavaScript and cookies to continue</div></noscript></div></div>
<script>(function(){window._cf_chl_opt={cvId: '2',cZone: "forum.example.org",cType: 'managed'};
var cpo=document.createElement('script');cpo.src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1';})();</script>
</body></html>"""

ERROR_PAGE = """<!DOCTYPE html><html><head><title>Database Error - Harbour Forum</title></head><body>
<h1>Database error</h1><p>The forum is temporarily unavailable. Please try again in a few minutes.</p>
<p><a href="/forums/">Back to the forums</a></p></body></html>"""

JS_SHELL = """<!DOCTYPE html><html><head><title>Harbour Forum</title>
<script src="/assets/app.8f3a.js" defer></script></head><body><div id="root"></div>
<noscript>You need to enable JavaScript to run this app.</noscript></body></html>"""

PROOF_OF_WORK = """<!doctype html><html lang="en"><head><title>Making sure you&#39;re not a bot!</title>
<script id="anubis_version" type="application/json">"v1.19.1"</script>
<script id="anubis_challenge" type="application/json">{"rules":{"difficulty":4},"challenge":"9f2c"}</script>
</head><body id="top"><main><h1 id="title" class="centered-div">Loading...</h1>
<p>You are seeing this because the administrator of this website has set up a proof-of-work check against
scrapers. Please wait while your browser solves it.</p></main></body></html>"""

CASES = {
    "login wall": (LOGIN_WALL, "login"),
    "bot challenge": (CHALLENGE, "challenge"),
    "proof-of-work challenge": (PROOF_OF_WORK, "challenge"),
    "error page": (ERROR_PAGE, "error"),
    "empty JavaScript shell": (JS_SHELL, "JavaScript"),
}


@pytest.mark.parametrize("case", CASES)
def test_extract_reports_the_reason_and_no_posts(case):
    html, word = CASES[case]
    doc = extract_html(html, url="https://forum.example.org/threads/some-topic.12/")
    assert doc["engine"] is None
    assert doc["posts"] == []
    assert word.lower() in doc["reason"].lower()


def test_the_cli_says_why_for_a_saved_challenge_page(tmp_path):
    saved = tmp_path / "challenge.html"
    saved.write_text(CHALLENGE, encoding="utf-8")
    run = forumsift("extract", str(saved), "--format", "jsonl")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["engine"] is None and doc["posts"] == [] and "challenge" in doc["reason"]


def test_a_crawl_stores_nothing_from_walls_and_challenges(serve_forum, tmp_path):
    """A crawl that starts on a login wall stops with its reason; a thread behind a login wall
    is skipped while the rest of the forum is stored."""
    server = serve_forum("generic")
    site = server.site
    site.extra["/members-only"] = Response(200, LOGIN_WALL)
    walled = demo_forum().thread(109)
    site.extra[site.thread_url(walled)] = Response(200, LOGIN_WALL)

    db = tmp_path / "wall.db"
    run = scrapy_crawl(server.url + "members-only", f"sqlite:///{db}")
    assert "not_a_forum" in run.stderr and "login wall" in run.stderr
    assert not db.exists() or sqlite_rows(db, "SELECT count(*) FROM posts") == [(0,)]

    db = tmp_path / "forum.db"
    run = scrapy_crawl(server.url, f"sqlite:///{db}")
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"skipped {server.url.rstrip('/')}{site.thread_url(walled)}: a login wall" in run.stderr
    stored = {row[0] for row in sqlite_rows(db, "SELECT engine_post_id FROM posts")}
    walled_ids = {str(p.post_id) for p in walled.posts}
    assert stored and not stored & walled_ids
    assert len(stored) == len(demo_forum().posts()) - len(walled.posts)
