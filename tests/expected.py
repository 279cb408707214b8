"""What a crawl of a fixture forum must store, computed from fixtures.content."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import lxml.html

from fixtures.content import ForumSite, Post


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def body_text(post: Post) -> str:
    # a space at every tag: the fixture's bodies split words only at block boundaries
    return lxml.html.fromstring(f"<div>{post.body_html.replace('<', ' <')}</div>").text_content()


@dataclass
class ExpectedPost:
    post_id: str
    author: str
    author_title: str
    posted_at: str  # "YYYY-MM-DD HH:MM"
    thread_title: str
    forum: str
    words: list[str]
    special: bool  # the seed-like post, whose words the normalizer changes


def expected_posts(site: ForumSite, post_id: Callable[[Post], str] = lambda post: str(post.post_id)
                   ) -> dict[str, ExpectedPost]:
    """Every post of `site` by the id its engine stores it under (`post_id`)."""
    out = {}
    for thread in site.threads():
        for post in thread.posts:
            out[post_id(post)] = ExpectedPost(
                post_id(post), post.author.name, post.author.title,
                post.posted_at.strftime("%Y-%m-%d %H:%M"), thread.title, thread.forum.title,
                words(body_text(post)), "«" in post.body_html or "â€" in post.body_html)
    return out
