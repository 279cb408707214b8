"""Vanilla Forums 2.x/3.x (open source; Keystone/Foundation themes share the Garden markup).

`body#vanilla_discussion_index.Vanilla` on discussion pages, `body#vanilla_categories_index` /
`#vanilla_discussions_index` on lists. The opening post is `div.ItemDiscussion#Discussion_{id}`,
replies `li.ItemComment#Comment_{id}`: discussions and comments are numbered separately, so the
opening post's id is `d{discussion id}` (comment ids stay as they are). Author `.Author
a.Username` (or the photo link's title), rank `.AuthorInfo .Rank` (its title attribute names it;
the text is often stars), date `.DateCreated time[datetime]`, edits `.DateUpdated[title]`
("Edited March 1, 2025 5:00PM by Linc."), body `.Message.userContent`. Quotes: BBCode/Markdown
`blockquote.Quote.UserQuote` with `.QuoteAuthor` and `.QuoteText`, rich-editor
`blockquote.blockquote` with `.blockquote-content` (no author). Pages are `/p2` with
`a.Next` in the `.Pager`; a comment's position is its permalink's `Item_N` name. Discussion lists
are `li.ItemDiscussion` rows, category lists `li.ItemCategory` with `a.Title`.
"""
from __future__ import annotations

import re
from datetime import datetime

from parsel import Selector

from crawler.engines import dates
from crawler.engines.base import Engine, Page, first_attr
from normalize.model import RawPost

# "Edited March 1, 2025 5:00PM by Linc." in the site's language (German, French, Spanish locale packs)
_EDITED = re.compile(r"^\s*(?:Edited|Bearbeitet|Modifié|Editado)\s+(.*?)(?:\s+(?:by|von|par|por)\s+.*)?\.?\s*$", re.S)


class Vanilla(Engine):
    name = "vanilla"
    label = "Vanilla Forums"
    SELECTORS = {
        "post": "div.ItemDiscussion[id^='Discussion_'], li.ItemComment[id^='Comment_']",
        "post_id": "@id",
        "author": ".Author a.Username || .Author a.PhotoWrap::attr(title) || .Username",
        "author_id": ".Author a[data-userid]::attr(data-userid)",
        "author_url": ".Author a::attr(href)",
        "author_title": ".AuthorInfo .Rank::attr(title) || .AuthorInfo .Rank || .AuthorInfo .RoleTitle",
        "date_attr": ".DateCreated time::attr(datetime)",
        "date_text": ".DateCreated time::attr(title) || .DateCreated",
        "edited_title": ".DateUpdated::attr(title)",
        "permalink_name": ".DateCreated a.Permalink::attr(name)",
        "body": ".Message.userContent || .Message",
        "quote": ".//blockquote[not(ancestor::blockquote)]",
        "quote_author_text": ".QuoteAuthor a || .QuoteAuthor",
        "quote_body": ".QuoteText || .blockquote-content",
        "remove": "script, style",
        "signature": ".UserSignature, .Signature",
        "likes": ".Reactions .Column-Score || .ReactButton-Like .Count",
        "title": "#Item_0 h1 || .PageTitle h1 || h1",
        "breadcrumbs": ".Breadcrumbs [itemprop=itemListElement] [itemprop=name]",
        "next_page": ".Pager a.Next::attr(href)",
        "thread_row": "li.ItemDiscussion[id^='Discussion_']",
        "row_link": ".Title a::attr(href)",
        "row_title": ".Title a",
        "row_replies": ".CommentCount .Number || .MItem.CommentCount",
        "row_last_post_attr": ".LastCommentDate time::attr(datetime) || .DiscussionLastComment time::attr(datetime)",
        "thread_link": "li.ItemDiscussion .Title a::attr(href)",
        "forum_link": "li.ItemCategory a.Title::attr(href)",
    }
    POST_ID_PATTERN = r"((?:Discussion|Comment)_\d+)"
    THREAD_ID_PATTERN = r"/discussion/(\d+)"
    PAGE_NUMBER_PATTERN = r"/p(\d+)/?$"

    def detect(self, page: Page) -> float:
        # it runs on every page: anchored XPaths on <body>; the source is searched only after a hit
        score = 0.0
        if page.xpath("/html/body[starts-with(@id, 'vanilla_')]"):
            score += 0.6
        if page.xpath("/html/body[contains(concat(' ', normalize-space(@class), ' '), ' Vanilla ')]"):
            score += 0.2
        if score and ("ItemDiscussion" in page.body_text or "ItemComment" in page.body_text):
            score += 0.2
        if any(name.startswith("Vanilla") for name in page.cookies):
            score += 0.1
        return min(score, 1.0)

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        post = super().parse_post(node, page)
        if post is None:
            return None
        kind, number = post.post_id.split("_", 1)
        # discussions and comments are numbered apart: the opening post is "d{discussion id}"
        post.post_id = f"d{number}" if kind == "Discussion" else number
        # a comment's permalink is named Item_{its number in the discussion}; the opening post is 1
        offset = re.fullmatch(r"Item_(\d+)", first_attr(node, self.sel.get("permalink_name")) or "")
        if kind == "Discussion":
            post.position = 1
        elif offset:
            post.position = int(offset.group(1)) + 1
        m = _EDITED.match(first_attr(node, self.sel.get("edited_title")) or "")
        post.edited_at = self.parse_date_text(m.group(1), page) if m else None
        return post

    def parse_date_text(self, text: str, page: Page) -> datetime | None:
        """Edit notes are in the site's language: `<html lang>` names it, which spares dateparser
        from trying every language it knows (the slow part)."""
        lang = (page.xpath("/html/@lang").get() or "").split("-")[0].lower()
        if not self.DATE_LANGUAGES and len(lang) == 2:
            parsed = dates.parse_text(text, languages=[lang], relative_base=page.fetched_at,
                                      timezone_name=self.timezone_name)
            if parsed:
                return parsed
        return super().parse_date_text(text, page)

    def canonical_thread_url(self, url: str) -> str:
        url = url.split("#", 1)[0].split("?", 1)[0]
        return re.sub(r"/p\d+/?$", "", url)
