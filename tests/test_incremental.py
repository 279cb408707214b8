"""Incremental re-crawls against the two-state fixture forum (fixtures/changes.py): a second run
fetches only index and thread-list pages plus the pages that changed, stores the new posts,
keeps a revision of the edited post, flags the deleted one, and duplicates nothing."""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from fixtures.changes import CHANGES, demo_forum_after
from fixtures.content import demo_forum, pages
from fixtures.server import serve
from tests.conftest import forumsift, scrapy_crawl, sqlite_rows


def stat(run, name: str) -> int:
    """A `forumsift/...` counter from the stats Scrapy logs at the end of a run (0 when absent)."""
    m = re.search(rf"'forumsift/{re.escape(name)}': (\d+)", run.stderr)
    return int(m.group(1)) if m else 0


def thread_pages(requests: list[str]) -> list[str]:
    return sorted(r for r in requests if r.startswith("/threads/"))


def list_pages(requests: list[str]) -> list[str]:
    return sorted(r for r in requests if r == "/" or r.startswith("/forums/"))


@dataclass
class FirstCrawl:
    """The fixture forum (state 1) crawled once into a database file, shared by this module."""

    server: object
    db_path: Path
    run: object
    requests: list[str]

    def fresh_copy(self, tmp_path: Path) -> Path:
        """A copy of the crawled database, and the server back in state 1 with an empty request log."""
        copy = tmp_path / "forum.db"
        shutil.copy(self.db_path, copy)
        self.server.site.forum = demo_forum()
        self.server.site.requests.clear()
        return copy


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory):
    with serve("xenforo2") as server:
        path = tmp_path_factory.mktemp("first") / "forum.db"
        run = scrapy_crawl(server.url, f"sqlite:///{path}")
        assert run.returncode == 0, run.stderr[-2000:]
        assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0  # all in the file
        yield FirstCrawl(server, path, run, list(server.site.requests))


def test_unchanged_forum_second_run_fetches_only_index_and_thread_lists(first_crawl, tmp_path):
    path = first_crawl.fresh_copy(tmp_path)
    server = first_crawl.server
    second = scrapy_crawl(server.url, f"sqlite:///{path}")
    assert second.returncode == 0, second.stderr[-2000:]
    assert "'finish_reason': 'finished'" in second.stderr
    assert thread_pages(server.site.requests) == []
    assert list_pages(server.site.requests) == list_pages(first_crawl.requests)
    threads = len(demo_forum().threads())
    assert (stat(second, "threads_skipped"), stat(second, "threads_grown"), stat(second, "threads_new")) == (threads, 0, 0)
    assert stat(first_crawl.run, "threads_new") == threads
    print(f"\nrequests: first run {len(first_crawl.requests)}, second run {len(server.site.requests)}")


def test_second_state_fetches_only_changed_pages_and_stores_the_changes(first_crawl, tmp_path):
    path = first_crawl.fresh_copy(tmp_path)
    server = first_crawl.server
    before = dict(sqlite_rows(path, "SELECT engine_post_id, clean_text FROM posts"))

    server.site.forum = demo_forum_after()
    run = scrapy_crawl(server.url, f"sqlite:///{path}")
    assert run.returncode == 0, run.stderr[-2000:]

    after = demo_forum_after()
    grown, new = after.thread(CHANGES.grown_thread_id), after.thread(CHANGES.new_thread_id)
    site = server.site
    # only the grown thread's last stored page and its new page, and the new thread, are fetched
    assert thread_pages(site.requests) == sorted([site.thread_url(grown, 4), site.thread_url(grown, 5),
                                                  site.thread_url(new)])
    # the request count: robots.txt, the index and thread lists (one more: the list that grew), 3 thread pages
    assert len(site.requests) == 1 + len(list_pages(first_crawl.requests)) + 1 + 3, site.requests
    assert (stat(run, "threads_grown"), stat(run, "threads_new")) == (1, 1)
    assert stat(run, "threads_skipped") == len(demo_forum().threads()) - 1

    rows = sqlite_rows(path, "SELECT engine_post_id, deleted, clean_text FROM posts")
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)), "a post was stored twice"
    assert set(ids) == set(before) | {str(i) for i in CHANGES.new_post_ids}
    deleted = {pid for pid, flag, _ in rows if flag}
    assert deleted == {str(CHANGES.deleted_post_id)}, "the deleted post is flagged, not erased"
    text = {pid: t for pid, _, t in rows}
    assert "cockpit drain hose" in text[str(CHANGES.edited_post_id)]
    revisions = sqlite_rows(path, "SELECT p.engine_post_id, r.clean_text FROM post_revisions r "
                                  "JOIN posts p ON p.id = r.post_id")
    assert revisions == [(str(CHANGES.edited_post_id), before[str(CHANGES.edited_post_id)])]
    titles = {t for (t,) in sqlite_rows(path, "SELECT title FROM threads")}
    assert new.title in titles


