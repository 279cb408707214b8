"""What every forum engine shares: the page it reads, what it returns, and the parsing written once.

An engine is a subclass of `Engine` whose selectors are data (`SELECTORS`, CSS or XPath; XPath
when the string starts with "/" or "("). The base class walks each post container and reads each
field through those selectors, so an engine module holds only its selectors, its detection markers
and hooks for real quirks. Per-site overrides (a TOML file) replace selectors by name.
"""
from __future__ import annotations

import copy
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, ClassVar
from urllib.parse import urljoin

import cssselect
import lxml.html
from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import _translator, css2xpath
from parsel.selector import create_root_node

from crawler.engines import dates
from normalize.html_text import HtmlParser
from normalize.model import RawPost, RawQuote


# a page parsel reads as HTML for sure: its first character past spaces (and byte-order marks) is "<",
# not "<?" (parsel reads "<?xml" as XML, "{" or "[" as JSON)
_MARKUP_START = re.compile(r"[\s\ufeff]*<(?!\?)")


@dataclass
class Page:
    """A fetched page: URL, parsed HTML, and what the HTTP layer knew about it."""

    url: str
    selector: Selector
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    cookies: Iterable[str] = ()  # cookie names the site set
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    text: str | None = None  # the decoded body, for engines that read JSON or comments
    # what engines found on this page (post nodes, markers), so detect, is_thread_page and
    # thread do not ask the same question of the same page twice
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_html(cls, html: str, url: str, **kw: Any) -> "Page":
        text = html or "<html></html>"
        if _MARKUP_START.match(text):  # what parsel reads as HTML, parsed as it would, by `HtmlParser`
            selector = Selector(root=create_root_node(text, HtmlParser, base_url=url), type="html")
        else:  # JSON, an XML declaration, text: as parsel decides
            selector = Selector(text=text, base_url=url)
        return cls(url=url, selector=selector, text=html, **kw)

    def css(self, query: str) -> SelectorList:
        return self.selector.css(query)

    def xpath(self, query: str) -> SelectorList:
        return self.selector.xpath(query)

    def absolute(self, href: str | None) -> str | None:
        if not href:
            return None
        known = self.memo.setdefault("absolute", {})  # a page links the same authors again and again
        if href not in known:
            known[href] = urljoin(self.url, href.strip())
        return known[href]

    @property
    def body_text(self) -> str:
        if self.text is None:
            self.text = self.selector.get()
        return self.text

    def contains(self, *needles: str) -> bool:
        """True when the page's source contains any of `needles`: the cheap gate engines ask
        before their XPath (a search of the source is ~0.1 ms; a `//` XPath walks every element)."""
        found = self.memo.setdefault("contains", {})
        for needle in needles:
            if needle not in found:
                found[needle] = needle in self.body_text
            if found[needle]:
                return True
        return False

    @property
    def generator(self) -> str:
        """The content of `<meta name="generator">` in <head> ('' when none), read once per page."""
        if "generator" not in self.memo:
            self.memo["generator"] = " ".join(self.xpath("/html/head/meta[@name='generator']/@content").getall())
        return self.memo["generator"]


@dataclass
class ThreadLink:
    """A link to a thread found on a forum index page, with what the index says about it."""

    url: str
    title: str | None = None
    thread_id: str | None = None
    replies: int | None = None
    last_post_at: datetime | None = None


@dataclass
class ThreadPage:
    """One page of a thread."""

    url: str
    title: str | None
    forum_path: list[str]
    posts: list[RawPost]
    next_page: str | None = None
    thread_id: str | None = None
    page_number: int | None = None
    last_page: int | None = None


@dataclass
class ApiPage:
    """What an engine read from one API (JSON) response: thread pages with posts, links to
    threads (for incremental crawls), and further API URLs to fetch."""

    threads: list[ThreadPage] = field(default_factory=list)
    thread_links: list[ThreadLink] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)


_XPATH_START = ("/", "(", "./", "@")
_NAMESPACES = {"re": "http://exslt.org/regular-expressions", "set": "http://exslt.org/sets"}  # as parsel
_TEXT = etree.XPath(".//text()", smart_strings=False)
_SPACES = re.compile(r"\s+")


