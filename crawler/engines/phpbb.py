"""phpBB 3 (prosilver, 3.0–3.3, and the Tapatalk-hosted variant) and phpBB 2 / subsilver2 table themes.

Markup from prosilver's viewtopic_body / viewforum_body / pagination / bbcode templates:
`body#phpbb`, posts `div.post#p{ID}` with `dl.postprofile` (author, `dd.profile-rank`) and
`div.postbody` (`p.author`, `div.content`, `div.notice` edit note, `div.signature#sig{ID}`),
quotes `blockquote > div > cite` ("X wrote:"). Version differences handled here:
- dates: 3.2+ `p.author time[datetime]`; 3.0/3.1 only the text after "»" in `p.author`
  ("by X » Mon Dec 21, 2015 9:30 am"), read in the board's language;
- pagination: 3.1 `li.next a[rel=next]`, 3.2/3.3 `li.arrow.next a[rel=next]`, 3.0 no rel: the link
  after the current page's `<strong>`; pages are `&start=N` (posts, not pages).
phpBB 2 (subSilver) and phpBB 3's subsilver2 put each post in table rows: `span.name a[name]` /
`b.postauthor`, `span.postbody` / `div.postbody`, quotes as a "X wrote:" header cell or
`div.quotetitle` followed by the quoted text, and the signature after a `_________________` line.
"""
from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import lxml.html
from parsel import Selector, SelectorList

from crawler.engines.base import Engine, Page, ThreadPage, first_text, to_int
from normalize.model import RawPost, RawQuote

# "Last edited by X on DATE, edited 2 times in total." (German: "Zuletzt geändert von X am DATE,
# insgesamt 2-mal geändert.") -> DATE
_EDITED = re.compile(r"^.*?\b(?:on|am)\s+(.+?)(?:[,;]\s*(?:edited|insgesamt)\b.*)?$", re.I | re.S)
_EDIT_NOTE = re.compile(r"\bedited\b|geändert", re.I)
_BYLINE = re.compile(r"^.*»", re.S)
# phpBB 2 / subsilver2: the line between a post and its signature
_SIGNATURE_LINE = re.compile(r"(?:<br\s*/?>\s*)?_{10,}\s*(?:<br\s*/?>)?")
# Tapatalk-hosted boards: each post's data as a script, `var post_data_123 = {"POST_AUTHOR": …};`
_TAPATALK_DATA = re.compile(r"var\s+post_data_\d+\s*=\s*(\{.*?\});\s*$", re.S | re.M)
# URL parameters that never change which posts a page shows
_NOISE_PARAMS = {"sid", "hilit", "view", "sk", "sd", "st", "p", "e"}


