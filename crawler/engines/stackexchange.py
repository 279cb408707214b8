"""Stack Exchange Q&A sites (Stack Overflow, Super User, Server Fault, Ask Ubuntu, *.stackexchange.com).

A question page is one "thread": the question (`#question[data-questionid]`) then its answers
(`.answer[data-answerid]`), bodies in `.js-post-body`. Each post has one or two
`.post-signature` blocks: the owner's ("asked"/"answered", always the last one) and, when someone
edited it, the editor's ("edited", carrying the edit time). Dates are `span.relativetime[title]`
("2011-02-11 23:49:17Z"). Markdown quotes (`>`) are the post's quotes, with no author. Comments
under posts are not posts of the thread and are left out.
Question lists (`/questions`, tag pages) link `a.s-link` inside `.s-post-summary`.
"""
from __future__ import annotations

import re

from crawler.engines.base import Engine, Page

_SIGNATURE = "(.//div[contains(concat(' ', normalize-space(@class), ' '), ' post-signature ')])"
_OWNER = f"{_SIGNATURE}[last()]"


class StackExchange(Engine):
    name = "stackexchange"
    label = "Stack Exchange (Q&A)"
    SELECTORS = {
        "post": "#question, div.answer[id^='answer-']",
        # older saved pages lack data-*id; the timeline link (/posts/N/timeline) carries the id
        "post_id": "@data-questionid || @data-answerid || .//a[contains(@class,'js-post-issue')]/@href || @id",
        "author": f"{_OWNER}//div[contains(@class,'user-details')]/a || {_OWNER}//div[contains(@class,'user-details')]"
                  f"//*[@itemprop='name']/@content || {_OWNER}//div[contains(@class,'user-details')]/text()",
        "author_url": f"{_OWNER}//div[contains(@class,'user-details')]/a/@href",
        "author_title": f"{_OWNER}//span[contains(@class,'reputation-score')]",
        "date_attr": f"{_OWNER}//span[contains(@class,'relativetime')]/@title || .//time[@itemprop='dateCreated']/@datetime",
        "edited_attr": f"{_SIGNATURE}[position() < last()]//span[contains(@class,'relativetime')]/@title",
        "body": ".js-post-body || .s-prose",
        # Markdown `>` quotes (of docs, of the question): kept as quotes with no author, not lost
        "quote": ".//blockquote[not(ancestor::blockquote)]",
        "likes": ".js-vote-count::attr(data-value) || .js-vote-count",
        "title": "#question-header h1 a || #question-header h1",
        "breadcrumbs": ".post-taglist .post-tag || .js-post-tag-list-wrapper .post-tag",
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
        if page.css(".s-post-summary, .js-post-body"):
            score += 0.15
        host = re.sub(r"^https?://([^/]+).*", r"\1", page.url)
        if host.endswith(("stackexchange.com", "stackoverflow.com", "superuser.com", "serverfault.com",
                          "askubuntu.com", "mathoverflow.net")):
            score += 0.2
        return min(score, 1.0)

    def canonical_thread_url(self, url: str) -> str:
        m = re.match(r"(.*?/questions/\d+)(?:/[^/?#]*)?", url)
        return m.group(1) if m else url.split("#", 1)[0]
