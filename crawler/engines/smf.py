"""Simple Machines Forum: SMF 2.0/2.1 (and ElkArte, an SMF 2.0 fork) and SMF 1.x.

SMF 2.1 markup from Themes/default/{Display,MessageIndex,BoardIndex,index}.template.php and
Sources/Subs.php: JS `smf_scripturl`, `div#forumposts`, posts `div.windowbg#msg{ID} > div.post_wrapper`
with `div.poster` (h4 author link, `li.title`, `li.membergroup` / `li.postgroup`), the visible date in
`div.postinfo a.smalltext` (no machine date: "June 04, 2024, 11:23:55 AM", "Today at 09:30:12 AM",
"21. Dezember 2015, 09:30:00" on a German board), body `div.inner#msg_{ID}`, quotes
`blockquote > cite` ("Quote from: X on DATE", linked to `msg=ID`), `div.signature`,
`#modified_{ID}` ("Last Edit: DATE by X"), `li.like_count`. SMF 2.0 has the same ids, the date in
`div.keyinfo .smalltext` ("« Reply #1 on: DATE »") and quotes as `div.quoteheader` + blockquote.
Topic pages are `?topic=ID.START` (START counts posts) or `/topic,ID.START.html`.
SMF 1.x (table layout): posts in `form#quickModForm`, one `td.windowbg` per post with `a[name=msgID]`.
ElkArte keeps SMF's `#forumposts`, `msg_ID` and `.poster` vocabulary (its JS var is `elk_scripturl`).
"""
from __future__ import annotations

import re
from datetime import datetime

from crawler.engines.base import Engine, Page, ThreadPage, first_text, to_int
from normalize.model import RawQuote

_SCRIPT_MARKER = "//script[contains(., 'smf_scripturl') or contains(., 'elk_scripturl')]"
_CREDIT = "//a[contains(@href, 'simplemachines.org') or contains(@href, 'elkarte.net')][contains(@title, 'Simple Machines') or contains(@title, 'ElkArte') or contains(., 'SMF') or contains(., 'ElkArte')]"


class _SMFCommon(Engine):
    """Topic URLs, dates and quote headers, the same in every SMF version."""

    THREAD_ID_PATTERN = r"topic[=,](\d+)"
    AUTHOR_ID_PATTERN = r"[?;&]u=(\d+)|/profile/u,(\d+)"

    def thread_id(self, url: str) -> str | None:
        m = re.search(self.THREAD_ID_PATTERN, url)
        return m.group(1) if m else None

    def canonical_thread_url(self, url: str) -> str:
        url = url.split("#", 1)[0]
        url = re.sub(r"PHPSESSID=[^;&]*[;&]?", "", url)
        url = re.sub(r"(topic[=,]\d+)\.(?:\d+|msg\d+|new)", r"\1.0", url)
        url = re.sub(r"(topic=\d+\.0)[;&].*$", r"\1", url)
        return re.sub(r"[?&;]+$", "", url)

    def first_position(self, page: Page) -> int:
        m = re.search(r"topic[=,]\d+\.(\d+)", page.url)
        return int(m.group(1)) + 1 if m else 1

    def page_number(self, url: str) -> int:
        return 1  # START counts posts; `thread` reads the current page from the page itself

    def thread(self, page: Page) -> ThreadPage:
        result = super().thread(page)
        result.page_number = to_int(first_text(page, self.sel.get("current_page"))) or 1
        return result

    def thread_title(self, page: Page) -> str | None:
        title = super().thread_title(page)
        if title:  # SMF 2.0 / 1.x headers: "Topic: TITLE  (Read 123 times)"
            title = re.sub(r"^\s*Topic:\s*", "", title)
            title = re.sub(r"\s*\((?:Read|Gelesen)\s+[\d,.]+\s+\w+\)\s*$", "", title)
        return title

    def parse_date_text(self, text: str, page: Page) -> datetime | None:
        # "« Reply #3 on: DATE »", "Last Edit: DATE by X", "« Letzte Änderung: DATE von X »"
        text = text.strip(" «»\u00ab\u00bb")
        text = re.sub(r"^.*?\b(?:on|am|Last Edit|Letzte Änderung)\s*:\s*", "", text, flags=re.I)
        text = re.sub(r"\s+(?:by|von)\s+\S.*$", "", text)
        return super().parse_date_text(text.strip(" «»"), page)

    def parse_quote(self, q) -> RawQuote:
        quote = super().parse_quote(q)
        if quote.author:  # "Quote from: X on June 09, 2024, 03:29:46 AM" -> X
            author = re.sub(r"^(?:Quote from|Zitat von)\s*:\s*", "", quote.author, flags=re.I)
            author = re.sub(r"\s+(?:on|am)\s+\S.*\d.*$", "", author)
            quote.author = None if author.lower().rstrip(":") in {"quote", "zitat"} else author.strip() or None
        return quote


