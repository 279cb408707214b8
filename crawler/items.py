"""What the spider yields: one `ThreadPageItem` per thread page, its posts with their thread and
forum context. One item per page, not per post: Scrapy's per-item machinery (spider middlewares,
pipelines, signals) costs as much as reading a short post."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from normalize.model import CleanPost, RawPost


@dataclass(slots=True)
class ThreadPageItem:
    site_url: str
    engine: str
    thread_url: str
    page_url: str
    posts: list[RawPost]
    thread_id: str | None = None
    thread_title: str | None = None
    forum_path: list[str] = field(default_factory=list)
    page_number: int | None = None
    fetched_at: datetime | None = None
    # each post's clean text, in the order of `posts`: from the page reader, or NormalizePipeline
    clean: list[CleanPost] | None = None
