"""Thread pages read in worker processes (crawler/page_reader.py) come back as the crawl process
itself would read them, also across the hand-over to a fresh worker."""
from __future__ import annotations

import asyncio

from crawler import page_reader
from crawler.page_reader import EngineSpec, PageJob, PageReader, read_thread
from fixtures.generated import make_generated_site, page_paths


def _jobs(count: int) -> list[PageJob]:
    site = make_generated_site(6)
    paths = [p for p in page_paths(site) if "/threads/" in p][:count]
    return [PageJob(url=f"http://127.0.0.1:8000{p}", html=site.handle(p).bytes().decode("utf-8")) for p in paths]


def _summary(read: page_reader.ReadPage) -> list[tuple]:
    assert read.thread is not None
    return [(p.post_id, p.author, p.posted_at, c.text, c.lang, [f.kind for f in c.fixes])
            for p, c in zip(read.thread.posts, read.clean)]


def test_workers_read_pages_as_the_crawl_process_does_across_fresh_workers(monkeypatch):
    monkeypatch.setattr(page_reader, "PAGES_PER_WORKER", 2)  # a fresh worker every second page
    jobs = _jobs(5)
    spec = EngineSpec("xenforo2")
    reader = PageReader(1)
    reader.start()

    async def read_all() -> list[page_reader.ReadPage]:
        return list(await asyncio.gather(*(reader.read(spec, job) for job in jobs)))

    try:
        read = asyncio.run(read_all())
    finally:
        reader.close()
    here = [read_thread(spec.build(), job.page(), True) for job in jobs]
    assert [_summary(r) for r in read] == [_summary(r) for r in here]
    assert all(r.thread.posts for r in read)
    assert [r.thread_url for r in read] == [r.thread_url for r in here]
