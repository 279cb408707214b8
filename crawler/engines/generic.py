"""The fallback engine for forums no specific engine knows: custom forums, Q&A sites, comment threads.

Three ways to find the posts of a page, tried in order:

1. schema.org microdata: items typed `DiscussionForumPosting`, `Comment`, `Answer`, `Question` or
   `SocialMediaPosting` that carry a body of their own (`itemprop=text|articleBody|commentText`
   whose nearest item is that item, not one nested in it), with `itemprop=author` and
   `datePublished|dateCreated`. When the items are comments, the question or story above them
   (often without microdata) is looked for as the structure finds a lead record (below).
2. JSON-LD posts with their text (the same types, and the replies they list), when they are more
   than the structure finds; else only a JSON-LD opening post the structure missed.
3. Page structure (`crawler.engines.records`): the repeated records of the page, elements of one
   tag and class that recur and each carry an author link and a date next to a block of text.

A per-site override file that gives this engine a `post` selector switches both off: the page is
then read with the selectors given, as any engine reads its pages.
`detect` scores just above the threshold when it finds post records and below what a specific
engine scores on its own pages, so a specific engine always wins.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from crawler.engines import records
from crawler.engines.base import Engine, Page, ThreadLink, ThreadPage, first_text, to_int
from crawler.engines import dates
from crawler.engines.dates import parse_machine
from crawler.pagecheck import not_a_forum_reason
from normalize.model import RawPost, RawQuote

_DATE_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "pl", "sv", "tr")
DETECTED = 0.55  # above DETECT_THRESHOLD (0.5), below what a specific engine scores on its own pages
INDEX_DETECTED = 0.5  # an index page of an unknown forum: links of forum and thread shapes, no posts
_THREAD_HREF = re.compile(r"thread|topic|/t/|showthread|viewtopic|/questions/\d|/discussion|/comments/|/d/\d", re.I)
_FORUM_HREF = re.compile(r"forum|board|categor|/c/|viewforum|forumdisplay|/f/\d", re.I)
_NOT_CONTENT_HREF = re.compile(r"login|register|logout|search|/members?/|profile|/users?/|reply|posting|action=|mode=|"
                               r"/tags?/|#", re.I)


class Generic(Engine):
    name = "generic"
    label = "Generic (schema.org microdata or repeated post records)"
    FALLBACK = True
    SELECTORS = {
        # page-level selectors that hold on most sites; the posts are found by `records`
        "title": "h1 || meta[property='og:title']::attr(content) || title",
        "breadcrumbs": "[itemtype$='BreadcrumbList'] [itemprop='name'] || nav[aria-label*='readcrumb'] a "
                       "|| .breadcrumb a || .breadcrumbs a || #breadcrumbs a || .crumbs a",
        "next_page": "a[rel~=next]::attr(href) || .pagination a.next::attr(href) || a.next::attr(href)",
    }
    THREAD_ID_PATTERN = r"(\d+)(?:-[^/]*)?/?$"
    PAGE_NUMBER_PATTERN = r"(?:[?&]page=|/page[-/]?)(\d+)"

    # -- detection -----------------------------------------------------------------------------
    def detect(self, page: Page) -> float:
        if self.records(page):
            return DETECTED
        if _site_links(page, _THREAD_HREF) or len(_site_links(page, _FORUM_HREF, exclude=_THREAD_HREF)) >= 2:
            # a login wall or an error page links to the forum too, and is none of it
            return 0.0 if not_a_forum_reason(page) else INDEX_DETECTED
        return 0.0

    def records(self, page: Page) -> list[records.Record]:
        """The post records of `page`, found once per page (detect and thread both ask)."""
        cache = page.__dict__.setdefault("_generic_records", {})  # several engine objects read one page
        if "found" not in cache:
            root = page.selector.root
            found = records.microdata_records(root)
            if found and found[0].node.get("itemtype", "").endswith("/Comment"):
                # comments typed, the post they answer not: it is found as the structure finds a lead
                lead = records.lead_before(root, [rec.node for rec in found])
                found = [lead, *found] if lead else found
            if not found:  # JSON-LD often lists only the first posts: the structure wins when it finds more
                jsonld = records.jsonld_records(root) if page.xpath("//script[@type='application/ld+json']") else []
                structure = records.structure_records(root)
                found = structure if len(structure) >= len(jsonld) else jsonld
                if structure and jsonld and found is structure and not records.same_text(jsonld[0], structure):
                    found = [jsonld[0], *structure]  # an opening post the structure did not see
                    whole = records.page_copy(jsonld[0], root)
                    jsonld[0].body = jsonld[0].body if whole is None else whole
            cache["found"] = found
        return cache["found"]

    # -- thread pages --------------------------------------------------------------------------
    def is_thread_page(self, page: Page) -> bool:
        if self.sel.get("post"):
            return super().is_thread_page(page)
        return bool(self.records(page))

    def thread(self, page: Page) -> ThreadPage:
        if self.sel.get("post"):  # a per-site override says where the posts are
            return super().thread(page)
        posts = [self.record_post(rec, page, index) for index, rec in enumerate(self.records(page), 1)]
        title = self.thread_title(page)
        return ThreadPage(url=page.url, title=title, forum_path=[c for c in self.forum_path(page) if c != title],
                          posts=[p for p in posts if p is not None], next_page=self.next_page(page),
                          thread_id=self.thread_id(page.url), page_number=self.page_number(page.url))

    def record_post(self, rec: records.Record, page: Page, index: int) -> RawPost | None:
        """One record as a post: its quotes and signature taken out of the body."""
        if records.behind_a_wall(rec):
            return None
        body_html, quotes_found, signature = records.body_parts(rec)
        if not body_html.strip() and not quotes_found:
            return None
        posted_at = parse_machine(rec.date_attr) if rec.date_attr else None
        if posted_at is None and rec.date_text:
            posted_at = self.parse_date_text(rec.date_text, page)
        text_key = re.sub(r"\s+", " ", rec.node.text_content())[:200]
        post_id = rec.post_id or "h" + hashlib.sha1(f"{rec.author}|{rec.date_attr or rec.date_text}|{text_key}"
                                                      .encode("utf-8", "replace")).hexdigest()[:12]
        return RawPost(
            post_id=post_id,
            body_html=body_html,
            position=rec.position or (index if self.page_number(page.url) == 1 else None),
            author=rec.author,
            author_url=page.absolute(rec.author_url) if rec.author_url else None,
            author_title=rec.author_title,
            posted_at=posted_at,
            posted_at_raw=rec.date_attr or rec.date_text,
            edited_at=parse_machine(rec.edited_attr) if rec.edited_attr else None,
            quotes=[RawQuote(author=a, post_id=pid, html=h) for a, pid, h in quotes_found],
            signature_html=signature,
            likes=to_int(rec.likes),
        )

    def parse_date_text(self, text: str, page: Page) -> datetime | None:
        """ISO and English month-name dates read directly; other visible dates in the page's language
        (`html[lang]`, else English) through dateparser, then, for text with
        non-ASCII letters, in a common forum language: dateparser's guess among all its ~200
        locales takes half a second for a string it cannot read."""
        lang = (page.xpath("/html/@lang").get() or "").split("-")[0].lower()
        first = [lang] if lang.isalpha() and len(lang) == 2 else ["en"]
        quick = dates.quick_parse(text, self.timezone_name or "UTC", english=first == ["en"])
        if quick:
            return quick
        tries = [first]
        if re.search(r"[^\x00-\x7f]", text):  # another language's month or day names (loading each costs)
            tries.append([x for x in _DATE_LANGUAGES if x not in first])
        for languages in tries:
            parsed = dates.parse_text(text, languages=languages, relative_base=page.fetched_at,
                                      timezone_name=self.timezone_name)
            if parsed:
                return parsed
        return None

    def thread_title(self, page: Page) -> str | None:
        return first_text(page, self.sel.get("title"))

    # -- index pages ---------------------------------------------------------------------------
    def forum_links(self, page: Page) -> list[str]:
        if self.sel.get("forum_link"):
            return list(super().forum_links(page))
        return _site_links(page, _FORUM_HREF, exclude=_THREAD_HREF)

    def thread_links(self, page: Page) -> list[ThreadLink]:
        if self.sel.get("thread_link") or self.sel.get("thread_row"):
            return list(super().thread_links(page))
        return [ThreadLink(url=u, thread_id=self.thread_id(u)) for u in _site_links(page, _THREAD_HREF)]

    def canonical_thread_url(self, url: str) -> str:
        return re.sub(r"(?:[?&]page=\d+|/page[-/]?\d+/?)$", "", url.split("#", 1)[0])


def _site_links(page: Page, wanted: re.Pattern[str], exclude: re.Pattern[str] | None = None) -> list[str]:
    """Same-site links whose path looks like `wanted` (thread or forum URLs of common shapes)."""
    host = re.sub(r"^(https?://[^/]+).*", r"\1", page.url)
    found: dict[str, Any] = {}
    for href in page.css("a[href]::attr(href)").getall():
        url = page.absolute(href.split("#", 1)[0])
        if not url or not url.startswith(host):
            continue
        # the shape of the path, without title slugs ("/board/6-thread-safety" -> "/board/6")
        path = re.sub(r"/[\w%-]+\.(\d+)(?=/|$)", r"/\1", re.sub(r"(\d+)[-_][^/?#]*", r"\1", url[len(host):]))
        if not wanted.search(path) or _NOT_CONTENT_HREF.search(path) or (exclude and exclude.search(path)):
            continue
        found.setdefault(url, None)
    return list(found)
