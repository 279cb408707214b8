"""XenForo 2.x (2.0–2.3).

Markup from XF 2.2 templates (PAGE_CONTAINER, post_macros, message_macros, bb_code_tag_quote,
page_nav, thread_list_macros): `html#XF`, posts `article.message.js-post[data-content=post-N]`,
dates `time.u-dt[datetime][data-time]`, quotes `blockquote.bbCodeBlock--quote` whose
`a.bbCodeBlock-expandLink` is the "Click to expand..." text. Pages are `/page-N`; `/page-9999`
redirects to a thread's last page (used by incremental crawls).

Variants seen on real forums, read by alternatives of the same selectors: XF 2.3 drops
`data-content`/`data-author` (posts are found by `id="js-post-N"`); "MessageCard" styles
(hosted car/watch/AV communities) wrap posts in `div.MessageCard` with their own author, date and
position classes; a few styles print the date as plain text, where the post's microdata
`datePublished` or the lightbox caption ("Author · Jul 5, 2024 at 5:39 PM") stands in. Reactions
show names ("A, B and 3 others"), counted by `reaction_count`.
"""
from __future__ import annotations

import re
from datetime import datetime

from crawler.engines.base import Engine, Page, _as_string, _matches, first_text, to_int

# what embeds add around a link or a video, in posts and in quotes alike: a link's preview card keeps
# the link (its title), not the linked page's snippet and host; the "View: URL" line some forums
# print under an embedded video or post goes, also under the s9e media add-on's embeds (a tweet's
# empty <span data-s9e-mediaembed>, a line break, then the line)
_EMBED_CHROME = (".bbCodeBlock--unfurl .contentRow-figure, .bbCodeBlock--unfurl .contentRow-snippet, "
                 ".bbCodeBlock--unfurl .contentRow-minor, .bbMediaWrapper + i:contains('View:'), "
                 ".bbMediaJustifier + i:contains('View:'), .bbOembed + i:contains('View:'), "
                 "span[data-s9e-mediaembed] + br + i:contains('View:')")
_QUOTE = "blockquote[contains(concat(' ', normalize-space(@class), ' '), ' bbCodeBlock--quote ')]"


