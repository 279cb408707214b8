"""Invision Community (IPS 4.x and 5.x: engine `invision4`) and its predecessor IP.Board 3.x (`ipb3`).

IPS 4/5 (checked on saved IPS 4.7 and 5.0 topics): `body.ipsApp[data-pageapp]`, posts
`article[id^=elComment_]` (IPS 5 adds `.ipsEntry`), author `.cAuthorPane_author` /
`.ipsEntry__username`, dates `time[datetime]` (ISO UTC), body `[data-role=commentContent]`, quotes
`blockquote.ipsQuote[data-ipsquote-username][data-ipsquote-contentcommentid]` with
`.ipsQuote_citation` and `.ipsQuote_contents`, signature `[data-role=memberSignature]`, the
"Edited … by …" line `[data-excludequote]` inside the body (taken out, its time kept as edited_at),
reactions `.ipsReact_reactCount`. Pages are `/page/N/`; posts carry no number, so positions come
from the page number and `data-ipsPagination-perPage` (25 when the page has no pagination).
Thread lists: IPS 4 `li.ipsDataItem[data-rowid]` rows.

IP.Board 3 (from the 3.4 skin templates, skin_topic `post()`): `body#ipboard_body`, posts
`div.post_block[id^=post_id_]`, author `span.author.vcard`, date `abbr.published[title]` (ISO),
post number `span.post_id a` ("#3"), body `div.post.entry-content`, quotes
`blockquote.ipsBlockquote[data-author][data-cid]`, the "This post has been edited by X: date" note
`p.edit` (text date only), signature `div.signature`, member title `p.member_title`. Topic lists
are `tr.__topic` rows with `a.topic_title`, their last-post time as text ("Today, 10:15 AM").
"""
from __future__ import annotations

import re

from parsel import Selector

from crawler.engines.base import Engine, Page, first_attr, first_text, to_int
from normalize.model import RawPost

_IPS_QUOTE = "blockquote[contains(concat(' ', normalize-space(@class), ' '), ' ipsQuote ')]"
_IPB3_QUOTE = "blockquote[contains(concat(' ', normalize-space(@class), ' '), ' ipsBlockquote ')]"


class Invision(Engine):
    name = "invision4"
    label = "Invision Community 4 and 5"
    DETECT_FIRST = True
    SELECTORS = {
        "post": "article[id^='elComment_']",
        "post_id": "@id",
        "author": "h3.cAuthorPane_author a || h3.cAuthorPane_author || h3.ipsEntry__username > a "
                  "|| .ipsEntry__username",
        "author_url": ".cAuthorPane_author a::attr(href) || .ipsEntry__username a::attr(href)",
        # a member's own title first, then the rank, then the group ("Member", "Silver Partner")
        "author_title": "li[data-role=rank-title] || li[data-role=group] || .ipsEntry__author-column .ipsEntry__group "
                        "|| .ipsEntry__group",
        "date_attr": ".ipsComment_meta time::attr(datetime) || .ipsEntry__date time::attr(datetime) "
                     "|| .ipsEntry__meta time::attr(datetime)",
        "date_text": ".ipsComment_meta time || .ipsEntry__date time",
        "edited_attr": "[data-excludequote] time::attr(datetime)",
        "body": "[data-role=commentContent]",
        "quote": f".//{_IPS_QUOTE}[not(ancestor::{_IPS_QUOTE})]",
        "quote_author_attr": "@data-ipsquote-username",
        "quote_author_text": ".ipsQuote_citation",
        "quote_post_id_attr": "@data-ipsquote-contentcommentid",
        "quote_body": ".ipsQuote_contents",
        # the "Edited … by …" line; adverts the nbEnhancedAdverts plugin puts inside posts
        "remove": "[data-excludequote], .ipsQuote_citation, [data-nbenhadv], script, style, noscript",
        "signature": "[data-role=memberSignature] [data-ipslazyload], [data-role=memberSignature] .ipsType_richText "
                     "|| [data-role=memberSignature]",
        "likes": ".ipsReact_reactCount",
        "title": "h1.ipsType_pageTitle || h1[data-ips-hook=title] || h1.ipsPageHeader__title",
        "breadcrumbs": "(//nav[contains(@class, 'ipsBreadcrumb')])[1]//li/a[not(@title='Home')]",
        "next_page": "li.ipsPagination_next:not(.ipsPagination_inactive) a::attr(href) "
                     "|| li.ipsPagination__next:not(.ipsPagination__inactive) a::attr(href)",
        "thread_row": "li.ipsDataItem[data-rowid]",
        "row_link": "h4.ipsDataItem_title a[href*='/topic/']::attr(href) || .ipsDataItem_title a::attr(href)",
        "row_title": "h4.ipsDataItem_title span.ipsType_break a || h4.ipsDataItem_title a",
        "row_replies": "ul.ipsDataItem_stats li:first-child .ipsDataItem_stats_number",
        "row_last_post_attr": "ul.ipsDataItem_lastPoster time::attr(datetime)",
        "thread_link": "h4.ipsDataItem_title a[href*='/topic/']::attr(href)",
        "forum_link": "h4.ipsDataItem_title a[href*='/forum/']::attr(href) || ul.ipsDataItem_subList a::attr(href)",
    }
    POST_ID_PATTERN = r"elComment_(\d+)"
    AUTHOR_ID_PATTERN = r"/profile/(\d+)"  # profile URLs are /profile/{member id}-{name}/
    THREAD_ID_PATTERN = r"/topic/(\d+)"
    PAGE_NUMBER_PATTERN = r"/page/(\d+)|[?&]page=(\d+)"
    PER_PAGE_DEFAULT = 25  # IPS's posts per page out of the box

    def detect(self, page: Page) -> float:
        # it runs on every page: every IPS page has body.ipsApp, an anchored XPath; the source is
        # searched only after that hit
        if not page.xpath("/html/body[contains(concat(' ', normalize-space(@class), ' '), ' ipsApp ')]"):
            return 0.0
        score = 0.5
        if page.xpath("/html/body[@data-pageapp]"):
            score += 0.2
        text = page.body_text
        if "elComment_" in text or "commentContent" in text or "forums.front.forum.topicRow" in text:
            score += 0.2
        if "elCopyright" in text or "Invision Community" in text:
            score += 0.2
        if any(name.startswith("ips4_") for name in page.cookies):
            score += 0.2
        return min(score, 1.0)

    def page_number(self, url: str) -> int:
        m = re.search(self.PAGE_NUMBER_PATTERN, url)
        return int(m.group(1) or m.group(2)) if m else 1

    def first_position(self, page: Page) -> int:
        # the HTML parser lower-cases attribute names: data-ipsPagination-perPage too
        per_page = to_int(first_attr(page, "(//@data-ipspagination-perpage)[1]"))
        return (self.page_number(page.url) - 1) * (per_page or self.PER_PAGE_DEFAULT) + 1

    def canonical_thread_url(self, url: str) -> str:
        url = url.split("#", 1)[0]
        url = re.sub(r"[?&](?:do=findComment|comment=|page=)[^#]*$", "", url)
        return re.sub(r"page/\d+/?$", "", url)

    def last_page(self, page: Page) -> int | None:
        return to_int(first_attr(page, "(//@data-ipspagination-pages)[1]")) or 1