class SMF2(_SMFCommon):
    name = "smf2"
    label = "SMF 2.x / ElkArte"
    SELECTORS = {
        "post": "//div[@id='forumposts']//div[contains(concat(' ', normalize-space(@class), ' '), ' post_wrapper ')] "
                "|| //div[@id='forumposts']//*[contains(concat(' ', normalize-space(@class), ' '), ' post_wrapper ')]",
        "post_id": ".//div[starts-with(@id, 'msg_')][@data-msgid]/@data-msgid || .//div[starts-with(@id, 'msg_')]/@id",
        "author": "div.poster h4 a || div.poster h4 || .poster .name a",
        "author_url": "div.poster h4 a::attr(href)",
        "author_title": "div.poster li.title || div.poster li.membergroup || div.poster li.postgroup",
        "date_text": ".postinfo a.smalltext || .keyinfo .smalltext",
        "edited_text": "[id^='modified_']",
        "body": ".//div[contains(@class, 'inner')][starts-with(@id, 'msg_')] || .//div[starts-with(@id, 'msg_')]",
        "quote": ".//blockquote[not(ancestor::blockquote)]",
        "quote_author_text": "./cite || ./preceding-sibling::div[contains(@class, 'quoteheader')][1]",
        "quote_post_id_attr": "./cite/a/@href || ./preceding-sibling::div[contains(@class, 'quoteheader')][1]//a/@href",
        "quote_remove": "./cite",
        "signature": "div.signature",
        "remove": ".quoteheader, .quotefooter, .codeheader > a, script, style",
        "likes": "li.like_count",
        "title": "#top_subject || .navigate_section li.last a || #forumposts h3.catbg",
        "breadcrumbs": "(//div[contains(@class, 'navigate_section')])[1]//li/a[contains(@href, 'board=') or contains(@href, '/board,')]",
        "next_page": "(//div[contains(@class, 'pagelinks')]//span[contains(@class, 'current_page')]/following-sibling::a[1]/@href)[1] "
                     "|| (//div[contains(@class, 'pagelinks')]//strong/following-sibling::a[1]/@href)[1]",
        "current_page": ".pagelinks span.current_page || .pagelinks strong",
        "thread_row": "#topic_container > div || #messageindex table.table_grid tbody tr",
        "row_link": ".message_index_title span[id^='msg_'] a::attr(href) || span[id^='msg_'] a::attr(href)",
        "row_title": ".message_index_title span[id^='msg_'] a || span[id^='msg_'] a",
        "row_replies": ".board_stats p || td.stats || .stats",
        "row_last_post_text": "./div[contains(@class, 'lastpost')]/p/a[1] || .//td[contains(@class, 'lastpost')]/a[1]",
        "thread_link": "span[id^='msg_'] a[href*='topic']::attr(href)",
        "forum_link": "a[id^='b'][href*='board=']::attr(href) || a.subject[name^='b']::attr(href) "
                      "|| [id$='_children'] a[href*='board=']::attr(href)",
    }

    def detect(self, page: Page) -> float:
        if not page.contains("_scripturl"):
            return 0.0  # cheap gate: SMF and ElkArte always define smf_scripturl / elk_scripturl
        score = 0.0
        if page.xpath(_SCRIPT_MARKER):
            score += 0.45
        if page.xpath(_CREDIT):
            score += 0.15
        if page.css("img#smflogo, link[rel=contents]"):
            score += 0.05
        if any(n.startswith(("SMFCookie", "ElkArteCookie")) for n in page.cookies):
            score += 0.1
        if page.css("#quickModForm a[name^='msg']"):
            return 0.0  # SMF 1.x table layout: its own engine
        if page.css("#forumposts .post_wrapper, #topic_container, #boardindex_table, #messageindex, .navigate_section"):
            return min(score + 0.3, 1.0)
        return min(score, 0.4)  # SMF without 2.x page structure: 1.x or a theme we cannot read