def select(node: Selector | Page, query: str) -> SelectorList:
    """Run a selector: CSS, or XPath when it starts with '/', '(', './' or '@'. Alternatives
    separated by ' || ' are tried in order; the first that matches anything wins."""
    for q in query.split(" || "):
        found = node.xpath(q) if q.startswith(_XPATH_START) else node.css(q)
        if found:
            return found
    return SelectorList([])


@lru_cache(maxsize=4096)
def _compiled(query: str) -> etree.XPath:
    """One alternative of a selector compiled once: XPath as it is, CSS through parsel's translator."""
    return _xpath(query if query.startswith(_XPATH_START) else css2xpath(query))


def _xpath(xpath: str) -> etree.XPath:
    # only the EXSLT prefixes the query uses: an XPath that registers them leaks ~100 bytes on every
    # document it is run on (lxml 6), and a crawl runs it on a copy of every post body
    namespaces = {prefix: uri for prefix, uri in _NAMESPACES.items() if f"{prefix}:" in xpath}
    return etree.XPath(xpath, namespaces=namespaces or None, smart_strings=False)


# -- a post's elements by class ---------------------------------------------------------------
# A CSS field selector run on a post container walks the whole post (its body too) for the one
# element it wants, ~30 us a field and most of the time of reading a post. Within `parse_post` the
# post's elements are listed by class token once (one walk), and a selector whose first step names a
# class is run only from the elements that carry it: the same XPath with `self::` in place of its
# first axis, so it matches exactly what the walk would.
_XML_SPACE = re.compile(r"[ \t\r\n]+")  # what XPath's normalize-space() splits @class on
# an XPath whose first step is a class test, as engines write it by hand (then any relative path)
_XPATH_CLASS_STEP = re.compile(r"\.//(\*|[a-z][a-z0-9]*)(\[contains\(concat\(' ', normalize-space\(@class\), ' '\), "
                               r"' ([^' ]+) '\)\])(/.*)?$")
_CLASSED = etree.XPath("descendant-or-self::*[@class]")
_reading = threading.local()  # .post: the `_ClassIndex` of the post `parse_post` reads in this thread
_wanted: set[str] = set()  # the class tokens plans ask for: only these are listed


@dataclass(frozen=True)
class _Plan:
    token: str  # the class the first step asks for
    xpath: etree.XPath  # the selector from one element that has it
    with_root: bool  # whether the post container itself may be that element


@lru_cache(maxsize=4096)
def _class_plan(query: str) -> _Plan | None:
    """How to run one alternative of a selector from the elements of one class, or None when it
    cannot be: its first step names no class, or its matches may lie outside that element."""
    plan = _xpath_class_plan(query) if query.startswith(_XPATH_START) else _css_class_plan(query)
    if plan is not None:
        _wanted.add(plan.token)
    return plan


def _css_class_plan(query: str) -> _Plan | None:
    try:
        parsed = cssselect.parse(query)
    except cssselect.SelectorError:
        return None
    if len(parsed) != 1:
        return None
    tree = parsed[0].parsed_tree
    while isinstance(tree, cssselect.parser.CombinedSelector):
        if tree.combinator not in (" ", ">"):  # siblings (+, ~) may lie outside the element
            return None
        tree = tree.selector
    token = _first_class(tree)
    if not token:
        return None
    whole, scoped = css2xpath(query), _translator.css_to_xpath(query, prefix="self::")
    prefix = "descendant-or-self::"
    if not (whole.startswith(prefix) and scoped.startswith("self::") and whole[len(prefix):] == scoped[6:]):
        return None
    return _Plan(token, _xpath(scoped), with_root=True)


def _first_class(tree: Any) -> str | None:
    """A class the first compound (.a.b[x]:y...) of a parsed CSS selector asks for, or None."""
    while isinstance(tree, cssselect.parser.CombinedSelector):
        tree = tree.selector
    token = None
    while not isinstance(tree, cssselect.parser.Element):
        if isinstance(tree, cssselect.parser.Class):
            token = tree.class_name
        tree = tree.selector
    return token if token and not _XML_SPACE.search(token) and "'" not in token else None


@lru_cache(maxsize=4096)
def _required_class(query: str) -> str | None:
    """A class that some element of a tree must carry for one alternative of a selector to match
    anything in it (the class its first step asks for, whatever follows), or None."""
    if query.startswith(_XPATH_START):
        m = _XPATH_CLASS_STEP.match(query)
        return m.group(3) if m and "|" not in (m.group(4) or "") else None
    try:
        parsed = cssselect.parse(query)
    except cssselect.SelectorError:
        return None
    return _first_class(parsed[0].parsed_tree) if len(parsed) == 1 else None


