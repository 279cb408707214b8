"""Near-duplicate posts: the same text (a news article, a press release) pasted into several threads.

A batch step after the crawl (`forumsift dedupe`, `Store.dedupe()`), not part of ingestion, so that
crawling stays fast. Each post's key is the set of five-word shingles of its clean text (the text
holds only the post's own words: quotes and signatures are stored apart, so quoting an article
does not make a copy). MinHash LSH finds candidates; a candidate counts when its estimated Jaccard
similarity reaches THRESHOLD. The earliest post of a group is the original, the others get
`duplicate_of` pointing at it. Short posts ("Thanks!", "+1") are never linked: they say nothing
about copying.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import numpy as np
from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from db.models import Post

THRESHOLD = 0.8
NUM_PERM = 64
SHINGLE_WORDS = 5
MIN_WORDS = 30

_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[bytes]:
    """The post's five-word shingles; empty for a post too short to be a copy of anything."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return set()
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8") for i in range(len(words) - SHINGLE_WORDS + 1)}


def find_duplicates(posts: Iterable[tuple[int, str]]) -> Iterator[tuple[int, int]]:
    """(duplicate id, original id) for `posts` given as (id, text), originals first."""
    # imported here: datasketch brings SciPy, a second of start-up for every command that never dedups
    from datasketch import MinHash, MinHashLSH  # noqa: PLC0415

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    originals: dict[int, np.ndarray] = {}
    for post_id, text in posts:
        keys = shingles(text)
        if not keys:
            continue
        sketch = MinHash(num_perm=NUM_PERM)
        sketch.update_batch(list(keys))
        matches = [(float(np.mean(originals[c] == sketch.hashvalues)), c) for c in lsh.query(sketch)]
        best = max((m for m in matches if m[0] >= THRESHOLD), default=None)
        if best is not None:
            yield post_id, best[1]
        else:
            lsh.insert(post_id, sketch)
            originals[post_id] = sketch.hashvalues


def link_duplicates(conn: Connection) -> int:
    """Set `duplicate_of` on every post (recomputed from scratch); the number of duplicates."""
    rows = conn.execute(select(Post.id, Post.clean_text).where(Post.deleted.is_(False))
                        .order_by(Post.posted_at, Post.id), execution_options={"yield_per": 2000})
    links = list(find_duplicates((r.id, r.clean_text or "") for r in rows))
    conn.execute(update(Post).where(Post.duplicate_of.is_not(None)).values(duplicate_of=None))
    if links:
        stmt = update(Post).where(Post.id == bindparam("dup_id")).values(duplicate_of=bindparam("orig_id"))
        conn.execute(stmt, [{"dup_id": d, "orig_id": o} for d, o in links])
    return len(links)
