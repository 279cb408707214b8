"""FluxBB 1.4/1.5 and its ancestor PunBB 1.2 (and PunBB 1.3/1.4's `brd` markup).

Markup from FluxBB's include/template/main.tpl and viewtopic.php / viewforum.php / index.php:
`div#punwrap` (`div.punwrap` on re-skinned boards such as bbs.archlinux.org), posts
`div.blockpost#p{ID}` whose `h2` holds the position (`span.conr` "#3") and the date link
("2025-11-01 15:14:37", "Today 10:15:00", "Yesterday 09:30:12"), author `.postleft dt strong`,
title `dd.usertitle`, body `div.postmsg` with the edit note `p.postedit` ("Last edited by X (DATE)"),
signature `div.postsignature`, quotes `div.quotebox > cite + blockquote`. Pages are `&p=N`.
PunBB 1.3/1.4 (`#brd-wrap`): posts `div.post#p{ID}`, `.posthead .post-num`, `.entry-content`.
"""
from __future__ import annotations

import re
from datetime import datetime

from crawler.engines.base import Engine, Page

_QUOTEBOX = "div[contains(concat(' ', normalize-space(@class), ' '), ' quotebox ')]"


class FluxBB(Engine):
    name = "fluxbb"
    label = "FluxBB / PunBB"
    SELECTORS = {
        "post": "div.blockpost[id^='p'] || #brd-main div.post[id^='p']",
        "post_id": "@id",
        "author": ".postleft dt strong || .postleft dt a || .posthead .post-byline strong || .author-ident .username",
        "author_url": ".postleft dt a::attr(href) || .author-ident .username a::attr(href)",
        "author_title": "dd.usertitle || .author-ident .usertitle",
        "date_text": "./h2//a[contains(@href,'#p')] || .posthead .post-link a",
        "edited_text": "p.postedit",
        "body": ".//div[contains(@class,'postmsg') and not(contains(@class,'postsignature'))] || .entry-content",
        "quote": f".//{_QUOTEBOX}[not(ancestor::{_QUOTEBOX})]",
        "quote_author_text": "./cite",
        "quote_body": "./blockquote/div || ./blockquote",
        # a quote's own "X wrote:" and the quotes nested in it (the body drops nested quotes too)
        "quote_remove": "./cite, div.quotebox",
        "signature": "div.postsignature || .sig-content",
        "remove": "p.postedit, div.postsignature, .sig-content, script, style",
        "position": "./h2//span[contains(@class,'conr')] || .posthead .post-num",
        "title": "(//ul[@class='crumbs'])[1]/li[last()]//a || #brd-crumbs-top p.crumbs span:last-child a "
                 "|| #brdmain .blockpost h3",
        "breadcrumbs": "(//ul[@class='crumbs'])[1]/li/a[contains(@href,'viewforum')] "
                       "|| (//div[@id='brd-crumbs-top']//a[contains(@href,'viewforum')])",
        "next_page": "p.pagelink a[rel=next]::attr(href) || .paging a[rel=next]::attr(href)",
        "current_page": "p.pagelink strong || .paging strong",
        "thread_row": "#vf tbody tr || #brd-main .main-item",
        "row_link": ".tclcon a[href*='viewtopic']::attr(href) || .item-subject a[href*='viewtopic']::attr(href)",
        "row_title": ".tclcon a[href*='viewtopic'] || .item-subject a[href*='viewtopic']",
        "row_replies": "td.tc2 || .info-replies strong",
        "row_last_post_text": "td.tcr a || .info-lastpost a",
        "thread_link": ".tclcon a[href*='viewtopic']::attr(href)",
        "forum_link": ".tclcon h3 a[href*='viewforum']::attr(href) || .item-subject h3 a[href*='viewforum']::attr(href) "
                      "|| .subforum-list a[href*='viewforum']::attr(href)",
    }
    THREAD_ID_PATTERN = r"[?&;]id=(\d+)"
    PAGE_NUMBER_PATTERN = r"[?&;]p=(\d+)"
    AUTHOR_ID_PATTERN = r"profile\.php\?id=(\d+)|user/(\d+)"

    def detect(self, page: Page) -> float:
        text = page.body_text
        if "punwrap" not in text and "brd-wrap" not in text:
            return 0.0  # cheap gate: FluxBB and PunBB 1.2 wrap pages in punwrap, PunBB 1.3+ in #brd-wrap
        score = 0.0
        if page.css("#punwrap, div.punwrap, #brd-wrap"):
            score += 0.5
        if page.css("#brdmain, #brdfooter, #brd-main, #punviewtopic, #punviewforum, #punindex"):
            score += 0.2
        if page.css("div.blockpost[id^='p'] .postleft, #vf .tclcon, #idx1 .tclcon, #brd-main div.post[id^='p']"):
            score += 0.2
        if page.xpath("//p[@id='poweredby']//a[contains(@href,'fluxbb') or contains(@href,'punbb')] "
                      "| //*[@id='brdfooter' or @id='brd-about']//a[contains(@href,'fluxbb') or contains(@href,'punbb')]"):
            score += 0.2
        if any(n.startswith(("pun_cookie", "fluxbb_cookie", "forum_cookie")) for n in page.cookies):
            score += 0.1
        return min(score, 1.0)

    def thread_id(self, url: str) -> str | None:
        m = re.search(self.THREAD_ID_PATTERN, url.split("#", 1)[0])
        return m.group(1) if m else None

    def canonical_thread_url(self, url: str) -> str:
        url = url.split("#", 1)[0]
        return re.sub(r"[&;]p=\d+", "", url)

    def parse_date_text(self, text: str, page: Page) -> datetime | None:
        # "Last edited by X (2025-11-01 15:15:18)", "Zuletzt bearbeitet von X (…)" -> the date in the parentheses
        m = re.search(r"\(([^()]*\d[^()]*)\)\s*$", text)
        if m:
            text = m.group(1)
        return super().parse_date_text(text, page)