def _xpath_class_plan(query: str) -> _Plan | None:
    m = _XPATH_CLASS_STEP.match(query)
    rest = m.group(4) or "" if m else ""
    # the rest must stay below the element: no other axes, no parent steps, no union
    if not m or "::" in rest or ".." in rest or "|" in rest:
        return None
    return _Plan(m.group(3), _xpath(f"self::{m.group(1)}{m.group(2)}{rest}"), with_root=False)


class _ClassIndex:
    """The elements of one post container (itself included) by class token, in document order."""

    __slots__ = ("_by_class", "_listed", "root")

    def __init__(self, root: Any):
        self.root = root
        self._by_class: dict[str, list[Any]] = {}
        self._listed = 0  # len(_wanted) when listed: a plan made since may want a class not listed

    def _classes(self) -> dict[str, list[Any]]:
        if self._listed != len(_wanted):
            self._by_class, self._listed = _by_class(self.root), len(_wanted)
        return self._by_class

    def matches(self, query: str) -> list[Any] | None:
        """What `query` matches in the post, or None when the index cannot tell (ask the XPath)."""
        plan = _class_plan(query)
        if plan is None:
            return None
        elements = self._classes().get(plan.token)
        if elements and not plan.with_root and elements[0] is self.root:
            elements = elements[1:]
        if not elements:
            return []
        if len(elements) == 1:
            return plan.xpath(elements[0])
        # several: their matches follow in document order unless one element holds another
        chosen = set(elements)
        if any(a in chosen for el in elements for a in el.iterancestors()):
            return None
        return [match for el in elements for match in plan.xpath(el)]

    def lacks(self, query: str) -> bool:
        """True when one alternative of a selector cannot match in any part of the post (a copy of
        its body, a quote): its first step asks for a class no element of the post carries."""
        token = _required_class(query)
        if token is None:
            return False
        _wanted.add(token)  # a class not listed yet makes `_classes` list the post again
        return token not in self._classes()


def _by_class(root: Any) -> dict[str, list[Any]]:
    by_class: dict[str, list[Any]] = {}
    for el in _CLASSED(root):
        for token in _XML_SPACE.split(el.get("class")):
            if token in _wanted:
                same = by_class.setdefault(token, [])
                if not same or same[-1] is not el:  # class="a a"
                    same.append(el)
    return by_class


@contextmanager
def _indexed(node: Selector) -> Iterator[None]:
    """Field selectors run on `node` within the block use its class index (see `_ClassIndex`)."""
    outer = getattr(_reading, "post", None)
    _reading.post = _ClassIndex(node.root)
    try:
        yield
    finally:
        _reading.post = outer


def _post_over(node: Any) -> _ClassIndex | None:
    """The class index of the post being read when `node` lies in that post, else None."""
    post = getattr(_reading, "post", None)
    if post is None or node is post.root or any(a is post.root for a in node.iterancestors()):
        return post
    return None


@contextmanager
def _copy_of(post: _ClassIndex | None) -> Iterator[None]:
    """Within the block, selectors run (`_nodes`) on a copy of part of `post` skip alternatives
    that cannot match in the post (None: nothing is skipped)."""
    outer = getattr(_reading, "copy_of", None)
    _reading.copy_of = post
    try:
        yield
    finally:
        _reading.copy_of = outer


def _matches(node: Selector | Page | Any, query: str) -> list[Any]:
    """What one alternative matches, as lxml gives it (elements, strings): the fields of a post are
    read this way, without a parsel Selector around every match (that wrapping was a third of the
    time of reading a post). `node` may also be an lxml element (a body's copy, a quote)."""
    root = node.selector.root if isinstance(node, Page) else getattr(node, "root", node)
    if not hasattr(root, "xpath"):
        return []
    post = getattr(_reading, "post", None)
    if post is not None and root is post.root:
        found = post.matches(query)
        if found is not None:
            return found
    found = _compiled(query)(root)
    return found if isinstance(found, list) else [found]


