"""vBulletin 5.x (vBulletin Connect).

Markup of the vB5 default theme: `meta[name=generator][content^="vBulletin 5"]`, `body#vb-page-body`,
posts `li.b-post.js-post[data-node-id]` (schema.org `DiscussionForumPosting` / `Comment`), the
author in `.b-userinfo__details .author a` (`span[itemprop=name]`), `.usertitle`, the date in
`time[itemprop=dateCreated][datetime]` — local server time **without a zone** ("2015-12-21T09:30:00",
read in the site's timezone setting) — the number in `a.b-post__count`, the body
`div.js-post__content-text[itemprop=text]`, quotes in vB4's `bbcode_container` markup, the
signature `div.post-signature`. Forum pages list `tr.topic-item[data-node-id]`. URLs are paths:
`/forum/section/forum-slug/123-thread-slug/page2`.
"""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from parsel import Selector

from crawler.engines.base import Page, first_attr
from crawler.engines.vbulletin4 import VBulletin4
from normalize.model import RawPost


class VBulletin5(VBulletin4):
    name = "vbulletin5"
    label = "vBulletin 5"
    SELECTORS = {
        **VBulletin4.SELECTORS,
        "post": "li.b-post.js-post[data-node-id] || li.b-post[data-node-id]",
        "post_id": "@data-node-id",
        "author": ".b-userinfo__details .author [itemprop=name] || .b-userinfo__details .author a "
                  "|| .b-userinfo__details .author",
        "author_url": ".b-userinfo__details .author a::attr(href)",
        "author_title": ".b-userinfo__details .usertitle || .b-userinfo__rank",
        "date_attr": "time[itemprop=dateCreated]::attr(datetime) || .b-post__timestamp time::attr(datetime)",
        "date_text": ".b-post__timestamp time || .b-post__timestamp",
        "edited_attr": ".post-edit-info time::attr(datetime)",
        "edited_text": ".post-edit-info",
        "position": "a.b-post__count",
        "body": "div.js-post__content-text[itemprop=text] || div.js-post__content-text",
        "signature": "div.post-signature",
        "title": "h1.main-title",
        "breadcrumbs": "#breadcrumbs li.crumb a.crumb-link",
        "next_page": "a.right-arrow[href]::attr(href) || a.js-pagenav-next-button[href]::attr(href)",
        "thread_row": "tr.topic-item[data-node-id]",
        "row_link": "a.topic-title::attr(href)",
        "row_title": "a.topic-title",
        "row_replies": "td.cell-count .posts-count",
        "row_last_post_text": "td.cell-lastpost .post-date",
        "thread_link": "tr.topic-item a.topic-title::attr(href)",
        "forum_link": "a.forum-title::attr(href) || a.subforum-title::attr(href)",
    }
    POST_ID_PATTERN = r"^(\d+)$"
    THREAD_ID_PATTERN = r"/(\d+)-[^/]*$"
    PAGE_NUMBER_PATTERN = r"/page(\d+)/?$"

    def detect(self, page: Page) -> float:
        score = 0.0
        if page.generator.startswith("vBulletin 5"):
            score += 0.6
        if page.xpath("/html/body[@id='vb-page-body']"):
            score += 0.2
        if not score:
            return 0.0  # neither marker: the rest cannot reach the threshold
        if page.css("li.b-post[data-node-id], tr.topic-item[data-node-id], tr.forum-item[data-channel-id]"):
            score += 0.2
        if any(name.startswith("bb") for name in page.cookies):
            score += 0.1
        return min(score, 1.0)

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        post = super().parse_post(node, page)
        if post is not None:
            m = re.search(r"/member/(\d+)", post.author_url or "")
            post.author_id = m.group(1) if m else None
            zoneless = first_attr(node, self.sel.get("date_attr"))
            if post.posted_at and zoneless and self.timezone_name and _has_no_zone(zoneless):
                # vB5 prints server-local time without a zone: read it in the site's timezone
                local = datetime.fromisoformat(zoneless).replace(tzinfo=ZoneInfo(self.timezone_name))
                post.posted_at = local.astimezone(post.posted_at.tzinfo)
        return post

    last_page_url = None  # not known whether vB5 clamps /pageN: resume at the stored page instead

    def canonical_thread_url(self, url: str) -> str:
        return re.sub(r"/page\d+/?$", "", url.split("#", 1)[0].split("?", 1)[0])

    def thread_id(self, url: str) -> str | None:
        m = re.search(self.THREAD_ID_PATTERN, self.canonical_thread_url(url))
        return m.group(1) if m else None

    def page_number(self, url: str) -> int:
        m = re.search(self.PAGE_NUMBER_PATTERN, url.split("?", 1)[0])
        return int(m.group(1)) if m else 1


def _has_no_zone(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?", value.strip()))
