"""NodeBB 3.x/4.x (Harmony and Persona themes: both tag their parts with `component=` attributes).

Posts `li[component=post][data-pid]` carry the post id, author, author id, a millisecond
timestamp and a 0-based `data-index` (position = index + 1); body `[component="post/content"]`,
signature `[component="post/signature"]`, edits `[component="post/editor"] .timeago[title]`
("Invalid Date" when never edited), votes `[component="post/vote-count"][data-votes]`, group
badges as the author's title. Federated (ActivityPub) posts have a URL as `data-pid`; the
status number at its end is the id. A quote is a Markdown blockquote after a paragraph
"@name said in <a href=/post/ID>topic</a>:", which names the quoted author and post.
Category pages list topics as `li[component="category/topic"]`, the index lists categories as
`li[component="categories/category"]`; pages are `?page=N` with `link[rel=next]`.
"""
from __future__ import annotations

import re

from parsel import Selector

from crawler.engines.base import Engine, Page
from normalize.model import RawPost, RawQuote

_ATTRIBUTION = re.compile(r"^\s*@?(.+?) (?:said|wrote|a dit|schrieb|написал) in .*:\s*$", re.S)


class NodeBB(Engine):
    name = "nodebb"
    label = "NodeBB"
    SELECTORS = {
        "post": "li[component=post][data-pid]",
        "post_id": "@data-pid",
        "author": "@data-username || [itemprop=author] meta[itemprop=name]::attr(content)",
        "author_id": "@data-uid",
        "author_url": ".post-header a[data-username]::attr(href) "
                      "|| [itemprop=author] meta[itemprop=url]::attr(content)",
        "author_title": ".post-header a.badge .badge-text || .post-header .badge",
        "date_attr": "@data-timestamp || meta[itemprop=datePublished]::attr(content)",
        "edited_attr": "[component='post/editor'] .timeago::attr(title)",
        "body": "[component='post/content']",
        "quote": ".//blockquote[not(ancestor::blockquote)]",
        "signature": "[component='post/signature']",
        "likes": "[component='post/vote-count']::attr(data-votes)",
        "remove": "script, style",
        "title": "h1 [component='topic/title'] || [component='topic/title'] || h1[component='post/header']",
        # every crumb but Home and the current page
        "breadcrumbs": "(//ol[contains(@class, 'breadcrumb')])[1]"
                       "/li[not(@component='breadcrumb/current')][position() > 1]//a//*[@itemprop='name']",
        "next_page": "[component=pagination] li.next:not(.disabled) a::attr(href)",
        "thread_row": "li[component='category/topic']",
        "row_link": "[component='topic/header'] a::attr(href)",
        "row_title": "[component='topic/header'] a",
        "row_replies": "[component='topic/post-count'] || .stats-postcount [title]",
        "row_last_post_attr": "[component='topic/teaser'] .timeago::attr(title)",
        "thread_link": "[component='topic/header'] a::attr(href)",
        "forum_link": "li[component='categories/category'] h2 a::attr(href)",
    }
    POST_ID_PATTERN = r"(\d+)\s*$"
    THREAD_ID_PATTERN = r"/topic/(\d+)"
    PAGE_NUMBER_PATTERN = r"[?&]page=(\d+)"

    def detect(self, page: Page) -> float:
        # it runs on every page: NodeBB's body carries a page-status-{code} class (an anchored
        # XPath); the source is searched only after that hit
        if not page.xpath("/html/body[contains(@class, 'page-status-')]"):
            return 0.0
        score = 0.2
        text = page.body_text
        if any(f'<li component="{part}"' in text for part in ("post", "category/topic", "categories/category")):
            score += 0.6
        if 'component="topic/title"' in text or 'component="post/content"' in text:
            score += 0.2
        if "nodebb" in text or "NodeBB" in text:
            score += 0.2
        if "express.sid" in page.cookies:
            score += 0.1
        return min(score, 1.0)

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        post = super().parse_post(node, page)
        index = node.attrib.get("data-index", "")
        if post is not None and index.isdigit():
            post.position = int(index) + 1  # data-index counts from 0
        return post

    def parse_quote(self, q: Selector) -> RawQuote:
        """The paragraph before the blockquote says who is quoted and links the post; it goes
        with the quote (this runs on the body's copy, so dropping it there is safe)."""
        quote = super().parse_quote(q)
        before = q.root.getprevious()
        if before is not None and before.tag == "p":
            m = _ATTRIBUTION.match(before.text_content())
            if m:
                quote.author = m.group(1).strip()
                link = before.xpath(".//a[contains(@href, '/post/')]/@href")
                pid = re.search(r"/post/(\d+)", link[0]) if link else None
                quote.post_id = pid.group(1) if pid else None
                before.getparent().remove(before)  # its tail is the line break before the quote
        return quote

    def canonical_thread_url(self, url: str) -> str:
        url = url.split("#", 1)[0].split("?", 1)[0]
        m = re.match(r"(.*?/topic/\d+(?:/[^/]+)?)", url)
        return m.group(1) if m else url