def _query_url(url: str, keep: tuple[str, ...]) -> str:
    """`url` with only the query parameters in `keep` (in that order) and no fragment."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    query = urlencode([(k, params[k]) for k in keep if k in params])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


class _PhpBBCommon(Engine):
    """What every phpBB theme shares: `viewtopic.php?t=N&start=M` URLs and text dates."""

    THREAD_ID_PATTERN = r"[?&;]t=(\d+)|-t(\d+)(?:-s\d+)?\.html"
    AUTHOR_ID_PATTERN = r"[?&;]u=(\d+)|^(\d+)$"

    def thread_id(self, url: str) -> str | None:
        m = re.search(self.THREAD_ID_PATTERN, url.split("#", 1)[0])
        return next((g for g in m.groups() if g), None) if m else None

    def canonical_thread_url(self, url: str) -> str:
        url = url.split("#", 1)[0]
        if "viewtopic.php" in url:
            return _query_url(url, ("t",)) if "t=" in url else _query_url(url, ("f", "p"))
        return re.sub(r"-s\d+(\.html)$", r"\1", url)  # Tapatalk: topic-t17351-s15.html

    def first_position(self, page: Page) -> int:
        m = re.search(r"[?&;]start=(\d+)|-s(\d+)\.html", page.url)
        return int(next(g for g in m.groups() if g)) + 1 if m else 1

    def page_number(self, url: str) -> int:
        # `start` counts posts; the page number comes from the page itself (see `thread`)
        return 1

    def thread(self, page: Page) -> ThreadPage:
        result = super().thread(page)
        current = to_int(first_text(page, self.sel.get("current_page")))
        result.page_number = current or 1
        return result

    def parse_date_text(self, text: str, page: Page) -> datetime | None:
        # the text around a date: "by X » DATE", "Posted: DATE", "Last edited by X on DATE, edited…"
        text = _BYLINE.sub("", text)
        m = _EDITED.match(text) if _EDIT_NOTE.search(text) else None
        if m:
            text = m.group(1)
        text = re.sub(r"^\s*(?:Posted|Post subject)\s*:\s*", "", text, flags=re.I)
        return super().parse_date_text(text.strip(), page)


class PhpBB3(_PhpBBCommon):
    name = "phpbb3"
    label = "phpBB 3 (prosilver)"
    SELECTORS = {
        "post": "div.post[id^='p']",
        "post_id": "@id",
        "author": "dl.postprofile dt a.username || dl.postprofile dt a.username-coloured "
                  "|| dl.postprofile .username || dl.postprofile dt a[href*='mode=viewprofile'] "
                  "|| p.author strong || dl.postprofile dt strong",
        "author_id": "dl.postprofile::attr(data-uid) || .postprofile a[href*='mode=viewprofile']::attr(href)",
        "author_url": "dl.postprofile dt a[href*='mode=viewprofile']::attr(href)",
        # 3.1+: dd.profile-rank; 3.0: the first <dd> (rank title) before "Posts:"; Tapatalk: .profile-rank-name
        "author_title": "dd.profile-rank || .profile-rank-name "
                        "|| ./dl[contains(@class,'postprofile')]/dd[1][not(strong)][normalize-space(translate(., '\u00a0', ' '))] "
                        "|| ./div/dl[contains(@class,'postprofile')]/dd[1][not(strong)][normalize-space(translate(., '\u00a0', ' '))]",
        "date_attr": "p.author time::attr(datetime) || time[itemprop=datePublished]::attr(datetime) "
                     "|| time[itemprop=commentTime]::attr(datetime)",
        "date_text": "p.author",
        "edited_text": "div.notice",
        "body": "div.content",
        "quote": ".//blockquote[not(ancestor::blockquote)]",
        "quote_author_text": "./div/cite/a[contains(@href,'viewprofile')] || ./cite/a[contains(@href,'viewprofile')] "
                             "|| ./div/cite/text() || ./cite/text()",
        "quote_post_id_attr": "./div/cite/a/@data-post-id || ./cite/a/@data-post-id",
        "quote_body": "./div || .",
        "quote_remove": "./div/cite || ./cite, .codebox > p",
        "signature": "div.signature",
        # an attachment placed in the text keeps its name (a link); its size and "Downloaded 453
        # times" / "Viewed 12 times" line is a counter, not the poster's words
        "remove": ".codebox > p, script, style, i.hide, dl.file > dd, dl.thumbnail > dd",
        "title": "h2.topic-title a || h2.topic-title || #page-body h2 a[href*='viewtopic'] "
                 "|| h1[itemprop=headline] || h2 a[href*='viewtopic']",
        "breadcrumbs": "(//li[contains(concat(' ', normalize-space(@class), ' '), ' breadcrumbs ')])[1]"
                       "//a[contains(@href, 'viewforum') or ancestor::span[@data-forum-id]] "
                       "|| (//li[contains(@class, 'icon-home')])[1]/a[contains(@href, 'viewforum')]",
        "next_page": "a[rel=next]::attr(href) "
                     "|| (//div[contains(@class,'pagination')]//span/strong/following-sibling::a[1]/@href)[1]",
        "current_page": ".pagination li.active span || .pagination span > strong",
        "thread_row": "ul.topiclist.topics > li.row || ul.topiclist > li.row",
        "row_link": "a.topictitle::attr(href)",
        "row_title": "a.topictitle",
        "row_replies": "dd.posts",
        "row_last_post_attr": "dd.lastpost time::attr(datetime)",
        "row_last_post_text": ".//dd[contains(@class,'lastpost')]/span/text()[normalize-space()][last()]",
        "thread_link": "a.topictitle::attr(href)",
        "forum_link": "a.forumtitle::attr(href) || a.subforum::attr(href)",
    }

    def detect(self, page: Page) -> float:
        score = 0.0
        if page.xpath("/html/body[@id='phpbb']"):
            score += 0.6
        elif "postprofile" not in page.body_text and "topiclist" not in page.body_text:
            return 0.0  # cheap gate: prosilver-derived themes keep dl.postprofile / ul.topiclist
        if page.css("div.post[id^='p'] dl.postprofile, ul.topiclist, a.forumtitle"):
            score += 0.3
        if any(n.startswith(("phpbb3_", "phpbb_")) for n in page.cookies):
            score += 0.1
        if page.xpath("//div[contains(@class,'copyright')]//a[contains(@href,'phpbb.com')]"):
            score += 0.1
        return min(score, 1.0)

    def thread(self, page: Page) -> ThreadPage:
        result = super().thread(page)
        # Tapatalk prints the profile (with the rank) only on the first of consecutive posts by one
        # member: a post that names its author from the script takes the rank of the one before
        for before, post in zip(result.posts, result.posts[1:]):
            if post.author_title is None and post.author_id and post.author_id == before.author_id:
                post.author_title = before.author_title
        return result

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        post = super().parse_post(node, page)
        if post is not None and post.author is None:
            self._author_from_post_data(post, node, page)
        return post

    def _author_from_post_data(self, post: RawPost, node: Selector, page: Page) -> None:
        """Tapatalk leaves out the profile block of a member's consecutive posts; the post's data
        script still names the author."""
        script = first_text(node, ".//script[contains(., 'POST_AUTHOR')]/text()")
        m = _TAPATALK_DATA.search(script or "")
        try:
            data = json.loads(m.group(1)) if m else {}
        except ValueError:
            return
        if isinstance(data, dict) and data.get("POST_AUTHOR"):
            post.author = str(data["POST_AUTHOR"])
            post.author_id = str(data.get("POSTER_ID") or "") or None
            url = str(data.get("U_POST_AUTHOR") or "").replace("&amp;", "&")
            post.author_url = page.absolute(url) if url else None  # as the profile block's link

    def forum_links(self, page: Page) -> list[str]:
        return [self._strip_sid(u) for u in super().forum_links(page)]

    def _strip_sid(self, url: str) -> str:
        return _query_url(url, ("f", "start")) if "viewforum.php" in url else url

    def next_page(self, page: Page) -> str | None:
        url = super().next_page(page)
        if url and "sid=" in url:
            parts = urlsplit(url)
            query = [(k, v) for k, v in parse_qsl(parts.query) if k not in _NOISE_PARAMS]
            url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
        return url


class PhpBB2(_PhpBBCommon):
    """phpBB 2.0 subSilver and phpBB 3 subsilver2. phpBB 2 gives each post one table row (author
    cell + message cell); subsilver2 spreads a post over several rows of one table, from the row
    with `b.postauthor` to the next such row, which `post_nodes` groups. Both print the signature
    after a `_________________` line."""

    name = "phpbb2"
    label = "phpBB 2 / subsilver2"
    SELECTORS = {
        # phpBB 2: the row holding the author cell (span.name with the post anchor) and the message;
        # subsilver2: the first row of each post (see post_nodes)
        "post": "//table[contains(@class,'forumline')]//tr[td/span[@class='name']/a[@name]] "
                "|| //table[contains(@class,'tablebg')]//tr[td/b[@class='postauthor']]",
        "post_id": ".//span[@class='name']/a/@name || .//a[starts-with(@name,'p')]/@name",
        "author": ".//span[@class='name']/b || .//b[@class='postauthor']",
        "author_title": "./td[1]/span[@class='postdetails']/text()[1] || td.postdetails",
        "date_text": ".//span[@class='postdetails'][contains(., 'Posted:')]/text()[1] "
                     "|| .//td[@class='gensmall']/div[b][contains(., 'Posted:')]",
        "edited_text": ".//span[@class='gensmall'][contains(., 'edited')] || .//span[@class='gensmall'][contains(., 'Edited')]",
        # phpBB 2 closes span.postbody around each quote table: the body is the cell holding them all
        "body": ".//td[@colspan='2'][span[@class='postbody']] || .//div[@class='postbody']",
        "quote": "./table[.//td[@class='quote']] || .//div[@class='quotetitle']",
        "quote_author_text": ".//span[@class='genmed']/b || ./text()",
        "quote_body": ".//td[contains(@class,'quote')] || ./following-sibling::div[@class='quotecontent'][1]",
        "signature": ".//span[@class='postbody'][contains(., '_________')]",
        "remove": ".quotecontent, span.gensmall, script, style",
        "title": "a.maintitle || div#pageheader h2 a || h2 a[href*='viewtopic']",
        "breadcrumbs": "(//span[@class='nav'][a[@class='nav']])[1]/a[contains(@href,'viewforum')] "
                       "|| (//p[@class='breadcrumbs'])[1]/a[contains(@href,'viewforum')]",
        # "Goto page 1, <b>2</b>, <a>3</a> … <a>Next</a>": the link after the current page's <b>
        "next_page": "(//b[not(*)]/following-sibling::a[1][contains(@href,'start=')]/@href)[1] "
                     "|| (//strong[not(*)]/following-sibling::a[1][contains(@href,'start=')]/@href)[1]",
        "current_page": "(//b[not(*)][following-sibling::a[contains(@href,'start=')] or preceding-sibling::a[contains(@href,'start=')]])[1] "
                        "|| (//strong[not(*)][following-sibling::a[contains(@href,'start=')] or preceding-sibling::a[contains(@href,'start=')]])[1]",
        "thread_row": "//tr[td/span/a[contains(@class,'topictitle')]] || //tr[td/a[contains(@class,'topictitle')]]",
        "row_link": "a.topictitle::attr(href)",
        "row_title": "a.topictitle",
        "row_replies": "./td[3]",
        "row_last_post_text": ".//span[@class='postdetails'][a[contains(@href,'#')]]/text()[1] "
                              "|| .//td[last()]//p[@class='topicdetails']/text()[1]",
        "thread_link": "a.topictitle::attr(href)",
        "forum_link": "a.forumlink::attr(href)",
    }

    def detect(self, page: Page) -> float:
        if page.xpath("/html/body[@id='phpbb']"):
            return 0.0  # prosilver: the phpbb3 engine
        if "forumline" not in page.body_text and "tablebg" not in page.body_text:
            return 0.0  # cheap gate: subSilver's table.forumline, subsilver2's table.tablebg
        score = 0.0
        if page.css("table.forumline, table.tablebg"):
            score += 0.25
        if page.css("a.forumlink, a.topictitle, span.name a[name], b.postauthor, a.maintitle"):
            score += 0.35
        if page.xpath("//a[contains(@href,'phpbb.com')]"):
            score += 0.3
        if any(n.startswith(("phpbb2", "phpbb3_", "phpbb_")) for n in page.cookies):
            score += 0.1
        return min(score, 1.0)

    def post_nodes(self, page: Page) -> SelectorList:
        nodes = super().post_nodes(page)
        if not nodes or not nodes[0].xpath("./td/b[@class='postauthor']"):
            return nodes
        # subsilver2: a post is its author row and the rows after it, up to the next post's
        groups = []
        for start in nodes:
            group = lxml.html.Element("tbody")
            row = start.root
            while row is not None:
                group.append(copy.deepcopy(row))
                row = row.getnext()
                if row is not None and row.xpath("./td/b[@class='postauthor']"):
                    break
            groups.append(Selector(root=group))
        return SelectorList(groups)

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        post = super().parse_post(node, page)
        if post is None:
            return None
        # phpBB 2 renders MESSAGE + SIGNATURE in one span: "…<br />_________________<br />SIG";
        # subsilver2 puts "_________________<br />SIG" in a span of its own
        parts = _SIGNATURE_LINE.split(post.body_html, maxsplit=1)
        if len(parts) == 2:
            post.body_html, post.signature_html = parts[0].strip(), parts[1].strip() or None
        elif post.signature_html:
            post.signature_html = _SIGNATURE_LINE.split(post.signature_html, maxsplit=1)[-1].strip() or None
        return post

    def parse_quote(self, q: Selector) -> RawQuote:
        quote = super().parse_quote(q)
        if quote.author and quote.html and quote.author == re.sub(r"<[^>]+>", "", quote.html).strip():
            quote.author = None  # an uncited quote's header is the word "Quote:"
        if quote.author and quote.author.rstrip(":").lower() in {"quote", "zitat", "citation", "cita"}:
            quote.author = None
        return quote
