"""Stack Exchange Q&A sites (Stack Overflow, Super User, Server Fault, Ask Ubuntu, *.stackexchange.com).

A question page is one "thread": the question (`#question[data-questionid]`) then its answers
(`.answer[data-answerid]`), bodies in `.js-post-body`. Each post has one or two
`.post-signature` blocks: the owner's ("asked"/"answered", always the last one) and, when someone
edited it, the editor's ("edited", carrying the edit time). Dates are `span.relativetime[title]`
("2011-02-11 23:49:17Z"). Markdown quotes (`>`) are the post's quotes, with no author. Comments
under posts are not posts of the thread and are left out.
Question lists (`/questions`, tag pages) link `a.s-link` inside `.s-post-summary`.

The signature blocks are found once per post and the author, reputation and dates read inside
them (`parse_post`): a selector that looked for "the post's last signature block" from the post
searched the whole post, body and comments, again for each of those five fields.
"""
from __future__ import annotations

import re

from parsel import Selector

from crawler.engines import dates
from crawler.engines.base import Engine, Page, first_attr, first_text, select
from normalize.model import RawPost

_HAS_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
_USER = ".//div[contains(@class,'user-details')]"
_RELATIVE_TIME = ".//span[contains(@class,'relativetime')]/@title"
_QUESTION_BODY = f"id('question')//*[{_HAS_CLASS.format('js-post-body')}]"


class StackExchange(Engine):
    name = "stackexchange"
    label = "Stack Exchange (Q&A)"
    SELECTORS = {
        # as "#question, div.answer[id^='answer-']", without a class test of every element of the page
        "post": f"(id('question') | /descendant::div[starts-with(@id, 'answer-')][{_HAS_CLASS.format('answer')}])",
        # older saved pages lack data-*id; the timeline link (/posts/N/timeline) carries the id
        "post_id": "@data-questionid || @data-answerid || .//a[contains(@class,'js-post-issue')]/@href || @id",
        # the post's signature blocks: an editor's ("edited") first, the owner's ("asked"/"answered") last
        "signatures": f".//div[{_HAS_CLASS.format('post-signature')}]",
        # read inside the owner's signature block (the last)
        "owner_author": f"{_USER}/a || {_USER}//*[@itemprop='name']/@content || {_USER}/text()",
        "owner_author_url": f"{_USER}/a/@href",
        "owner_author_title": ".//span[contains(@class,'reputation-score')]",
        "owner_date_attr": _RELATIVE_TIME,
        # read inside the blocks before it (an editor's)
        "editor_date_attr": _RELATIVE_TIME,
        # in the post, when the owner's block has no date
        "created_attr": ".//time[@itemprop='dateCreated']/@datetime",
        "body": ".js-post-body || .s-prose",
        # Markdown `>` quotes (of docs, of the question): kept as quotes with no author, not lost
        "quote": ".//blockquote[not(ancestor::blockquote)]",
        "likes": ".js-vote-count::attr(data-value) || .js-vote-count",
        # id() reads the document's id table; the CSS (#question-header h1) walked the whole page
        "title": "(id('question-header'))//h1//a || (id('question-header'))//h1",
        # the question's tags, looked for inside the question first (the whole page: older layouts)
        "breadcrumbs": f"(id('question'))//*[{_HAS_CLASS.format('post-taglist')}]//*[{_HAS_CLASS.format('post-tag')}]"
                       " || .post-taglist .post-tag || .js-post-tag-list-wrapper .post-tag",
        "next_page": ".s-pagination a[rel=next]::attr(href) || .s-pagination--item[rel=next]::attr(href)",
        "thread_row": ".s-post-summary",
        "row_link": ".s-post-summary--content-title a::attr(href)",
        "row_replies": ".s-post-summary--stats-item:nth-child(2) .s-post-summary--stats-item-number",
        "row_last_post_attr": ".s-user-card--time span.relativetime::attr(title)",
        "thread_link": "a.s-link[href*='/questions/']::attr(href)",
    }
    THREAD_ID_PATTERN = r"/questions/(\d+)"
    PAGE_NUMBER_PATTERN = r"[?&]page=(\d+)"

    def detect(self, page: Page) -> float:
        score = 0.0
        if page.xpath("/html[contains(@itemtype,'QAPage')]"):
            score += 0.15
        # id() reads the document's id table: no walk over every element
        if page.xpath("id('question')[self::div][contains(@class,'js-question')]"):
            score += 0.6
        elif not score:
            return 0.0  # neither a question page nor QAPage markup: skip the costlier checks
        # a question's body is found inside the question; only other pages are searched whole
        if page.xpath(_QUESTION_BODY) or page.css(".s-post-summary, .js-post-body"):
            score += 0.15
        host = re.sub(r"^https?://([^/]+).*", r"\1", page.url)
        if host.endswith(("stackexchange.com", "stackoverflow.com", "superuser.com", "serverfault.com",
                          "askubuntu.com", "mathoverflow.net")):
            score += 0.2
        return min(score, 1.0)

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        """The post as the base class reads it, then its author, reputation and dates from its
        signature blocks, found once (a field the selector overrides already read is kept)."""
        post = super().parse_post(node, page)
        if post is None:
            return None
        blocks = select(node, self.sel["signatures"])
        owner, editors = (blocks[-1], blocks[:-1]) if blocks else (None, [])
        posted = None
        if owner is not None:
            post.author = post.author or first_text(owner, self.sel.get("owner_author"))
            post.author_url = post.author_url or page.absolute(first_attr(owner, self.sel.get("owner_author_url")))
            post.author_title = post.author_title or first_text(owner, self.sel.get("owner_author_title"))
            posted = first_attr(owner, self.sel.get("owner_date_attr"))
        if post.posted_at_raw is None:
            posted = posted or first_attr(node, self.sel.get("created_attr"))
            post.posted_at, post.posted_at_raw = (dates.parse_machine(posted) if posted else None), posted
        if post.edited_at is None:
            edited = next((d for b in editors if (d := first_attr(b, self.sel.get("editor_date_attr")))), None)
            post.edited_at = dates.parse_machine(edited) if edited else None
        return post

    def next_page(self, page: Page) -> str | None:
        if not page.contains("s-pagination"):  # no pagination block (most question pages): rel=next only
            href = page.css("link[rel=next]::attr(href)").get()
            return page.absolute(href) if href else None
        return super().next_page(page)

    def canonical_thread_url(self, url: str) -> str:
        m = re.match(r"(.*?/questions/\d+)(?:/[^/?#]*)?", url)
        return m.group(1) if m else url.split("#", 1)[0]
