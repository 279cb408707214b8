"""Reddit comment pages, new (shreddit web components) and old (old.reddit.com) markup.

A submission's comment page is one thread: the submission, then its comments.
- New reddit: `shreddit-post[id=t3_…][author][created-timestamp]`, title `h1[slot=title]`, self text
  `[slot=text-body] .md`; link posts show their link's domain. Comments (`shreddit-comment`) are
  loaded by script and are mostly absent from saved pages.
- Old reddit: `div.thing[data-fullname]` (t3_ the submission, t1_ comments, nested inside their
  parent's `.child`), author `a.author`, date `time[datetime]`, body `.usertext-body .md` of the
  thing's own `.entry`.
Markdown quotes (`>`, a `blockquote` in the body) are the post's quotes, with no author.
A submission's title is its headline and, for a link post, all it says: it is kept at the head of
the submission's body so the submission is readable on its own.
"""
from __future__ import annotations

import re
from html import escape

from parsel import Selector

from crawler.engines.base import Engine, Page, first_attr, first_text
from normalize.model import RawPost

_ENTRY = "./div[contains(concat(' ', normalize-space(@class), ' '), ' entry ')]"


class Reddit(Engine):
    name = "reddit"
    label = "Reddit (new and old)"
    SELECTORS = {
        "post": "shreddit-post, shreddit-comment || "
                "//div[contains(concat(' ', normalize-space(@class), ' '), ' thing ')][@data-fullname]"
                "[@data-type='link' or @data-type='comment']",
        "post_id": "@id || @thingid || @data-fullname",
        "author": "@author || @data-author",
        "author_url": f"{_ENTRY}//a[contains(@class,'author')]/@href",
        "date_attr": "@created-timestamp || @data-timestamp || " f"{_ENTRY}//time/@datetime",
        "body": "[slot=text-body] .md || [slot=comment] || "
                f"{_ENTRY}//div[contains(@class,'usertext-body')]//div[contains(@class,'md')] || {_ENTRY} "
                "|| ./self::shreddit-post",  # a link post has no text of its own
        # Markdown `>` quotes (of the linked article, of a parent comment): quotes with no author
        "quote": ".//blockquote[not(ancestor::blockquote)]",
        "likes": "@score || @data-score",
        "title": "shreddit-post h1[slot=title] || shreddit-post::attr(post-title) || #siteTable .thing.link a.title",
        "breadcrumbs": "shreddit-post::attr(subreddit-prefixed-name) || .redditname a::text",
        "next_page": "span.next-button a::attr(href)",
        "thread_link": "shreddit-post::attr(permalink) || a.comments::attr(href)",
    }
    POST_ID_PATTERN = r"(t\d_\w+)"
    THREAD_ID_PATTERN = r"/comments/(\w+)"

    def detect(self, page: Page) -> float:
        score = 0.0
        if not page.contains("<shreddit-", "siteTable", "commentarea"):
            return 0.0  # cheap gate: new Reddit's custom elements, old Reddit's comment area
        if page.xpath("//shreddit-app | //shreddit-post"):
            score += 0.8
        elif page.xpath("//div[@id='siteTable' or @class='commentarea']"
                        "//div[contains(@class,'thing')][starts-with(@data-fullname,'t')]"):
            score += 0.7
        if score and re.match(r"https?://([\w-]+\.)*reddit\.com/", page.url):
            score += 0.2
        return min(score, 1.0)

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        post = super().parse_post(node, page)
        if post is None or not post.post_id.startswith("t3_"):
            return post
        # the submission: its headline (and a link post's domain) head the body
        title = first_text(node, "h1[slot=title] || @post-title || " f"{_ENTRY}//a[contains(@class,'title')]")
        domain = first_text(node, "@domain || @data-domain")
        own_text = post.body_html if node.css("[slot=text-body]") or node.xpath(_ENTRY + "//div[contains(@class,'md')]") else ""
        link = f"<p>{escape(domain)}</p>" if domain and not domain.startswith("self.") else ""
        post.body_html = (f"<p>{escape(title)}</p>" if title else "") + own_text + link
        return post

    def forum_path(self, page: Page) -> list[str]:
        subreddit = first_attr(page, self.sel.get("breadcrumbs"))
        return [subreddit] if subreddit else []

    def canonical_thread_url(self, url: str) -> str:
        m = re.match(r"(https?://[^/]+/r/\w+/comments/\w+)", url)
        return (m.group(1) + "/") if m else url.split("#", 1)[0]
