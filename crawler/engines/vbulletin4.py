"""vBulletin 4.x.

Markup of the vB4 default style: `html#vbulletin_html`, posts `ol#posts > li.postcontainer#post_{ID}`
(`postbitlegacy` or `postbitim` layouts), the author in `.username_container a.username strong`
(guests: `span.username.guest`), `span.usertitle`, the date as text in `.posthead .postdate .date`
("12-22-2015, 09:30 AM", "Today, 09:30 AM": vB4 has no machine dates either), the body in
`div#post_message_{ID} > blockquote.postcontent`, quotes `div.bbcode_container > .bbcode_quote`
with "Originally Posted by <strong>X</strong>" in `.bbcode_postedby` (code boxes share
`bbcode_container`, so the quote must hold `.bbcode_quote`), `blockquote.signature`, the edit note
`blockquote.lastedited` ("Last edited by X; 12-22-2015 at 10:12 AM."). Thread lists are
`ol#threads > li.threadbit`. URLs and date handling are vBulletin 3's.
"""
from __future__ import annotations

from crawler.engines.base import Page
from crawler.engines.vbulletin3 import VBulletin3

_QUOTE = "div[contains(@class,'bbcode_container')][div[contains(@class,'bbcode_quote')]]"


class VBulletin4(VBulletin3):
    name = "vbulletin4"
    label = "vBulletin 4"
    DETECT_FIRST = True
    SELECTORS = {
        "post": "ol#posts > li.postcontainer[id^='post_'] || li.postcontainer[id^='post_'] || li.postbitlegacy[id^='post_']",
        "post_id": "@id",
        "author": ".username_container .username strong || .username_container .username",
        "author_url": ".username_container a.username::attr(href)",
        "author_title": ".usertitle",
        "date_text": ".posthead .postdate .date || .posthead .postdate",
        "edited_text": ".lastedited",
        "position": "a.postcounter",
        "body": "div[id^='post_message_'] > blockquote.postcontent || div[id^='post_message_']",
        "quote": f".//{_QUOTE}[not(ancestor::{_QUOTE})]",
        "quote_author_text": ".bbcode_postedby strong",
        "quote_post_id_attr": ".bbcode_postedby a::attr(href)",
        "quote_body": ".message || .quote_container",
        "remove": "script, style, .bbcode_quote_container",
        "signature": "blockquote.signature .signaturecontainer || .signaturecontainer",
        "title": "span.threadtitle || .lastnavbit span",
        "breadcrumbs": "(//*[@id='breadcrumb'] | //*[contains(@class,'breadcrumb')])[1]//li[contains(@class,'navbit')]"
                       "[not(contains(@class,'lastnavbit'))]/a",
        "next_page": ".pagination a[rel=next]::attr(href) || .prev_next a[rel=next]::attr(href)",
        "thread_row": "ol#threads > li.threadbit || li.threadbit",
        "row_link": "h3.threadtitle a.title::attr(href)",
        "row_title": "h3.threadtitle a.title",
        "row_replies": "ul.threadstats li:first-child",
        "row_last_post_text": "dl.threadlastpost dd:last-child",
        "thread_link": "h3.threadtitle a.title::attr(href)",
        "forum_link": ".forumtitle a::attr(href) || ol.subforumlist a::attr(href)",
    }
    POST_ID_PATTERN = r"^post_(\d+)$"

    def detect(self, page: Page) -> float:
        score = 0.0
        if page.xpath("/html[@id='vbulletin_html']"):
            score += 0.6
        if page.generator.startswith("vBulletin 4"):
            score += 0.3
        if not score:
            return 0.0  # neither marker: the rest cannot reach the threshold
        if page.css("li.postcontainer[id^='post_'], ol#threads li.threadbit, ol#forums li.forumbit_nopost, "
                    "ol#forums li.forumbit_post, style#vbulletin_css"):
            score += 0.2
        if any(name in ("bb_sessionhash", "bb_lastvisit", "bblastvisit") for name in page.cookies):
            score += 0.1
        if page.generator.startswith("vBulletin 5"):
            return 0.0  # vBulletin 5 has its own engine
        return min(score, 1.0)
