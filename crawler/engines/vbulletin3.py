"""vBulletin 3.x (and vB3-derived skins with vBSEO URLs).

vB3 has no machine-readable dates and few classes; its markers are ids: each post is
`table#post{ID}.tborder` (div-based modern skins: `div#post{ID}` holding `.tpost`) inside
`div#posts`, with `a.bigusername` in `div#postmenu_{ID}`, the rank in the next `div.smallfont`,
the number in `a#postcount{ID}`, the body in `div#post_message_{ID}`, the date as text in the
post's first `.thead` cell ("21.12.2015, 09:30", "Yesterday, 10:15 PM", "Heute, 09:12" — the
format is a site setting, in the board's language and timezone). Quotes are a `div` holding a
"Quote:" caption and an `.alt2` cell ("Originally Posted by <strong>X</strong>" + link to the
post); the signature follows the message after a `__________________` rule.
URLs: `showthread.php?t=N&page=2` (session ids `s=` stripped), vBSEO `/123-title.html` (thread id 123).
"""
from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from parsel import Selector

from crawler.engines.base import Engine, Page
from normalize.model import RawPost

# a div holding a caption (label / div.smallfont "Quote:") and the quoted cell (.alt2 table or div)
_QUOTE = ("div[*[1][self::div][label or contains(@class,'smallfont')]]"
          "[*[2][self::table or contains(@class,'alt2')]]")
_POST_ID = "starts-with(@id,'post') and translate(substring(@id,5),'0123456789','')='' and string-length(@id)>4"
_TIME = re.compile(r"^(.*?\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?)")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2,4})\b")
_DROP_PARAMS = {"s", "page", "highlight", "goto", "pp", "sort", "order"}


def vb_date_text(text: str) -> str:
    """A vBulletin date as dateparser reads it: only up to the time (thread rows append
    "by NAME"), the date part of edit notes, skins' '|' separators dropped, and day-first dotted dates ("05.01.2016", which
    every locale that writes dots reads day first) made ISO so they are not read as May 1st."""
    text = re.split(r"[;(]", text.replace("|", " "))[-1]  # edit notes: "Last edited by X; DATE", "von X (DATE)"
    m = _TIME.match(text.strip())
    text = m.group(1) if m else text
    return _DOTTED.sub(lambda d: f"{int(d.group(3)) + (2000 if len(d.group(3)) == 2 else 0)}-"
                                 f"{int(d.group(2)):02d}-{int(d.group(1)):02d}", text.strip())


class VBulletin3(Engine):
    name = "vbulletin3"
    label = "vBulletin 3"
    SELECTORS = {
        "post": f"//div[@id='posts']//*[self::table or self::div][{_POST_ID}] || //table[{_POST_ID}]",
        "post_id": "@id",
        "author": "a.bigusername || .//div[starts-with(@id,'postmenu_')][not(a)]",  # guests: plain text
        "author_url": "a.bigusername::attr(href)",
        "author_title": ".//div[starts-with(@id,'postmenu_')]/following-sibling::div[contains(@class,'smallfont')][not(div)]"
                        "[not(.//*[contains(@class,'threadstarter')])][1]",
        "date_text": "(.//*[contains(concat(' ',normalize-space(@class),' '),' thead ')])[1]",
        "edited_text": ".//div[contains(@class,'smallfont')][hr]/em",
        "position": "a[id^='postcount']",
        "body": "div[id^='post_message_']",
        "quote": f".//{_QUOTE}[not(ancestor::{_QUOTE})]",  # nested quotes stay inside the outer one
        "quote_author_text": "./*[contains(@class,'alt2')]/div[1]/strong || .//td[contains(@class,'alt2')]/div[1]/strong",
        "quote_post_id_attr": ".//*[contains(@class,'alt2')]/div[1]/a[contains(@href,'post')]/@href",
        "quote_body": "./*[contains(@class,'alt2')]/div[2] || .//td[contains(@class,'alt2')]/div[2] "
                      "|| ./*[contains(@class,'alt2')] || .//td[contains(@class,'alt2')]",
        "remove": "script, style",
        "signature": ".//div[starts-with(normalize-space(text()),'__________')]",
        "title": "//td[contains(@class,'navbar')]/strong || h1.threadtitle",
        "breadcrumbs": "//span[contains(@class,'navbar')]/a "
                       "|| //*[contains(@itemtype,'schema.org/BreadcrumbList')]//*[@itemprop='itemListElement']/a[@itemprop='item']",
        "next_page": "div.pagenav a[rel=next]::attr(href) || a#mb_pagenext[href^='http']::attr(href)",
        "thread_row": "//tbody[starts-with(@id,'threadbits_forum_')]/tr[.//a[starts-with(@id,'thread_title_')]]",
        "row_link": "a[id^='thread_title_']::attr(href)",
        "row_title": "a[id^='thread_title_']",
        "row_replies": "a[href*='do=whoposted'] || td[title]:not([id])::attr(title)",
        "row_last_post_text": "td[title]:not([id]) div.smallfont",
        "thread_link": "a[id^='thread_title_']::attr(href)",
        "forum_link": "//a[starts-with(@href,'forumdisplay.php') and ancestor::td[starts-with(@id,'f')]]/@href "
                      "|| //td[contains(@class,'alt1Active')]//a[contains(@href,'forumdisplay.php')]/@href",
    }
    POST_ID_PATTERN = r"^post(\d+)$"
    THREAD_ID_PATTERN = r"(?:[?&]t=|/)(\d+)(?:-[^/]*?)?(?:\.html)?$"
    PAGE_NUMBER_PATTERN = r"[?&]page=(\d+)"

    def detect(self, page: Page) -> float:
        if not page.contains("vbulletin_global.js", "vbulletin_menu.js", "vBulletin 3"):
            return 0.0  # cheap gate: the score needs the generator or vBulletin's scripts
        score = 0.0
        if page.generator.startswith("vBulletin 3"):
            score += 0.6
        if page.xpath("//script[contains(@src,'vbulletin_global.js') or contains(@src,'vbulletin_menu.js')]"):
            score += 0.3
        if page.css("div[id^='post_message_'], a[id^='thread_title_'], a.bigusername"):
            score += 0.2
        if any(name in ("bb_sessionhash", "bb_lastvisit", "bblastvisit") for name in page.cookies):
            score += 0.1
        if page.xpath("/html[@id='vbulletin_html']") or page.generator.startswith("vBulletin 4"):
            return 0.0  # vBulletin 4 has its own engine
        return min(score, 1.0)

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        post = super().parse_post(node, page)
        if post is not None:
            m = re.search(r"[?&]u=(\d+)", post.author_url or "")
            post.author_id = m.group(1) if m else None
        return post

    def parse_date_text(self, text: str, page: Page) -> datetime | None:
        return super().parse_date_text(vb_date_text(text), page)

    def canonical_thread_url(self, url: str) -> str:
        parts = urlsplit(url.split("#", 1)[0])
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in _DROP_PARAMS])
        # vBSEO page URLs ("/123-title-2.html") are left alone: "-2" may as well end the title
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))

    def last_page_url(self, thread_url: str) -> str:
        """vBulletin shows the last page for any page number past it (used by incremental crawls)."""
        url = self.canonical_thread_url(thread_url)
        return url + ("&" if "?" in url else "?") + "page=9999"

    def thread_id(self, url: str) -> str | None:
        m = re.search(self.THREAD_ID_PATTERN, self.canonical_thread_url(url))  # the id may be in the query
        return m.group(1) if m else None