class IPBoard3(Engine):
    name = "ipb3"
    label = "IP.Board 3"
    SELECTORS = {
        "post": "div.post_block[id^='post_id_']",
        "post_id": "@id",
        "author": "span.author.vcard [itemprop=name] || span.author.vcard",
        "author_url": "span.author.vcard a::attr(href)",
        "author_title": "p.member_title || .author_info .desc.member_title",
        "date_attr": "abbr.published::attr(title)",
        "date_text": "abbr.published || p.posted_info",
        # "This post has been edited by Harald: 21 December 2015 - 10:12 AM"
        "edit_note": "p.edit",
        "body": "div.post.entry-content",
        "quote": f".//{_IPB3_QUOTE}[not(ancestor::{_IPB3_QUOTE})]",
        "quote_author_attr": "@data-author",
        "quote_author_text": "p.citation",
        "quote_post_id_attr": "@data-cid",
        "remove": "p.edit, p.citation, script, style",
        "signature": "div.signature",
        "likes": ".rep_bar .reputation",
        "position": "span.post_id a",
        "title": "h1.ipsType_pagetitle",
        "breadcrumbs": "(//ol[contains(@class, 'breadcrumb')])[1]/li[position() > 1]//span[@itemprop='title']",
        "next_page": "li.next a::attr(href)",
        "thread_row": "tr.__topic",
        "row_link": "a.topic_title::attr(href)",
        "row_title": "a.topic_title",
        "row_replies": "td.col_f_views li:first-child",
        "row_last_post_text": "ul.last_post a[title='Go to last post']",
        "thread_link": "a.topic_title::attr(href)",
        "forum_link": "td.col_c_forum h4 a::attr(href) || td.col_c_forum ol.subforums a::attr(href)",
    }
    POST_ID_PATTERN = r"post_id_(\d+)"
    AUTHOR_ID_PATTERN = r"/user/(\d+)"  # profile URLs are /user/{member id}-{name}/
    THREAD_ID_PATTERN = r"/topic/(\d+)|showtopic=(\d+)"
    PAGE_NUMBER_PATTERN = r"/page-(\d+)"

    def detect(self, page: Page) -> float:
        if not page.xpath("/html/body[@id='ipboard_body']"):  # every IP.Board 3 skin has it
            return 0.0
        score = 0.4
        text = page.body_text
        if ("post_block" in text and "post_id_" in text) or "topic_title" in text or "col_c_forum" in text:
            score += 0.4
        if "<!--post:" in text:
            score += 0.2
        if "invisionpower.com" in text:
            score += 0.2
        return min(score, 1.0)

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        post = super().parse_post(node, page)
        note = re.search(r":\s*(.+)$", first_text(node, self.sel.get("edit_note")) or "")
        if post is not None and note:  # the date follows the editor's name and a colon
            post.edited_at = self.parse_date_text(note.group(1), page)
        return post

    def thread_id(self, url: str) -> str | None:
        m = re.search(self.THREAD_ID_PATTERN, url)
        return (m.group(1) or m.group(2)) if m else None

    def canonical_thread_url(self, url: str) -> str:
        return re.sub(r"page-\d+/?$", "", url.split("#", 1)[0])