def _nodes(node: Selector | Page | Any, query: str) -> list[Any]:
    """`select` without the Selectors: the lxml nodes of the first alternative that matches. On a
    copy of part of the post being read (within `_copy_of`), an alternative whose first step asks
    for a class no element of the post carries is not run: it matches nothing, and a body walked
    once per removal selector was a fifth of reading a post."""
    post = getattr(_reading, "copy_of", None)
    for q in query.split(" || "):
        if post is not None and post.lacks(q):
            continue
        found = _matches(node, q)
        if found:
            return found
    return []


def _as_string(value: Any) -> str:
    """A match as `SelectorList.get()` gives it: strings as they are, elements as their HTML."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "tag"):
        return lxml.html.tostring(value, encoding="unicode", with_tail=False)
    return str(value)


def first_text(node: Selector | Page, query: str | None) -> str | None:
    """The stripped, space-folded text of the first match, or None."""
    if not query:
        return None
    for q in query.split(" || "):  # alternatives, tried in order
        found = _matches(node, q)
        if not found:
            continue
        # text nodes and attribute values (also `text()[1]`-style picks) are their own string
        if "::attr(" in q or "::text" in q or "/@" in q or q.endswith("text()") or not hasattr(found[0], "tag"):
            value = _as_string(found[0])
        else:
            value = " ".join(_TEXT(found[0]))
        value = _SPACES.sub(" ", value).strip()
        if value:
            return value
    return None


def first_attr(node: Selector | Page, query: str | None) -> str | None:
    """The first non-empty value of an attribute selector (`a::attr(href)` / `//a/@href`)."""
    if not query:
        return None
    for q in query.split(" || "):
        found = _matches(node, q)
        value = _as_string(found[0]) if found else None
        if value and value.strip():
            return value.strip()
    return None


def to_int(text: str | None) -> int | None:
    """'1,234' / '1.2K' / '12 replies' -> int; None when there is no number."""
    if not text:
        return None
    m = re.search(r"(\d[\d,.\s]*)\s*([KkMm])?", text)
    if not m:
        return None
    digits = m.group(1).strip()
    mult = {"k": 1000, "m": 1_000_000}.get((m.group(2) or "").lower(), 1)
    if mult > 1:
        try:
            return int(float(digits.replace(",", ".").replace(" ", "")) * mult)
        except ValueError:
            return None
    digits = re.sub(r"[,.\s]", "", digits)
    return int(digits) if digits.isdigit() else None


class Engine:
    """Base engine. Subclasses set `name`, `SELECTORS` and `detect`; override hooks for quirks.

    Selector names the base class reads (a missing name means "this engine has no such thing"):
      post                 each post container on a thread page
      post_id              attribute selector giving the post id (relative to the post);
                           `POST_ID_PATTERN` extracts the number from it
      author, author_id, author_url, author_title, likes, post_title
      date_attr            machine-readable date attribute (ISO or unix time)
      date_text            visible date text (parsed with dateparser)
      edited_attr / edited_text
      body                 the post body element (relative to the post)
      quote                quote blocks inside the body
      quote_author_attr / quote_author_text, quote_post_id_attr, quote_body
      quote_remove         comma-separated selectors dropped from a quote's body (its `cite` header)
      signature            signature element (relative to the post)
      remove               comma-separated selectors dropped from the body before serializing
      title, breadcrumbs   on a thread page
      next_page            next-page link (attribute selector); `link[rel=next]` is tried first
      thread_link          thread links on an index page (the <a> elements)
      thread_row           thread rows on an index page (for reply count / last post time)
      row_link, row_replies, row_last_post_attr, row_last_post_text
      forum_link           sub-forum links (attribute selector)
    """

    name: ClassVar[str] = "base"
    label: ClassVar[str] = "Base engine"
    SELECTORS: ClassVar[dict[str, str]] = {}
    POST_ID_PATTERN: ClassVar[str] = r"(\d+)"
    # when set, the author id is this pattern's first matching group in the author_id value or,
    # failing that, the author URL (`memberlist.php?u=12`, `user-12.html`)
    AUTHOR_ID_PATTERN: ClassVar[str | None] = None
    THREAD_ID_PATTERN: ClassVar[str] = r"\.(\d+)/?(?:page-\d+)?/?$"
    PAGE_NUMBER_PATTERN: ClassVar[str] = r"/page-(\d+)"
    DATE_LANGUAGES: ClassVar[list[str] | None] = None
    # a fallback engine (the generic one) is asked only when no other engine knows the page
    FALLBACK: ClassVar[bool] = False
    # asked before the others: `detect` reads anchored markers (the <html> or <body> element), so a
    # page it is sure of (1.0) spares the other engines' searches of the page
    DETECT_FIRST: ClassVar[bool] = False

    def __init__(self, overrides: Mapping[str, str] | None = None, timezone_name: str | None = None):
        self.sel: dict[str, str] = {**self.SELECTORS, **(overrides or {})}
        self.timezone_name = timezone_name

    # -- detection -------------------------------------------------------------------------
    def detect(self, page: Page) -> float:
        """How sure this engine is that it made the page, 0.0 to 1.0."""
        return 0.0

    # -- API crawling (engines with a JSON API, e.g. Discourse) ------------------------------
    def api_entry(self, page: Page) -> str | None:
        """The API URL to crawl instead of HTML pages, or None to crawl HTML."""
        return None

    def api_parse(self, url: str, data: Any, fetched_at: datetime) -> ApiPage:
        """Read one API response (decoded JSON)."""
        raise NotImplementedError

    def api_thread_url(self, link: ThreadLink) -> str | None:
        """The API URL that reads the thread an API thread list links to. The spider fetches it
        for the links the incremental planner keeps (new or grown threads), so a re-crawl skips
        threads that did not move. None: `api_parse` follows its threads itself."""
        return None

    # -- index pages -------------------------------------------------------------------------
    def is_thread_page(self, page: Page) -> bool:
        """True when the page shows posts of a thread."""
        return bool(self._containers(page))

    def forum_links(self, page: Page) -> Iterable[str]:
        """Links to sub-forums / boards / categories on an index page."""
        query = self.sel.get("forum_link")
        if not query:
            return []
        return _unique(page.absolute(h) for q in query.split(" || ") for h in select(page, q).getall())

    def thread_links(self, page: Page) -> Iterable[ThreadLink]:
        """Links to threads on an index page, with reply count and last-post time where shown."""
        links: dict[str, ThreadLink] = {}
        row_query = self.sel.get("thread_row")
        if row_query:
            for row in select(page, row_query):
                href = first_attr(row, self.sel.get("row_link"))
                if not href:
                    continue
                url = self.canonical_thread_url(page.absolute(href))
                if url in links:
                    continue
                links[url] = ThreadLink(
                    url=url,
                    title=first_text(row, self.sel.get("row_title") or self.sel.get("row_link", "").replace("::attr(href)", "")),
                    thread_id=self.thread_id(url),
                    replies=to_int(first_text(row, self.sel.get("row_replies"))),
                    last_post_at=self._row_last_post(row, page),
                )
        if not links and self.sel.get("thread_link"):
            for href in select(page, self.sel["thread_link"]).getall():
                url = self.canonical_thread_url(page.absolute(href))
                links.setdefault(url, ThreadLink(url=url, thread_id=self.thread_id(url)))
        return list(links.values())

    def _row_last_post(self, row: Selector, page: Page) -> datetime | None:
        raw = first_attr(row, self.sel.get("row_last_post_attr"))
        if raw:
            parsed = dates.parse_machine(raw)
            if parsed:
                return parsed
        text = first_text(row, self.sel.get("row_last_post_text"))
        return self.parse_date_text(text, page) if text else None

    def next_page(self, page: Page) -> str | None:
        """URL of the next page of a thread or thread list (rel=next first)."""
        found = _matches(page, "link[rel=next]::attr(href)")
        href = _as_string(found[0]) if found else None
        if not href and self.sel.get("next_page"):
            href = first_attr(page, self.sel["next_page"])
        return page.absolute(href) if href else None

    def canonical_thread_url(self, url: str) -> str:
        """The URL of a thread's first page (strips page suffixes, fragments)."""
        return url.split("#", 1)[0]

    def thread_id(self, url: str) -> str | None:
        m = re.search(self.THREAD_ID_PATTERN, url.split("#", 1)[0].split("?", 1)[0])
        return m.group(1) if m else None

    def page_number(self, url: str) -> int:
        m = re.search(self.PAGE_NUMBER_PATTERN, url)
        return int(m.group(1)) if m else 1

    # -- thread pages ------------------------------------------------------------------------
    def thread(self, page: Page) -> ThreadPage:
        """Read a thread page: title, forum path, posts, next page."""
        posts = []
        first_position = self.first_position(page)
        for index, node in enumerate(self.post_nodes(page)):
            post = self.parse_post(node, page)
            if post is None:
                continue
            if post.position is None:
                post.position = first_position + index
            posts.append(post)
        url = page.url
        return ThreadPage(
            url=url,
            title=self.thread_title(page),
            forum_path=self.forum_path(page),
            posts=posts,
            next_page=self.next_page(page),
            thread_id=self.thread_id(url),
            page_number=self.page_number(url),
            last_page=self.last_page(page),
        )

    def first_position(self, page: Page) -> int:
        """Position of the first post on this page when posts carry no number (1-based)."""
        return 1

    def last_page(self, page: Page) -> int | None:
        return None

    def thread_title(self, page: Page) -> str | None:
        return first_text(page, self.sel.get("title")) or first_text(page, "meta[property='og:title']::attr(content)")

    def forum_path(self, page: Page) -> list[str]:
        query = self.sel.get("breadcrumbs")
        if not query:
            return []
        crumbs = [re.sub(r"\s+", " ", "".join(_TEXT(n) if hasattr(n, "xpath") else ())).strip() for n in _nodes(page, query)]
        return [c for c in crumbs if c]

    def post_nodes(self, page: Page) -> SelectorList:
        """The page's post containers, one node per post."""
        return self._containers(page)

    def _containers(self, page: Page) -> SelectorList:
        # what the `post` selector matches, found once per page (is_thread_page and thread both ask)
        query = self.sel.get("post")
        if not query:
            return SelectorList([])
        key = ("post_nodes", query)
        if key not in page.memo:
            page.memo[key] = select(page, query)
        return page.memo[key]

    def parse_post(self, node: Selector, page: Page) -> RawPost | None:
        """Read one post container. None for rows that share the post class but are no post."""
        with _indexed(node):
            return self._read_post(node, page)

    def _read_post(self, node: Selector, page: Page) -> RawPost | None:
        raw_id = first_attr(node, self.sel.get("post_id"))
        m = re.search(self.POST_ID_PATTERN, raw_id or "")
        if not m:
            return None
        body_node = _nodes(node, self.sel["body"]) if self.sel.get("body") else None
        if not body_node:
            return None
        body_html, quotes = self.body_and_quotes(Selector(root=body_node[0]), page)
        posted_at, posted_raw = self.post_date(node, page)
        edited_at = None
        edited = first_attr(node, self.sel.get("edited_attr"))
        if edited:
            edited_at = dates.parse_machine(edited)
        elif self.sel.get("edited_text"):
            edited_text = first_text(node, self.sel["edited_text"])
            edited_at = self.parse_date_text(edited_text, page) if edited_text else None
        signature = _nodes(node, self.sel["signature"]) if self.sel.get("signature") else None
        author_url = first_attr(node, self.sel.get("author_url"))
        return RawPost(
            post_id=m.group(1),
            body_html=body_html,
            author=first_text(node, self.sel.get("author")),
            author_id=self.author_id(first_attr(node, self.sel.get("author_id")), author_url),
            author_url=page.absolute(author_url) if author_url else None,
            author_title=first_text(node, self.sel.get("author_title")),
            posted_at=posted_at,
            posted_at_raw=posted_raw,
            edited_at=edited_at,
            quotes=quotes,
            # the element's content: the element itself has the class ("signature") that the
            # normalizer drops as chrome, which emptied every signature a selector matched whole
            signature_html=(_inner_html(signature[0]) if hasattr(signature[0], "tag") else _as_string(signature[0]))
            if signature else None,
            likes=self.likes_count(first_text(node, self.sel.get("likes"))),
            title=first_text(node, self.sel.get("post_title")),
            position=to_int(first_text(node, self.sel.get("position"))),
        )

    def likes_count(self, text: str | None) -> int | None:
        """The number of likes from the `likes` selector's text ("12", "1.2K")."""
        return to_int(text)

    def author_id(self, raw: str | None, author_url: str | None) -> str | None:
        """The author's id: `raw` as it is, or picked out by `AUTHOR_ID_PATTERN`."""
        if not self.AUTHOR_ID_PATTERN:
            return raw
        for value in (raw, author_url):
            m = re.search(self.AUTHOR_ID_PATTERN, value or "")
            if m:
                return next((g for g in m.groups() if g), None)
        return None

    def post_date(self, node: Selector, page: Page) -> tuple[datetime | None, str | None]:
        """Posted-at from the machine attribute first, the visible text second."""
        raw = first_attr(node, self.sel.get("date_attr"))
        if raw:
            parsed = dates.parse_machine(raw)
            if parsed:
                return parsed, raw
        text = first_text(node, self.sel.get("date_text"))
        if text:
            return self.parse_date_text(text, page), text
        return None, raw

    def parse_date_text(self, text: str, page: Page) -> datetime | None:
        return dates.parse_text(text, languages=self.DATE_LANGUAGES, relative_base=page.fetched_at,
                                timezone_name=self.timezone_name)

    def body_and_quotes(self, body: Selector, page: Page) -> tuple[str, list[RawQuote]]:
        """The body's HTML with quote blocks and chrome taken out, and the quotes found."""
        root = _copy(body.root)
        _expand_short_links(root)
        quotes: list[RawQuote] = []
        quote_query = self.sel.get("quote")
        with _copy_of(_post_over(body.root)):
            if quote_query:
                # only outermost quotes become references; nested ones stay inside their parent
                found = _nodes(root, quote_query)
                quotes = [self.parse_quote(Selector(root=q)) for q in found]
                for q in found:
                    _drop(q)
            for query in (self.sel.get("remove") or "").split(","):
                for node in _nodes(root, query.strip()) if query.strip() else []:
                    _drop(node)
        return _inner_html(root), [q for q in quotes if q.html.strip() or q.author]

    def parse_quote(self, q: Selector) -> RawQuote:
        author = first_attr(q, self.sel.get("quote_author_attr")) or None
        if not author and self.sel.get("quote_author_text"):
            author = first_text(q, self.sel["quote_author_text"])
            if author:
                author = re.sub(r"\s*(said|wrote|schrieb|a écrit|escribió|написал)\s*:?\s*$", "", author, flags=re.I)
                author = re.sub(r"^(Quote from|Originally Posted by|Quote)\s*:?\s*", "", author, flags=re.I).strip() or None
        post_id_raw = first_attr(q, self.sel.get("quote_post_id_attr"))
        post_id = None
        if post_id_raw:
            m = re.search(r"(\d+)\s*$", post_id_raw) or re.search(r"(\d+)", post_id_raw)
            post_id = m.group(1) if m else None
        body = _nodes(q, self.sel["quote_body"]) if self.sel.get("quote_body") else None
        for query in (self.sel.get("quote_remove") or "").split(","):
            # the quote is already a copy taken out of the body, so its header can go in place
            for n in (_nodes(q, query.strip()) if query.strip() else []):
                _drop(n)
        html = _inner_html(body[0]) if body else _inner_html(q.root)
        return RawQuote(author=author, post_id=post_id, html=html)