class SMF1(_SMFCommon):
    """SMF 1.0/1.1 default theme: tables, one `td.windowbg` per post with `a[name=msgID]`."""

    name = "smf1"
    label = "SMF 1.x"
    SELECTORS = {
        "post": "//form[@id='quickModForm']//td[a[starts-with(@name, 'msg')]]",
        "post_id": "./a[starts-with(@name, 'msg')]/@name",
        "author": ".//td[@rowspan='2']//b/a[contains(@href, 'action=profile')] || .//td[@rowspan='2']//b",
        "author_url": ".//td[@rowspan='2']//b/a/@href",
        "author_title": ".//td[@rowspan='2']/div[@class='smalltext']/text()[normalize-space()][1]",
        "date_text": ".//div[starts-with(@id, 'subject_')]/following-sibling::div[@class='smalltext'][1] "
                     "|| .//div[@class='smalltext'][contains(., '»')]",
        "edited_text": "[id^='modified_']",
        "body": ".//div[@class='post'][starts-with(@id, 'msg_')] || .//div[starts-with(@id, 'msg_')]",
        "quote": ".//div[@class='quote'][not(ancestor::div[@class='quote'])]",
        "quote_author_text": "./preceding-sibling::div[@class='quoteheader'][1]",
        "quote_post_id_attr": "./preceding-sibling::div[@class='quoteheader'][1]//a/@href",
        "signature": "div.signature",
        "remove": ".quoteheader, .codeheader > a, script, style",
        "title": "#top_subject || (//div[@class='nav'])[1]/b[last()]/a || #forumposts td.catbg",
        "breadcrumbs": "(//div[@class='nav'])[1]//a[contains(@href, 'board=') or contains(@href, '/board,')]",
        "next_page": "(//td[@class='middletext']/b/following-sibling::a[1][contains(@class, 'navPages')]/@href)[1]",
        "current_page": "(//td[@class='middletext']/b)[1]",
        "thread_row": "//table[contains(@class, 'bordercolor')]//tr[td/span[starts-with(@id, 'msg_')]]",
        "row_link": ".//span[starts-with(@id, 'msg_')]/a/@href",
        "row_title": ".//span[starts-with(@id, 'msg_')]/a",
        "row_replies": "./td[5]",
        "row_last_post_text": "./td[last()]/span[@class='smalltext']/text()[normalize-space()][1]",
        "thread_link": ".//span[starts-with(@id, 'msg_')]/a/@href",
        "forum_link": "//a[starts-with(@name, 'b')][contains(@href, 'board=')]/@href "
                      "|| //div[@class='smalltext']/a[contains(@href, 'board=')][not(contains(@href, 'action='))]/@href",
    }

    def detect(self, page: Page) -> float:
        if not page.contains("_scripturl"):
            return 0.0  # cheap gate, as for SMF 2
        if page.css("#forumposts .post_wrapper, #topic_container, #boardindex_table, .navigate_section"):
            return 0.0  # SMF 2 markup
        score = 0.0
        if page.xpath(_SCRIPT_MARKER):
            score += 0.4
        if page.xpath(_CREDIT):
            score += 0.15
        if page.css("#quickModForm a[name^='msg'], table.bordercolor span[id^='msg_'], a[name^='b'][href*='board=']"):
            score += 0.35
        if any(n.startswith("SMFCookie") for n in page.cookies):
            score += 0.1
        return min(score, 1.0)
