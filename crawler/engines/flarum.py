"""Flarum 1.x: the no-JS view for words, the page's JSON:API payload for everything else.

Every Flarum page carries `noscript#flarum-content` (what visitors without JavaScript see: a
discussion's posts as `article` with `h3.PostUser-name` and `.Post-body`, or a list of discussion
links with "Next Page" on index and tag pages) and `script#flarum-json-payload`, the JSON:API
document the app boots from: the discussion (title, tags), its posts (id, number, createdAt,
editedAt, likes, user) and their users. The no-JS view has no ids or dates, so each article is
matched, in order, with the next loaded post of the same author in the payload. Quotes are
`blockquote` whose `a.PostMention[data-id]` names the quoted post and its author; reply mentions
("@name" as a PostMention link) stay part of the text. Discussion URLs are `/d/{id}-{slug}`, pages
`?page=N` with `link[rel=next]`; the no-JS index lists every discussion (reply count and last post
time come from the payload's discussions), so no tag page needs a visit. Tags are the forums (the forum path: a child tag after its parent).
"""
from __future__ import annotations

import json
import re
from typing import Any

import lxml.html
from parsel import Selector

from crawler.engines import dates
from crawler.engines.base import Engine, Page, ThreadLink, ThreadPage, first_text
from normalize.model import RawPost

_CONTENT = "noscript#flarum-content"


