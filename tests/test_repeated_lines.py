"""Lines a site repeats in its posts are learned during a crawl and kept out of clean text."""
from __future__ import annotations

import copy
import json

from fixtures.content import demo_forum
from fixtures.xenforo2.site import XenForo2Site
from tests.conftest import scrapy_crawl, sqlite_rows

FOOTER = "Harbour Forum members: please read the posting rules first"


def test_a_line_the_site_repeats_in_its_posts_is_dropped(serve_forum, tmp_path):
    forum = copy.deepcopy(demo_forum())
    for post in forum.posts():
        post.body_html += f"<p>{FOOTER}</p>"
    server = serve_forum(XenForo2Site(forum))
    db = tmp_path / "forum.db"
    run = scrapy_crawl(server.url, f"sqlite:///{db}")
    assert run.returncode == 0, run.stderr[-2000:]

    rows = sqlite_rows(db, "SELECT clean_text, fixes FROM posts")
    kept = [text for text, _ in rows if FOOTER in text]
    assert len(kept) < 25, "learned after the first 20 posts, then dropped from every post"
    dropped = [json.loads(fixes) for text, fixes in rows if FOOTER not in text]
    assert dropped and all(any(f["kind"] == "repeated_line" and FOOTER in f["before"] for f in fx) for fx in dropped)
    assert sqlite_rows(db, "SELECT count FROM line_counts WHERE line LIKE ?", f"%{FOOTER.lower()[:20]}%") \
        or sqlite_rows(db, "SELECT count FROM line_counts WHERE line LIKE ?", f"%{FOOTER[:20]}%")


def test_ordinary_posts_lose_nothing(serve_forum, tmp_path):
    server = serve_forum("xenforo2")
    db = tmp_path / "forum.db"
    assert scrapy_crawl(server.url, f"sqlite:///{db}").returncode == 0
    assert sqlite_rows(db, "SELECT count(*) FROM posts WHERE fixes LIKE '%repeated_line%'") == [(0,)]