def _unique(items: Iterable[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item.split("#", 1)[0], None)
    return list(seen)


def _copy(node: Any) -> Any:
    # parse once per page, copy the body so removing quotes never changes the page's tree
    return copy.deepcopy(node)


# a link's text that is its own URL cut in the middle: phpBB's "https://host/pa ... /end", FluxBB's
# "https://host/pa … end"
_SHORT_LINK = re.compile(r"^\s*((?:https?://|www\.)\S+?)\s*(?:…|\.\.\.)\s*(\S*)\s*$")


def _expand_short_links(root: Any) -> None:
    """Put the whole URL in place of a shortened copy of it as a link's text, so the text keeps the
    words of the address (the forum cut them out for display only)."""
    for a in root.iter("a"):
        text, href = a.text, a.get("href")
        if not text or not href or len(a) or ("…" not in text and "..." not in text):
            continue
        m = _SHORT_LINK.match(text)
        if m and href.startswith(m.group(1)) and href.endswith(m.group(2)) and len(href) > len(text.strip()) - 4:
            a.text = href


def _drop(node: Any) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    if tail:
        prev = node.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


def _inner_html(node: Any) -> str:
    parts = [node.text or ""] if node.text else []
    parts += [lxml.html.tostring(child, encoding="unicode", with_tail=True) for child in node]
    from html import escape  # noqa: PLC0415

    if parts and node.text:
        parts[0] = escape(node.text, quote=False)
    return "".join(parts).strip()