def test_since_bounds_what_is_fetched(first_crawl, tmp_path):
    path = first_crawl.fresh_copy(tmp_path)
    server = first_crawl.server
    server.site.forum = demo_forum_after()
    # since the day of the grown thread's last post: only the two changed threads are newer
    grown = demo_forum_after().thread(CHANGES.grown_thread_id)
    since = grown.posts[-1].posted_at.date().isoformat()
    run = scrapy_crawl(server.url, f"sqlite:///{path}", "-a", f"since={since}")
    assert run.returncode == 0, run.stderr[-2000:]
    assert stat(run, "threads_before_since") > 0
    # a thread list whose rows are all older than `since` is not paged further
    assert "/forums/news-politics.2/page-2" not in server.site.requests
    assert {r.split("/")[2] for r in thread_pages(server.site.requests)} <= {
        grown.slug + f".{grown.thread_id}", "spring-launch-checklist.112"}


def test_full_fetches_every_page_again(first_crawl, tmp_path):
    path = first_crawl.fresh_copy(tmp_path)
    server = first_crawl.server
    full = scrapy_crawl(server.url, f"sqlite:///{path}", "-a", "full=1")
    assert full.returncode == 0
    assert stat(full, "threads_new") == len(demo_forum().threads())  # full: every thread, whole
    forum = demo_forum()
    assert len(thread_pages(server.site.requests)) == sum(pages(t.posts, forum.posts_per_page) for t in forum.threads())


def test_the_crawl_summary_accounts_for_every_post_read(first_crawl, tmp_path):
    # `forumsift crawl` said "10 posts (8 new, 1 changed)": the post re-read unchanged on the grown
    # thread's last stored page, and the post gone from that page, went unsaid.
    path = first_crawl.fresh_copy(tmp_path)
    first_crawl.server.site.forum = demo_forum_after()
    run = forumsift("crawl", first_crawl.server.url, "--db", f"sqlite:///{path}",
                    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0")
    assert run.returncode == 0, run.stderr[-2000:]
    m = re.search(r"(\d+) posts \((\d+) new, (\d+) changed, (\d+) unchanged; (\d+) gone from the forum, "
                  r"flagged deleted\)", run.stdout)
    assert m, run.stdout
    read, new, changed, unchanged, gone = map(int, m.groups())
    assert read == new + changed + unchanged
    assert (new, changed, gone) == (len(CHANGES.new_post_ids), 1, 1)


def test_stats_count_each_run_s_posts_after_a_later_run_changed_some(first_crawl, tmp_path):
    # `forumsift stats` counted the posts whose latest version a run wrote: once the second run
    # stored the edited post, the first run read 80 posts instead of the 81 it stored
    import db

    path = first_crawl.fresh_copy(tmp_path)
    first_crawl.server.site.forum = demo_forum_after()
    assert scrapy_crawl(first_crawl.server.url, f"sqlite:///{path}").returncode == 0
    store = db.open(f"sqlite:///{path}")
    runs = {r["id"]: r["posts"] for r in store.stats()["runs"]}
    store.close()
    first, second = sorted(runs)
    assert runs[first] == len(demo_forum().posts())
    assert runs[second] == len(CHANGES.new_post_ids) + 1  # the new posts and the edited one
