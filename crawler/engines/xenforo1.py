"""XenForo 1.x.

Markup from saved XF 1.x thread pages (stock and UI.X styles): `html#XenForo`, posts
`ol#messageList > li.message#post-N[data-author]` (ads are injected as `li.message` without an
id), bodies `blockquote.messageText` ending in `div.messageTextEndMarker`, quotes
`div.bbCodeQuote[data-author]` with `.attribution` ("X said: ↑") and `.quoteExpand` ("Click to
expand..."). Dates: recent posts `abbr.DateTime[data-time]` (unix time, shown as "Yesterday at
4:04 PM"), older ones `span.DateTime[title="May 26, 2025 at 11:12 PM"]` in the forum's timezone.
The post date sits in `.messageMeta` (stock) or `.messageDetails` (UI.X), after the author.
URLs are those of XenForo 2 (`/threads/slug.N/page-2`), so this engine reuses its URL handling.
"""
from __future__ import annotations

import re

from parsel import Selector

from crawler.engines.base import Page, first_attr, to_int
from crawler.engines.xenforo2 import XenForo2, reaction_count
from normalize.model import RawPost

_QUOTE = "div[contains(concat(' ', normalize-space(@class), ' '), ' bbCodeQuote ')]"


class XenForo1(XenForo2):
    name = "xenforo1"
    label = "XenForo 1"
    DETECT_FIRST = True
    SELECTORS = {
        "post": "ol#messageList > li.message[id^='post-']",
        "post_id": "@id",
        "author": "@data-author || .messageUserInfo .userText a.username",
        "author_url": ".messageUserInfo .userText a.username::attr(href)",
        "author_title": ".messageUserInfo .userTitle",
        "date_attr": ".messageMeta .item abbr.DateTime::attr(data-time) || .messageDetails .item abbr.DateTime::attr(data-time)",
        "date_text": ".messageMeta .item .DateTime::attr(title) || .messageDetails .item .DateTime::attr(title) "
                     "|| .messageMeta .item .DateTime || .messageDetails .item .DateTime",
        "edited_attr": ".editDate abbr.DateTime::attr(data-time)",
        "edited_text": ".editDate .DateTime::attr(title) || .editDate .DateTime",
        "body": ".messageContent blockquote.messageText || blockquote.messageText",
        "quote": f".//{_QUOTE}[not(ancestor::{_QUOTE})]",
        "quote_author_attr": "@data-author",
        "quote_author_text": ".attribution",
        "quote_post_id_attr": ".AttributionLink::attr(href)",
        "quote_body": ".quoteContainer .quote || .quoteContainer",
        "remove": ".messageTextEndMarker, .quoteExpand, .bbCodeSpoilerButton, script, style",
        "signature": ".signature .baseHtml || .baseHtml.signature || .signature",
        "likes": ".likesSummary .LikeText",
        "position": "a.postNumber",
        "title": ".titleBar h1",
        "title_prefix": ".titleBar h1 .prefix",
        "breadcrumbs": "(//span[contains(@class,'crumbs')])[1]//a[contains(@class,'crumb')]//span[@itemprop='title']",
        "next_page": "(//div[contains(@class,'PageNav')])[1]//a[contains(@class,'currentPage')]"
                     "/following-sibling::a[not(contains(@class,'text'))][1]/@href",
        "last_page": "div.PageNav::attr(data-last)",
        "thread_row": "li.discussionListItem[id^='thread-']",
        "row_link": "h3.title a.PreviewTooltip::attr(href) || h3.title a:not(.prefixLink)::attr(href)",
        "row_title": "h3.title a.PreviewTooltip || h3.title a:not(.prefixLink)",
        "row_replies": ".stats dl.major dd",
        "row_last_post_attr": ".lastPost abbr.DateTime::attr(data-time)",
        "row_last_post_text": ".lastPost .DateTime::attr(title) || .lastPost .DateTime",
        "thread_link": "li.discussionListItem h3.title a.PreviewTooltip::attr(href)",
        "forum_link": ".nodeList .nodeTitle a::attr(href)",
    }

    def detect(self, page: Page) -> float:
        if not page.xpath("/html[@id='XenForo']"):
            return 0.0  # without html#XenForo the other markers cannot reach the threshold
        score = 0.7
        if page.css("ol#messageList > li.message[data-author], li.discussionListItem, ol.nodeList"):
            score += 0.2
        if any(name.startswith("xf_") for name in page.cookies):
            score += 0.1
        return min(score, 1.0)

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        post = super().parse_post(node, page)
        if post is not None:
            # XF1 has no data-user-id: the id is the number at the end of the member URL
            m = re.search(r"\.(\d+)/?$", post.author_url or "")
            post.author_id = m.group(1) if m else None
        return post

    def likes_count(self, text: str | None) -> int | None:
        return reaction_count(re.sub(r"\s+likes? this\.?$", "", text)) if text else None

    def last_page(self, page: Page) -> int | None:
        return to_int(first_attr(page, self.sel.get("last_page"))) or 1
