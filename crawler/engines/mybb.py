"""MyBB 1.8 (and the 1.6 table postbit).

Markup from MyBB's default theme templates (postbit, postbit_classic, postbit_posturl,
postbit_editedby, mycode_quote_post, showthread, forumdisplay_thread, forumbit_depth2_forum,
multipage) and inc/functions.php `my_date`: posts `div.post#post_{pid}` in `div#posts`, author
`.author_information .largetext a`, title `.author_information span.smalltext`, position
`.post_head .float_right a` ("#3"), body `div.post_body#pid_{pid}`, quotes
`blockquote.mycode_quote > cite` ("<span> (DATE)</span>X Wrote:" + a jump link to the post),
`div.signature`, smilies `img.smilie` (alt and title are the smilie's name, "Smile"), edit note `span.edited_post` ("(This post was last modified: DATE by X.)").
Dates are text only; relative ones ("Today", "Yesterday", "5 minutes ago") carry the absolute date
in a `span[title]`, with the time after it. URLs: `showthread.php?tid=N&page=2` or `thread-N-page-2.html`.
"""
from __future__ import annotations

import re
from datetime import datetime

from parsel import Selector

from crawler.engines.base import Engine, Page


class MyBB(Engine):
    name = "mybb"
    label = "MyBB"
    SELECTORS = {
        "post": "#posts div.post[id^='post_'] || #posts table[id^='post_']",
        "post_id": "@id",
        "author": ".author_information .largetext a || .author_information .largetext || .post_author strong",
        "author_url": ".author_information .largetext a::attr(href)",
        "author_title": ".author_information span.smalltext",
        "date_text": ".post_head span.post_date || span.post_date",
        "edited_text": "span.edited_post",
        "body": "div.post_body",
        "quote": ".//blockquote[not(ancestor::blockquote)]",
        "quote_author_text": "./cite/text()[normalize-space()][1]",
        "quote_post_id_attr": "./cite/a/@href",
        "quote_remove": "./cite, img.smilie",
        "signature": "div.signature",
        # a smilie's alt is its name ("Smile", "Big Grin"), not the code typed (":)"): it says nothing
        "remove": "script, style, img.smilie",
        "position": ".post_head .float_right a || .post_head strong a[href*='#pid']",
        "title": "(//div[@class='navigation'])[1]/span[@class='active'] || (//td[contains(@class, 'thead')]//strong)[1]",
        # the breadcrumb's own page-jump popup (`.pagination_breadcrumb`) is the forum's pagination
        "breadcrumbs": "(//div[@class='navigation'])[1]//a[not(ancestor::div[contains(@class, 'pagination')])]"
                       "[contains(@href, 'forumdisplay.php') or starts-with(@href, 'forum-') or contains(@href, '/forum-')]",
        "next_page": "(//a[contains(@class, 'pagination_next')][not(ancestor::*[contains(@class, 'pagination_breadcrumb')])])[1]/@href",
        "current_page": ".pagination .pagination_current",
        "thread_row": "tr.inline_row",
        "row_link": "span[id^='tid_'] > a::attr(href)",
        "row_title": "span[id^='tid_'] > a",
        "row_replies": "a[href*='whoPosted']",
        "row_last_post_text": "span.lastpost > span[title]::attr(title) || .//span[contains(@class, 'lastpost')]/text()[normalize-space()][1]",
        "thread_link": "span[id^='tid_'] > a::attr(href)",
        "forum_link": "//td/strong/a[contains(@href, 'forumdisplay.php?fid=') or starts-with(@href, 'forum-') "
                      "or contains(@href, '/forum-')]/@href "
                      "|| //td//div[contains(@class, 'smalltext')]//a[contains(@href, 'forumdisplay.php?fid=') "
                      "or starts-with(@href, 'forum-')]/@href",
    }
    THREAD_ID_PATTERN = r"[?&]tid=(\d+)|thread-(\d+)"
    AUTHOR_ID_PATTERN = r"user-(\d+)|[?&]uid=(\d+)"

    def detect(self, page: Page) -> float:
        text = page.body_text
        if "general.js" not in text and "MyBB" not in text:
            return 0.0  # cheap gate: every MyBB page loads jscripts/general.js; most credit MyBB
        score = 0.0
        if page.css("script[src*='jscripts/general.js']"):
            score += 0.3
        if page.xpath("//*[@id='copyright']//a[contains(@href, 'mybb.com')] | //a[contains(@href, 'mybb.com')][contains(., 'MyBB')]"):
            score += 0.3
        if page.css("#posts div.post[id^='post_'] .post_author, tr.inline_row span[id^='tid_'], div.navigation, "
                    "#posts table[id^='post_']"):
            score += 0.3
        if any(n.startswith(("mybb[", "mybbuser", "mybb")) for n in page.cookies):
            score += 0.1
        return min(score, 1.0)

    def thread_id(self, url: str) -> str | None:
        m = re.search(self.THREAD_ID_PATTERN, url.split("#", 1)[0])
        return next((g for g in m.groups() if g), None) if m else None

    def canonical_thread_url(self, url: str) -> str:
        url = url.split("#", 1)[0]
        url = re.sub(r"-(?:page-\d+|post-\d+|lastpost|newpost)(\.html)$", r"\1", url)
        return re.sub(r"[?&](?:page|pid|action)=[^&]*", "", url).replace(".php&", ".php?")

    def page_number(self, url: str) -> int:
        m = re.search(r"[?&]page=(\d+)|-page-(\d+)\.html", url)
        return int(next(g for g in m.groups() if g)) if m else 1

    def post_date(self, node: Selector, page: Page) -> tuple[datetime | None, str | None]:
        date = node.css("span.post_date")
        if not date:
            return super().post_date(node, page)
        # the date's own text, without the nested edit note; a relative date's span[title] holds
        # the absolute date and the time follows it ("<span title='02-24-2019'>Yesterday</span>, 05:31 PM")
        shown = " ".join(t.strip() for t in date[0].xpath("./text()").getall() if t.strip())
        absolute = date[0].xpath("./span[@title]/@title").get()
        text = f"{absolute} {shown}".strip(" ,") if absolute else shown
        return (self.parse_date_text(text, page), text) if text else (None, None)

    def parse_date_text(self, text: str, page: Page) -> datetime | None:
        # "(This post was last modified: 2024-01-05, 03:27 AM by X. Edited 1 time in total.)",
        # German "(Dieser Beitrag wurde zuletzt bearbeitet: 25.02.2019, 09:03 von X.)"
        m = re.search(r"(?:modified|bearbeitet):\s*(.+?)\s+(?:by|von)\s", text)
        if m:
            text = m.group(1)
        return super().parse_date_text(text.strip(" ,()"), page)