class Flarum(Engine):
    name = "flarum"
    label = "Flarum"
    SELECTORS = {
        "post": f"{_CONTENT} article",
        "author": "h3.PostUser-name",
        "body": ".Post-body",
        "quote": ".//blockquote[not(ancestor::blockquote)]",
        "quote_author_text": "a.PostMention",
        "quote_post_id_attr": "a.PostMention::attr(data-id)",
        # the quote's header: the mention naming the quoted member that opens its first paragraph
        "quote_remove": "./div/p[1]/a[@data-id][1]",
        "remove": "script, style",
        "title": f"{_CONTENT} h1",
        "thread_link": f"{_CONTENT} li a[href*='/d/']::attr(href)",
        "next_page": f"{_CONTENT} a[href*='page=']::attr(href)",
    }
    THREAD_ID_PATTERN = r"/d/(\d+)"
    PAGE_NUMBER_PATTERN = r"[?&]page=(\d+)"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._payload_posts: list[dict] = []  # the loaded posts of the page being read, in order
        self._users: dict[str, dict] = {}
        self._groups: dict[str, str | None] = {}  # user id -> first group's name

    def detect(self, page: Page) -> float:
        # it runs on every page: Flarum's body opens with div#app.App (an anchored XPath); the
        # source is searched only after that hit
        if not page.xpath("/html/body/div[@id='app']"):
            return 0.0
        score = 0.0
        text = page.body_text
        if 'id="flarum-json-payload"' in text:
            score += 0.7
        if 'id="flarum-content"' in text or 'id="flarum-loading"' in text:
            score += 0.3
        if "flarum_session" in page.cookies:
            score += 0.1
        return min(score, 1.0)

    def thread_links(self, page: Page) -> list[ThreadLink]:
        """The no-JS list's discussion links, with reply count and last post time from the payload."""
        links = super().thread_links(page)
        data = self._document(page).get("data")
        listed = {str(d.get("id")): d.get("attributes") or {} for d in data or [] if isinstance(d, dict)} \
            if isinstance(data, list) else {}
        for link in links:
            attrs = listed.get(link.thread_id or "", {})
            if isinstance(attrs.get("commentCount"), int):
                link.replies = attrs["commentCount"] - 1
            link.last_post_at = dates.parse_machine(attrs.get("lastPostedAt"))
            link.title = attrs.get("title") or link.title
        return links

    def next_page(self, page: Page) -> str | None:
        href = page.css("link[rel=next]::attr(href)").get()
        if href:
            return page.absolute(href)
        # the no-JS list's "Next Page" link (its "Previous Page" link comes first on later pages)
        for link in page.css(self.sel["next_page"].replace("::attr(href)", "")):
            if "next" in " ".join(link.css("::text").getall()).lower():
                return page.absolute(link.attrib.get("href"))
        return None

    # -- the JSON:API payload -----------------------------------------------------------------
    def _document(self, page: Page) -> dict:
        raw = page.css("script#flarum-json-payload::text").get()
        try:
            return (json.loads(raw) if raw else {}).get("apiDocument") or {}
        except ValueError:
            return {}

    def thread(self, page: Page) -> ThreadPage:
        document = self._document(page)
        included = document.get("included") or []
        self._users = {u["id"]: u.get("attributes") or {} for u in included if u.get("type") == "users"}
        groups = {g["id"]: (g.get("attributes") or {}).get("nameSingular")
                  for g in included if g.get("type") == "groups"}
        # a member's first group badge ("Moderator", "Contributor") is the title the theme shows
        self._groups = {u["id"]: groups.get(refs[0]["id"]) for u in included if u.get("type") == "users"
                        and (refs := (((u.get("relationships") or {}).get("groups") or {}).get("data") or []))}
        posts = [p for p in included if p.get("type") == "posts"
                 and (p.get("attributes") or {}).get("contentType") == "comment"]
        self._payload_posts = sorted(posts, key=lambda p: (p.get("attributes") or {}).get("number") or 0)
        thread = super().thread(page)
        discussion = document.get("data") if isinstance(document.get("data"), dict) else {}
        if discussion.get("type") == "discussions":
            thread.title = (discussion.get("attributes") or {}).get("title") or thread.title
            thread.forum_path = self._tag_path(discussion, included)
        return thread

    def _tag_path(self, discussion: dict, included: list[dict]) -> list[str]:
        """The discussion's primary tag, after its parent: Flarum's forum path."""
        tags = {t["id"]: t for t in included if t.get("type") == "tags"}
        mine = [tags[r["id"]] for r in ((discussion.get("relationships") or {}).get("tags") or {}).get("data") or []
                if r.get("id") in tags]
        primary = [t for t in mine if (t.get("attributes") or {}).get("position") is not None] or mine
        children = [t for t in primary if (t.get("attributes") or {}).get("isChild")]
        tag = (children or primary or [None])[0]
        path: list[str] = []
        while tag is not None and len(path) < 5:
            path.insert(0, (tag.get("attributes") or {}).get("name") or "")
            parent = (((tag.get("relationships") or {}).get("parent") or {}).get("data") or {}).get("id")
            tag = tags.get(parent) if parent else None
        return [p for p in path if p]

    def _match(self, author: str | None, body: Selector) -> dict | None:
        """The next loaded post by `author` with the article's words (posts of other pages, or
        event posts, may sit in between); None when the payload has no such post."""
        words = _fingerprint(" ".join(body.xpath(".//text()").getall()))
        for i, post in enumerate(self._payload_posts):
            user_id = (((post.get("relationships") or {}).get("user") or {}).get("data") or {}).get("id")
            user = self._users.get(user_id or "", {})
            content = (post.get("attributes") or {}).get("contentHtml") or ""
            if author in (user.get("displayName"), user.get("username")) and \
                    _fingerprint(lxml.html.fromstring(f"<div>{content}</div>").text_content()) == words:
                del self._payload_posts[: i + 1]
                return post
        return None

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        body = node.css(self.sel["body"])
        author = first_text(node, self.sel["author"])
        meta = self._match(author, body[0]) if body else None
        if meta is None:
            return None  # without the payload there is no id to store the post under
        body_html, quotes = self.body_and_quotes(body[0], page)
        attrs = meta.get("attributes") or {}
        relations = meta.get("relationships") or {}
        user_id = ((relations.get("user") or {}).get("data") or {}).get("id")
        user = self._users.get(user_id or "", {})
        likes = (relations.get("likes") or {}).get("data")
        return RawPost(
            post_id=str(meta["id"]), body_html=body_html, position=attrs.get("number"), author=author,
            author_id=user_id, author_url=page.absolute(f"/u/{user['slug']}") if user.get("slug") else None,
            author_title=self._groups.get(user_id or ""), posted_at=dates.parse_machine(attrs.get("createdAt")),
            posted_at_raw=attrs.get("createdAt"), edited_at=dates.parse_machine(attrs.get("editedAt")),
            quotes=quotes, likes=attrs.get("likesCount", len(likes) if isinstance(likes, list) else None))

    def canonical_thread_url(self, url: str) -> str:
        url = url.split("#", 1)[0].split("?", 1)[0]
        m = re.match(r"(.*?/d/\d+[^/]*)", url)
        return m.group(1) if m else url

    def thread_id(self, url: str) -> str | None:
        m = re.search(self.THREAD_ID_PATTERN, url)
        return m.group(1) if m else None


def _fingerprint(text: str) -> str:
    """The first words of a text without any spacing: the same post read from HTML or JSON."""
    return re.sub(r"\s+", "", text)[:120]
