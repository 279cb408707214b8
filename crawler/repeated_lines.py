"""Lines a site repeats in many of its posts ("Sent from my phone using Tapatalk", a pasted
disclaimer), learned during the crawl and taken out of the posts' clean text.

The store keeps, per site, on how many posts each line was seen (`Store.count_lines`); this class
counts every post's lines (`normalize.line_keys`), writes the counts every `flush_every` posts,
and reloads only the lines frequent enough to matter, so memory stays bounded on huge forums.
Reading those lines back scans the site's counts, so a big site reloads them less often: after
every tenth more posts (at most `max_reload_every`), and counts the posts in between itself.
Posts crawled before a line became frequent keep it; `forumsift` re-normalizes from raw text.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from normalize.boilerplate import line_keys, strip_repeated_lines
from normalize.fixlog import Context
from normalize.model import CleanPost


class RepeatedLines:
    def __init__(self, store: Any, site_url: str, share: float, min_posts: int = 20, flush_every: int = 500,
                 max_reload_every: int = 5000):
        self.store = store
        self.site_url = site_url
        self.share = share
        self.min_posts = min_posts
        self.flush_every = flush_every
        self.max_reload_every = max_reload_every
        self.pending: list[list[str]] = []  # line keys of the posts not yet written to the store
        self.recent: Counter[str] = Counter()  # counts of the posts since the last reload
        self.recent_posts = 0
        self.frequent: dict[str, int] = {}
        self.posts_seen = 0
        # the highest count in `frequent` and in `recent`: while their sum is not above the share of
        # the posts, no line can be, and a post's text needs no look (most posts of most sites)
        self.frequent_max = self.recent_max = 0
        self._reload()

    def _reload(self) -> None:
        threshold = max(2, int(self.share * self.posts_seen))
        self.frequent, self.posts_seen = self.store.line_counts(self.site_url, min_count=threshold)
        self.recent, self.recent_posts = Counter(), 0
        self.frequent_max, self.recent_max = max(self.frequent.values(), default=0), 0

    def strip(self, clean: CleanPost) -> None:
        """Count the post's lines, then drop those the site repeats in more than `share` of its posts."""
        keys = list(line_keys(clean.text))
        self.pending.append(keys)
        recent = self.recent
        recent.update(keys)  # distinct already: as the store counts, posts a line is on
        self.recent_max = max(self.recent_max, max((recent[k] for k in keys), default=0))
        self.recent_posts += 1
        posts = self.posts_seen + self.recent_posts
        if posts >= self.min_posts and self.frequent_max + self.recent_max > self.share * posts:
            ctx = Context()
            text = strip_repeated_lines(clean.text, _Sum(self.frequent, recent), posts, self.share, self.min_posts,
                                        ctx)
            if text != clean.text:
                clean.text = text.strip()
                clean.fixes.extend(ctx.fixes)
        if len(self.pending) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.store.count_lines(self.site_url, self.pending)
            self.pending = []
            if self.recent_posts >= min(self.max_reload_every, max(self.flush_every, self.posts_seen // 10)):
                self._reload()


class _Sum(Mapping):
    """Two count mappings read as one (stored counts + counts not yet stored)."""

    def __init__(self, a: Mapping[str, int], b: Mapping[str, int]):
        self.a, self.b = a, b

    def __getitem__(self, key: str) -> int:
        return self.a.get(key, 0) + self.b.get(key, 0)

    def __iter__(self) -> Iterator[str]:
        return iter({**self.a, **self.b})

    def __len__(self) -> int:
        return len({**self.a, **self.b})
