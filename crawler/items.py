"""What the spider yields: one `PostItem` per post, with its thread and forum context."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from normalize.model import CleanPost, RawPost


@dataclass
class PostItem:
    site_url: str
    engine: str
    thread_url: str
    page_url: str
    post: RawPost
    thread_id: str | None = None
    thread_title: str | None = None
    forum_path: list[str] = field(default_factory=list)
    page_number: int | None = None
    fetched_at: datetime | None = None
    # words other posts of the same page use too: names and terms the glue step must not split
    shared_words: frozenset[str] = frozenset()
    clean: CleanPost | None = None  # set by NormalizePipeline