class XenForo2(Engine):
    name = "xenforo2"
    label = "XenForo 2"
    DETECT_FIRST = True
    SELECTORS = {
        # XF 2.0-2.2 mark posts with data-content; 2.3 only with the id; "MessageCard" styles use divs
        "post": "article.message.js-post[data-content^='post-'] || article.message[data-content^='post-'] "
                "|| article.message.js-post[id^='js-post-'] || div.MessageCard.js-messageCard[id^='js-post-']",
        "post_id": "@data-content || @id",
        "author": "@data-author || .message-name .username || .MessageCard__user-info__name",
        "author_id": ".message-name [data-user-id]::attr(data-user-id) "
                     "|| .MessageCard__user-info__name::attr(data-user-id)",
        "author_url": ".message-name a.username::attr(href) || .MessageCard__user-info__name::attr(href)",
        "author_title": ".message-userTitle",
        "date_attr": ".message-attribution-main time::attr(datetime) || .message-attribution-main time::attr(data-time) "
                     "|| .message-attribution time.u-dt::attr(datetime) || .MessageCard__date-created time::attr(datetime) "
                     "|| meta[itemprop=datePublished]::attr(content)",  # styles that print the date as text only
        "date_text": ".message-attribution-main time || .message-attribution time || .MessageCard__date-created time "
                     "|| .message-userContent::attr(data-lb-caption-desc)",  # lightbox caption "Author · Date"
        "edited_attr": ".message-lastEdit time::attr(datetime)",
        "body": ".message-body .bbWrapper || .message-content .bbWrapper",
        "quote": f".//{_QUOTE}[not(ancestor::{_QUOTE})]",
        "quote_author_attr": "@data-quote",
        "quote_author_text": ".bbCodeBlock-title",
        "quote_post_id_attr": "@data-source || .bbCodeBlock-sourceJump::attr(data-content-selector)",
        "quote_body": ".bbCodeBlock-expandContent || .bbCodeBlock-content",
        "remove": ".bbCodeBlock-expandLink, .bbCodeBlock-shrinkLink, .bbCodeSpoiler-button, script, style, "
                  f"{_EMBED_CHROME}, "
                  ".cv-attach-exif",  # an EXIF add-on's "Join to see EXIF info" line under images
        "quote_remove": _EMBED_CHROME,
        "signature": "aside.message-signature .bbWrapper || .message-signature",
        "likes": ".reactionsBar-link",
        # "#21": XF 2.2+ put a share icon link (same href, no text) before it, 2.0/2.1 only the number
        "position": ".//*[contains(concat(' ', normalize-space(@class), ' '), ' message-attribution-opposite ')]"
                    "//a[starts-with(normalize-space(), '#')] || .message-attribution-gadget || .MessageCard__post-position",
        "title": "h1.p-title-value || h1.MessageCard__thread-title",
        "title_prefix": "h1.p-title-value .label",  # thread prefixes ("Solved") are part of h1's text
        "breadcrumbs": "(//ul[contains(@class,'p-breadcrumbs')])[1]//span[@itemprop='name']",
        "next_page": "a.pageNav-jump--next::attr(href)",
        "thread_row": ".structItem--thread",
        "row_link": ".structItem-title a[data-tp-primary]::attr(href) || .structItem-title a:last-child::attr(href)",
        "row_title": ".structItem-title a[data-tp-primary] || .structItem-title a:last-child",
        "row_replies": ".structItem-cell--meta dl:first-child dd",
        "row_last_post_attr": "time.structItem-latestDate::attr(datetime) || .structItem-cell--latest time::attr(datetime)",
        "thread_link": ".structItem-title a[data-tp-primary]::attr(href)",
        "forum_link": ".node-title a::attr(href) || .node-subNodeFlatList a::attr(href) "
                      "|| .node-subNodeMenu a::attr(href)",
    }
    THREAD_ID_PATTERN = r"\.(\d+)/?(?:page-\d+)?/?$"
    PAGE_NUMBER_PATTERN = r"/page-(\d+)"

    def detect(self, page: Page) -> float:
        if not page.xpath("/html[@id='XF']"):
            return 0.0  # without html#XF the other markers cannot reach the threshold (0.45 at most)
        score = 0.7
        if page.xpath("/html[@data-app='public'] | /html[@data-template]"):
            score += 0.15
        # searched in the source: a CSS query here walks the whole page (3-5 ms on a long thread)
        if page.contains("p-body-pageContent", "structItem--thread", 'data-content="post-'):
            score += 0.2
        if any(name.startswith("xf_") for name in page.cookies):
            score += 0.1
        if page.xpath("/html[@id='XenForo']"):
            return 0.0  # XenForo 1 has its own engine
        return min(score, 1.0)

    def likes_count(self, text: str | None) -> int | None:
        return reaction_count(text)

    def parse_date_text(self, text: str, page: Page) -> datetime | None:
        return super().parse_date_text(text.rsplit("·", 1)[-1], page)

    def forum_links(self, page: Page) -> list[str]:
        links = super().forum_links(page)
        # thread-list pagination of a forum page is "next page", not a sub-forum
        return [u for u in links if "/threads/" not in u]

    def canonical_thread_url(self, url: str) -> str:
        url = url.split("#", 1)[0]
        url = re.sub(r"/(page-\d+|unread|latest|post-\d+)/?$", "/", url)
        return url if url.endswith("/") else url + "/"

    def last_page(self, page: Page) -> int | None:
        numbers = [to_int(_as_string(t)) for t in _matches(page, ".pageNav-main .pageNav-page a::text")]
        numbers = [n for n in numbers if n]
        return max(numbers) if numbers else 1

    def last_page_url(self, thread_url: str) -> str:
        """XF redirects `/page-9999` to a thread's real last page."""
        return self.canonical_thread_url(thread_url) + "page-9999"

    def thread_title(self, page: Page) -> str | None:
        title = first_text(page, self.sel.get("title"))
        if title:
            prefix = first_text(page, self.sel.get("title_prefix"))
            if prefix and title.startswith(prefix):
                title = title[len(prefix):].strip()
        return title or super().thread_title(page)


def reaction_count(text: str | None) -> int | None:
    """XenForo's reactions line names the reactors: "A, B and 3 others" -> 5, "A and B" -> 2."""
    if not text:
        return None
    others = re.search(r"(\d[\d,.]*)\s+others?\b", text)
    named = re.sub(r"(?:,|\band)?\s*\d[\d,.]*\s+others?\b.*", "", text)
    names = [n for n in re.split(r"\s*,\s*|\s+and\s+", named.strip()) if n.strip()]
    return len(names) + (to_int(others.group(1)) or 0 if others else 0)
