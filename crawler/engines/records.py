"""Finding the post records of a page no engine knows, for the generic engine.

`microdata_records` reads schema.org items (DiscussionForumPosting, Comment, Answer, Question,
SocialMediaPosting) with a body of their own. `structure_records` finds the repeated records: it
marks the elements that look like an author (a link to a user page, an element whose class says
author/user) and like a date (`time`, date attributes, short date-shaped text, a short text with a
digit whose class says timestamp or date: "3y"), groups the page's
elements by tag and class, and takes the group whose members most often carry both, weighted by
the text they hold and how many they are, joined by the same elements under parents of a related
class that carry an author (a comment tree's collapsed replies, "comment oneline", may show no
date). A story or question above the records is the lead record when its block names no author
in a header of its own (a submitter named in the running text is no header). Inside each record the body is the descendant kind
(tag and class) that recurs in most records and holds the most text without holding the author
or the date.

What it deliberately does not do: read records that carry neither a date nor an author link
(too easily confused with menus and teasers), or guess a body inside a single record page
without microdata.
"""
from __future__ import annotations

import copy
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import Any

import lxml.html
from lxml import etree

from crawler.engines.base import _drop as _remove
from crawler.engines.base import _inner_html

_POST_TYPES = ("DiscussionForumPosting", "Comment", "Answer", "Question", "SocialMediaPosting")
_BODY_PROPS = {"text", "articleBody", "commentText"}
_DATE_PROPS = ("datePublished", "dateCreated")
_SKIP = {"script", "style", "noscript", "template", "svg", "head", "select", "option", "button", "textarea",
         "iframe", "input"}
_CHROME_TAGS = {"nav", "form", "footer", "aside"}
_INLINE = {"a", "span", "b", "i", "em", "strong", "br", "img"}
_USER_HREF = re.compile(r"/(?:u|user|users|member|members|profile|profiles|people|author|authors|account)"
                        r"(?:/|\.php|[?=#-]|$)|/~[\w.+%-]+/?$|[?&](?:u|user|userid|uid|showuser|member|who)=|/@[\w.-]+/?$|"
                        r"/(?:user|member|profile|u)[-_]?\w*\.(?:php|html?)", re.I)
# "by": Slashdot's byline box, "<span class=by>by <a>name</a></span>", or "by Anonymous Coward" unlinked
_USER_CLASS = re.compile(r"author|user(?!-?select)|poster|nick|member|byline|owner|submitter|uname|^name$|^by$", re.I)
_BY = re.compile(r"^by\s+", re.I)
# a class about the user's rank or standing, not the name ("userRankStatus": "pollinator")
_USER_STANDING = re.compile(r"rank|status|title", re.I)
_DATE_ATTRS = ("datetime", "data-time", "data-timestamp", "data-utime", "data-date", "data-created")
_DATE_ATTR_SET = frozenset(_DATE_ATTRS)
_DATE_TEXT = re.compile(
    r"(?:\b\d{1,2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b|"
    r"\b\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
    r"\b(?:an?|\d+) (?:sec|second|min|minute|hour|day|week|month|year|yr|hr)s? ago\b|\byesterday\b|\btoday\b|"
    r"\b\d+ ?(?:s|m|h|d|w|mo|y|yr|hr|min)s? ago\b)", re.I)
# a short text with a digit in an element whose class calls it a date ("answer_timestamp": "3y")
_DATE_CLASS = re.compile(r"timestamp|(?:^|[\s_-])(?:date|time|posted|posted-at|ago)(?:$|[\s_-])", re.I)
_CHROME_CLASS = re.compile(r"(?:^|[\s_-])(?:vote|votes|score|share|sharing|reply|report|action|actions|toolbar|menu|"
                           r"button|btn|avatar|controls|permalink|flair|badge|tools|options|like|likes|reactions?|"
                           r"signature|footer|buttons|moderation|mod|meta|userinfo|user-info|postinfo|"
                           r"post-info|postprofile|profile|stats|rank|karma|points|tagline)(?:$|[\s_-])", re.I)
# quote blocks: <blockquote>, or a block whose class is "quote" or ends in "-quote"/"_quote"
# ("VBEditorContent-quote") or whose test id names a quote (React sites: data-testid="quote-container");
# outermost only, and with words in it (a "Quote" button is no quote)
_QUOTE_CLASS = ("contains(concat(' ', normalize-space(@class), ' '), ' quote ') or "
                "contains(concat(' ', normalize-space(@class), ' '), '-quote ') or "
                "contains(concat(' ', normalize-space(@class), ' '), '_quote ') or starts-with(@data-testid, 'quote')")
_QUOTES = (f".//*[self::blockquote or (self::div and ({_QUOTE_CLASS}) and string-length(normalize-space()) > 20)]"
           f"[not(ancestor::blockquote) and not(ancestor::div[{_QUOTE_CLASS}])]")
_SIGNATURE_CLASS = re.compile(r"signature|(?:^|\s)sig(?:$|\s)", re.I)
# "Original post by X", "Quote from X": a header that names the author after the words
_QUOTE_BY = re.compile(r"^(?:original(?:ly)? post(?:ed)?|posted|quote|quoting)\s*(?:by|from)\s*:?\s*(.{1,60}?)\s*:?$", re.I)
_QUOTE_HEAD = re.compile(r"^\s*(?:quote\s*(?:from|:)?\s*)?(?:originally posted by\s*)?(.{1,60}?)\s*"
                         r"(?:said|wrote|writes|says|schrieb|a écrit|escribió|написал|napisał|"
                         r"posted(?=\s*(?:\.\.\.|…|:)?\s*$))\b.*$", re.I | re.S)  # "X posted..." (GameFAQs)


_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_LINK_TEXT = etree.XPath(".//a//text()", smart_strings=False)
_HOLDS_TEXT = etree.XPath("//body//text()[contains(normalize-space(.), $probe)]/..")
# the words a reader sees: an avatar's <svg> initials ("FM" before "Former Member") are none
_SHOWN_TEXT = etree.XPath(".//text()[not(ancestor::svg or ancestor::script or ancestor::style)]", smart_strings=False)


@dataclass
class Record:
    """One post found on a page: its element, where its body is, and what its header said."""

    node: Any  # lxml element
    body: Any | None = None  # lxml element; None: the record itself minus chrome
    post_id: str | None = None
    author: str | None = None
    author_url: str | None = None
    author_title: str | None = None
    date_attr: str | None = None
    date_text: str | None = None
    edited_attr: str | None = None
    likes: str | None = None
    position: int | None = None
    chrome: list[Any] = field(default_factory=list)  # elements to drop from a record-as-body
    nested: list[Any] = field(default_factory=list)  # records inside this one (comment trees)


# -- microdata ---------------------------------------------------------------------------------------
def microdata_records(root: Any) -> list[Record]:
    """Records from schema.org microdata items that have a body of their own."""
    test = " or ".join(f"contains(@itemtype, '/{t}')" for t in _POST_TYPES)
    items = root.xpath(f"//*[@itemscope][{test}]")
    found: list[Record] = []
    for item in items:
        own = _own_props(item)
        body = next((own[p] for p in ("text", "articleBody", "commentText") if p in own), None)
        if body is None or not (_text_len(body) or body.get("content")):
            continue
        rec = Record(node=item, body=body, post_id=_post_id(item))
        author = own.get("author")
        if author is not None:
            name = author.xpath(".//*[@itemprop='name']")
            rec.author = _attr_or_text(name[0], "content") if name else _attr_or_text(author, "content")
            link = author.xpath("descendant-or-self::a[@href]/@href | .//*[@itemprop='url']/@href")
            rec.author_url = link[0] if link else None
            title = author.xpath(".//*[@itemprop='jobTitle']")
            rec.author_title = _clean(title[0].text_content()) if title else None
        for prop in _DATE_PROPS:
            if prop in own:
                rec.date_attr = own[prop].get("content") or own[prop].get("datetime")
                rec.date_text = None if rec.date_attr else _clean(own[prop].text_content())
                break
        if "dateModified" in own:
            rec.edited_attr = own["dateModified"].get("content") or own["dateModified"].get("datetime")
        if "upvoteCount" in own:
            rec.likes = own["upvoteCount"].get("content") or _clean(own["upvoteCount"].text_content())
        if "position" in own and (own["position"].get("content") or "").isdigit():
            rec.position = int(own["position"].get("content"))
        found.append(rec)
    by_node = {rec.node: rec for rec in found}
    for rec in found:  # comment trees: each record lists the records inside it
        for anc in rec.node.iterancestors():
            if anc in by_node:
                by_node[anc].nested.append(rec.node)
    return found


def _own_props(item: Any) -> dict[str, Any]:
    """itemprop name -> first element whose nearest enclosing item is `item`."""
    props: dict[str, Any] = {}
    for el in item.xpath(".//*[@itemprop]"):
        owner = el.xpath("ancestor::*[@itemscope][1]")
        if owner and owner[0] is item:
            for name in el.get("itemprop").split():
                props.setdefault(name, el)
    return props


# -- JSON-LD -----------------------------------------------------------------------------------------
def jsonld_records(root: Any) -> list[Record]:
    """Records from JSON-LD posts (`DiscussionForumPosting`, `Comment`, `Answer`, `Question`, and the
    `comment` / `acceptedAnswer` / `suggestedAnswer` lists inside them) that carry their text."""
    import json  # noqa: PLC0415  (only pages with JSON-LD get here)

    found: list[Record] = []
    for script in root.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in _jsonld_posts(data):
            text = item.get("text") or item.get("articleBody") or item.get("commentText")
            if not isinstance(text, str) or not text.strip():
                continue
            paragraphs = "".join(f"<p>{escape(p.strip(), quote=False)}</p>" for p in re.split(r"\n\s*\n", text) if p.strip())
            rec = Record(node=lxml.html.fragment_fromstring(f"<div>{paragraphs}</div>"))
            rec.body = rec.node
            author = item.get("author")
            author = author[0] if isinstance(author, list) and author else author
            if isinstance(author, dict):
                rec.author, rec.author_url = _str(author.get("name")), _str(author.get("url"))
            else:
                rec.author = _str(author)
            rec.date_attr = _str(item.get("datePublished") or item.get("dateCreated"))
            rec.edited_attr = _str(item.get("dateModified"))
            rec.likes = _str(item.get("upvoteCount"))
            ident = _str(item.get("@id") or item.get("url")) or ""
            m = re.search(r"(\d+)\D*$", ident)
            rec.post_id = m.group(1) if m else None
            found.append(rec)
    return found


def same_text(rec: Record, others: list[Record]) -> bool:
    """True when `rec`'s text begins one of `others`' texts (the same post read twice)."""
    head = _clean(rec.node.text_content())[:60]
    return any(head and head in _clean(o.node.text_content()) for o in others)


def page_copy(rec: Record, root: Any) -> Any | None:
    """The page's own block holding a JSON-LD post's text, whole: JSON-LD often carries a summary
    cut after a few sentences while the page shows the post in full. None when the page has no
    block that starts with the same words and holds at least as much text."""
    text = _clean(rec.node.text_content())
    first = _clean(rec.node[0].text_content()) if len(rec.node) else text
    probe = first[:40]
    if len(probe) < 15:
        return None
    for node in _HOLDS_TEXT(root, probe=probe):
        if node.tag in _SKIP:
            continue
        for block in node.iterancestors():  # the innermost block that holds all of the summary
            if block.tag in {"body", "html"}:
                break
            if block.tag in _BLOCKS and len(_clean(block.text_content())) >= len(text):
                return block if _clean(block.text_content()).startswith(probe) else None
        return None
    return None


def _jsonld_posts(data: Any) -> list[dict[str, Any]]:
    """Post objects in a JSON-LD document, in reading order (a post, then the replies it lists)."""
    out: list[dict[str, Any]] = []
    if isinstance(data, list):
        for d in data:
            out += _jsonld_posts(d)
    elif isinstance(data, dict):
        kinds = data.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if any(k in _POST_TYPES for k in kinds):
            out.append(data)
        for key in ("@graph", "mainEntity", "acceptedAnswer", "suggestedAnswer", "comment"):
            if key in data:
                out += _jsonld_posts(data[key])
    return out


def _str(value: Any) -> str | None:
    return str(value).strip() or None if isinstance(value, (str, int, float)) else None


# -- structure ---------------------------------------------------------------------------------------
@dataclass
class _PageIndex:
    """Per-element facts for one page, computed in one pass."""

    text: dict[Any, int]
    authors: dict[Any, list[Any]]  # element -> author markers inside it (document order)
    dates: dict[Any, list[Any]]


def structure_records(root: Any, min_records: int = 2) -> list[Record]:
    """The repeated post records of a page, found by structure; [] when there are none."""
    body = root.find("body") if root.tag == "html" else root
    if body is None:
        return []
    index = _index(body)
    best = _best_group(body, index, min_records)
    if not best:
        return []
    members = best
    member_set = set(members)
    records = []
    for node in members:
        nested = [d for d in node.iterdescendants() if d in member_set]
        records.append(_structure_record(node, nested, index))
    # a member with neither an author nor a date of its own is no post: a page wrapper whose
    # utility classes match the records' ("q-box"), holding them all
    records = [r for r in records if r.author or r.date_attr or r.date_text]
    _choose_bodies(records, index)
    found = [r for r in records if r.body is not None or _own_text(r.node, r.nested, index) > 0]
    lead = _lead_record(members, index)
    return ([lead] if lead else []) + found


_BLOCKS = {"div", "section", "article", "main", "td", "blockquote"}


def _lead_record(members: list[Any], index: _PageIndex) -> Record | None:
    """The opening post when it is marked up apart from the replies (a question above its answers,
    an article above its comments): the largest text block before the first record that holds no
    date or author of its own (those are records, or a record's header and body together), under a
    header that carries an author and a date."""
    first = members[0]
    blocks = [el for el in first.xpath("preceding::*[self::div or self::section or self::article or self::td]")
              if index.text.get(el, 0) >= 150 and not index.dates.get(el) and not _inside_chrome(el)]

    def candidate(el: Any) -> bool:  # asked lazily, from the largest block down: both walk the block
        return not _header_author(el, index) and not _mostly_links(el, index)  # menus are no post

    most = next((index.text[el] for el in sorted(blocks, key=index.text.__getitem__, reverse=True)
                 if candidate(el)), None)
    if most is None:
        return None
    # the innermost block that holds (nearly) all of that text
    body = next(el for el in reversed(blocks) if index.text[el] >= 0.8 * most and candidate(el))
    header = body
    for _ in range(4):
        header = header.getparent()
        if header is None or header.tag == "body":
            return None
        if first in header.iterdescendants():
            # the block that holds the opening post holds the replies too: its own author and
            # date (outside the records), printed before the first reply, head the opening post
            inside = [m for m in members if header in m.iterancestors()]
            rec = _structure_record(header, inside, index)
            order = {el: i for i, el in enumerate(header.iter())}
            if rec.author and (rec.date_attr or rec.date_text) and order[rec.chrome[-1]] < order[first]:
                rec.body = body
                return rec
            continue  # the byline may sit a level up, in a <header> beside the posts' block
        if index.dates.get(header) and (index.authors.get(header) or _name_beside(index.dates[header][0])):
            break
    else:
        return None
    rec = _structure_record(header, [], index)
    rec.body = body
    return rec


def lead_before(root: Any, nodes: list[Any]) -> Record | None:
    """The opening post above records found otherwise (schema.org comments under a question or
    story that carries no microdata of its own), as `structure_records` finds a lead record."""
    body = root.find("body") if root.tag == "html" else root
    return None if body is None or not nodes else _lead_record(nodes, _index(body))


def _rest_is_links(outer: tuple[Any, ...], inner: tuple[Any, ...], candidates: list[dict[tuple[Any, ...], Any]],
                   index: _PageIndex) -> bool:
    """True when the text of the `outer` blocks that their `inner` blocks leave out is mostly links."""
    rest = links = 0
    for seen in candidates:
        if outer in seen and inner in seen:
            rest += index.text.get(seen[outer], 0) - index.text.get(seen[inner], 0)
            links += _link_text(seen[outer]) - _link_text(seen[inner])
    return rest > 0 and links >= 0.5 * rest


def _link_text(block: Any) -> int:
    """The length of the (space-folded) text of the links in `block`."""
    return sum(len(" ".join(t.split())) for t in _LINK_TEXT(block))


def _mostly_links(block: Any, index: _PageIndex) -> bool:
    return _link_text(block) > 0.75 * index.text[block]


def _header_author(block: Any, index: _PageIndex) -> bool:
    """True when `block` has an author marker of its own, not one inside its running text (a story
    naming who sent it in, "<a href=/~name>name</a> shares a post: …")."""
    return any(len(_clean(m.getparent().text_content())) < 150 for m in index.authors.get(block, []))


def _index(body: Any) -> _PageIndex:
    text: dict[Any, int] = {}
    authors: dict[Any, list[Any]] = defaultdict(list)
    dates: dict[Any, list[Any]] = defaultdict(list)
    elements = [el for el in body.iter() if isinstance(el.tag, str)]
    for el in reversed(elements):  # children before parents
        if el.tag in _SKIP:
            text[el] = 0
            continue
        n = len((el.text or "").strip())
        for child in el:
            if isinstance(child.tag, str):
                n += text.get(child, 0)
            n += len((child.tail or "").strip())
        text[el] = n
    for el in elements:
        if el.tag in _SKIP:
            continue
        kind = _marker(el, text[el])
        if kind is None:
            continue
        target = authors if kind == "author" else dates
        for anc in el.iterancestors():
            target[anc].append(el)
        target[el].append(el)
    return _PageIndex(text, authors, dates)


def _marker(el: Any, length: int) -> str | None:
    """'author' or 'date' when `el` looks like one in a post header."""
    if el.tag == "time" or (not _DATE_ATTR_SET.isdisjoint(el.keys()) and any(el.get(a) for a in _DATE_ATTRS)):
        return "date"
    if length == 0 or length > 60:
        return None
    cls = el.get("class") or ""
    user_cls = cls and _user_class(cls)
    if el.tag == "a":
        href = el.get("href") or ""
        if _USER_HREF.search(href) or el.get("rel") == "author" or (user_cls and length < 40):
            return "author"
    elif user_cls and length < 40 and len(el) <= 2 and el.tag in {"span", "strong", "b", "div", "cite"}:
        return "author"
    # "on Friday January 12, 2024 @11:51AM (#1)": a date in the element's own first words
    if len(el) <= 4 and el.text and _DATE_TEXT.search(el.text):
        return "date"
    if el.get("title") and _DATE_TEXT.search(el.get("title") or "") and length < 45:
        return "date"
    if length < 30 and cls and _date_class(cls) and _DIGIT.search(el.text_content()):
        return "date"
    return None


# a page repeats a few hundred class strings over thousands of elements (long utility-class lists
# among them): each is searched once
@lru_cache(maxsize=4096)
def _user_class(cls: str) -> bool:
    """True when a class attribute calls its element the user's name (not the user's rank)."""
    return bool(_USER_CLASS.search(cls)) and not _USER_STANDING.search(cls)


@lru_cache(maxsize=4096)
def _date_class(cls: str) -> bool:
    return _DATE_CLASS.search(cls) is not None


def _key(el: Any) -> tuple[str, tuple[str, ...]]:
    return el.tag, _class_key(el.get("class") or "")


@lru_cache(maxsize=4096)
def _class_key(cls: str) -> tuple[str, ...]:
    """A class attribute as a kind: its classes sorted, those with digits (ids) left out. A page
    repeats a few hundred class strings over thousands of elements: each is worked out once."""
    return tuple(sorted(c for c in cls.split() if not _has_digit(c)))


def _has_digit(token: str) -> bool:
    return _DIGIT.search(token) is not None


def _best_group(body: Any, index: _PageIndex, min_records: int) -> list[Any]:
    """The members of the best group of dated elements (same tag and classes, under parents of the
    same tag and classes), joined by the elements of the same kind under parents of a related
    class that carry an author of their own: comment trees mark a reply's state on its parent
    ("comment full", "comment oneline"), and a collapsed reply may show no date."""
    groups: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    kinds: dict[tuple[Any, ...], list[Any]] = defaultdict(list)  # (parent tag, tag, classes) -> elements
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP or el.tag in {"a", "span", "p", "br", "img", "b", "i", "em",
                                                                       "strong", "li", "time", "body", "html"}:
            continue
        parent = el.getparent()
        if index.text.get(el, 0) < 15 or parent is None:
            continue
        kinds[(parent.tag, *_key(el))].append(el)
        if el in index.dates:
            groups[(_key(parent), *_key(el))].append(el)
    scores = {key: _group_score(members, index) for key, members in groups.items() if len(members) >= min_records}
    best = max((k for k in scores if scores[k]), key=scores.get, default=None)
    if best is None:
        return []
    members = set(groups[best])
    # kin: the same elements under parents of the same tag that share a class with the group's
    # parents ("comment full" and "comment oneline")
    kin = [el for el in kinds[(best[0][0], *best[1:])]
           if el in members or set(_key(el.getparent())[1]) & set(best[0][1])]
    kin_set = set(kin)
    return [el for el in kin if el in members or _has_own(index.authors.get(el, ()), el, kin_set)]


def _group_score(members: list[Any], index: _PageIndex) -> float:
    """How much a group looks like the page's post records (0: not at all)."""
    member_set = set(members)
    with_date = sum(1 for m in members if _has_own(index.dates.get(m, ()), m, member_set))
    fd = with_date / len(members)
    if fd < 0.5:
        return 0.0
    with_author = sum(1 for m in members if _has_own(index.authors.get(m, ()), m, member_set))
    fa = with_author / len(members)
    if fa < 0.5 and fd >= 0.8:  # names shown as plain text beside the date (no profile links)
        named = sum(1 for m in members if _name_beside(_first_own(index.dates.get(m, ()), m, member_set)))
        fa = 0.7 * named / len(members)
    if fa < 0.5:
        return 0.0
    own = sum(_own_text(m, [d for d in m.iterdescendants() if d in member_set], index) for m in members)
    if own < 80 * len(members) ** 0.5:
        return 0.0
    linked = sum(_link_text(m) for m in members)
    if linked > 0.6 * sum(index.text.get(m, 0) for m in members):
        return 0.0  # rows of a thread list (title, author and last poster are links), not posts
    score = own * fa * fd * min(len(members), 30) ** 0.5
    return score * 0.2 if _inside_chrome(members[0]) else score


def _has_own(markers: Iterable[Any], node: Any, member_set: set[Any]) -> bool:
    """True when a marker lies in `node` and not inside a nested record."""
    for m in markers:
        inner = next((a for a in m.iterancestors() if a is node or a in member_set), None)
        if inner is node or m is node:
            return True
    return False


def _first_own(markers: Iterable[Any], node: Any, member_set: set[Any]) -> Any | None:
    for m in markers:
        inner = next((a for a in m.iterancestors() if a is node or a in member_set), None)
        if inner is node or m is node:
            return m
    return None


def _name_beside(date: Any | None) -> str | None:
    """A user name printed as plain text just before a date ("keepingsanity · 03/03/2026")."""
    if date is None:
        return None
    parent = date.getparent()
    prev = _previous_element(date)
    for candidate in (prev.text_content() if prev is not None else None,
                      parent.text if parent is not None and prev is None else None):
        name = _clean(candidate).strip(" ·|•-–—:,")
        if name and len(name) <= 40 and len(name.split()) <= 4 and not _DATE_TEXT.search(name) and not name.isdigit():
            return name
    return None


def _previous_element(el: Any) -> Any | None:
    """The previous sibling that is an element (not a comment or processing instruction)."""
    prev = el.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()
    return prev


def _inside_chrome(el: Any) -> bool:
    return any(a.tag in _CHROME_TAGS or a.tag == "header" for a in el.iterancestors())


def _own_text(node: Any, nested: list[Any], index: _PageIndex) -> int:
    outer_nested = [n for n in nested if not any(a in nested for a in n.iterancestors() if a is not node)]
    return index.text.get(node, 0) - sum(index.text.get(n, 0) for n in outer_nested)


def _structure_record(node: Any, nested: list[Any], index: _PageIndex) -> Record:
    nested_set = set(nested)

    def own(markers: Iterable[Any]) -> list[Any]:
        return [m for m in markers if not any(a in nested_set for a in m.iterancestors() if a is not node)
                and m not in nested_set]

    rec = Record(node=node, nested=nested, post_id=_post_id(node))
    authors, dates = own(index.authors.get(node, ())), own(index.dates.get(node, ()))
    if authors:
        a = authors[0]
        # a box whose class says "author" around the profile link and the user's badges ("AtlanG CO"):
        # the name is the link's
        name = next((m for m in authors[1:] if m.tag == "a" and a in m.iterancestors()), a)
        rec.author = _clean("".join(_SHOWN_TEXT(name))) or None
        if rec.author and name.tag != "a":  # a byline box without a link: "by Anonymous Coward"
            rec.author = _BY.sub("", rec.author) or None
        rec.author_url = name.get("href") if name.tag == "a" else next(iter(a.xpath(".//a/@href")), None)
        rec.chrome.append(a)
    if dates and not authors:
        rec.author = _name_beside(dates[0])
        if rec.author and _previous_element(dates[0]) is not None:
            rec.chrome.append(_previous_element(dates[0]))
    if dates:
        d = dates[0]
        rec.date_attr = next((d.get(x) for x in _DATE_ATTRS if d.get(x)), None)
        # a full date in a tooltip beats the visible "1 year ago"
        full = [d.get(a) for a in ("title", "data-tippy-content", "aria-label") if re.search(r"\d{4}", d.get(a) or "")]
        shown = re.sub(r"\s*@\s*", " ", d.text_content())  # "January 12, 2024 @11:51AM"
        rec.date_text = _clean(full[0] if full else re.sub(r"\(#?\d+\)|\(#\d+\s*\)", "", shown)) or None
        rec.chrome.append(d)
    return rec


def _choose_bodies(records: list[Record], index: _PageIndex) -> None:
    """Give each record the body element of the kind most records share (or none: record minus chrome)."""
    totals: Counter[tuple[Any, ...]] = Counter()
    coverage: Counter[tuple[Any, ...]] = Counter()
    candidates: list[dict[tuple[Any, ...], Any]] = []
    for rec in records:
        inside_nested: set[Any] = set()
        nested_text: Counter[Any] = Counter()  # element -> text of the nested records inside it
        for n in rec.nested:
            if n not in inside_nested:
                for anc in n.iterancestors():
                    if anc is rec.node:
                        break
                    nested_text[anc] += index.text.get(n, 0)
            inside_nested.update(n.iter())
        header: set[Any] = set()  # the author and date, and everything holding them
        for m in rec.chrome:
            header.add(m)
            header.update(m.iterancestors())
        seen: dict[tuple[Any, ...], Any] = {}
        for el in rec.node.iterdescendants():
            if (not isinstance(el.tag, str) or el.tag in _SKIP or el.tag in _INLINE or el in inside_nested
                    or el in header):
                continue
            key = _key(el)
            if key in seen:
                continue
            seen[key] = el
            totals[key] += index.text.get(el, 0) - nested_text.get(el, 0)
            coverage[key] += 1
        candidates.append(seen)
    if not totals:
        return
    need = max(1, int(0.6 * len(records) + 0.5))
    own_total = sum(_own_text(r.node, r.nested, index) for r in records) or 1
    good = [k for k in totals if coverage[k] >= need and totals[k] >= 0.4 * own_total]
    if not good:
        return
    best = max(good, key=lambda k: totals[k])
    # a wrapper that also holds the post's footer (reply/quote/report links, a linked signature):
    # the block inside it that holds the text outside those links is the body
    inner = [k for k in good if k != best and k[0] in _BLOCKS and k[0] != "blockquote"
             and totals[k] >= 0.5 * totals[best] and coverage[k] >= coverage[best]
             and all(seen[k] in seen[best].iterdescendants() for seen in candidates if k in seen and best in seen)
             and _rest_is_links(best, k, candidates, index)]
    if inner:
        best = max(inner, key=lambda k: totals[k])
    for rec, seen in zip(records, candidates):
        rec.body = seen.get(best)


# -- bodies ------------------------------------------------------------------------------------------
_WALL_FORM = etree.XPath(".//form[.//input[@type='email' or @type='password']]")


def behind_a_wall(rec: Record) -> bool:
    """True when the record's body holds a sign-up or log-in form: the post is shown to members
    only, and what the page prints in its place is filler ("See all comments - 100% free")."""
    return rec.body is not None and rec.body.tag != "meta" and bool(_WALL_FORM(rec.body))


_QUOTES_XPATH = etree.XPath(_QUOTES)


@lru_cache(maxsize=4096)
def _signature_class(cls: str) -> bool:
    return _SIGNATURE_CLASS.search(cls) is not None


@lru_cache(maxsize=4096)
def _chrome_class(cls: str) -> bool:
    return _CHROME_CLASS.search(cls) is not None


def body_parts(rec: Record) -> tuple[str, list[tuple[str | None, str | None, str]], str | None]:
    """The record's body HTML without quotes, signature and chrome; its quotes; its signature HTML."""
    source = rec.body if rec.body is not None else rec.node
    if source.tag == "meta":  # the text given whole in a meta tag (the rendered copy sits elsewhere)
        return "<p>" + escape(source.get("content") or "", quote=False) + "</p>", [], None
    root = copy.deepcopy(source)
    nested_ids = {id(n) for n in rec.nested}
    # deepcopy loses identity: mark nested records and chrome by their position in the original tree
    originals = list(source.iter())
    copies = list(root.iter())
    chrome = set(rec.chrome) if rec.body is None else set()
    drop = [c for o, c in zip(originals, copies) if id(o) in nested_ids or o in chrome]
    dropped = set(drop)
    signature = None
    for o, c in zip(originals, copies):
        if not isinstance(o.tag, str) or c in dropped:
            continue
        cls = o.get("class") or ""
        if cls and _signature_class(cls):
            signature = signature or _inner_html(c)
            drop.append(c)
            dropped.add(c)
        elif o.tag in _SKIP or (rec.body is None and (o.tag in _CHROME_TAGS or (cls and _chrome_class(cls)))):
            drop.append(c)
            dropped.add(c)
    for c in drop:
        _remove(c)
    if signature is None and rec.body is not None:  # a signature next to the body, in the record
        nested = set(rec.nested)
        for el in rec.node.iterdescendants():
            if isinstance(el.tag, str) and _signature_class(el.get("class") or "") and not (
                    set(el.iterancestors()) & nested):
                signature = _inner_html(el)
                break
    _drop_cut_previews(root)
    quotes = []
    for q in _QUOTES_XPATH(root):
        quotes.append(_quote(q))
        _remove(q)
    return _inner_html(root), quotes, signature


# a block the page hides until the reader asks for it: the hidden attribute, an inline
# display:none, a "hidden"/"d-none" class or a utility class ending in "display--none" (Quora)
_HIDDEN = etree.XPath(".//*[@hidden or contains(translate(@style, ' ', ''), 'display:none') or "
                      "contains(concat(' ', normalize-space(@class), ' '), ' hidden ') or "
                      "contains(concat(' ', normalize-space(@class), ' '), ' d-none ') or "
                      "contains(concat(@class, ' '), 'display--none ')]")
_NOT_WORD = re.compile(r"\W+")
_MORE_BUTTON = re.compile(r"(?:continuereading|readmore|seemore|showmore|more)$", re.I)
_PREVIEW_CHARS = 50  # word characters a preview and its hidden text hold at least (no button or label)


def _drop_cut_previews(root: Any) -> None:
    """A post shown cut short, its whole text in a hidden block after it ("… Continue Reading",
    Quora): the preview, a copy of the first lines, goes; the whole text stays. The preview is the
    nearest block before the hidden one (or before a block holding it) with words in it, and goes
    only when its words (without the button's) are where the hidden text starts."""
    for hidden in _HIDDEN(root):
        whole = _NOT_WORD.sub("", hidden.text_content())
        if len(whole) < _PREVIEW_CHARS:
            continue
        el = hidden
        while el is not root and el.getparent() is not None:
            shown = next((s for s in el.itersiblings(preceding=True)
                          if isinstance(s.tag, str) and len(_NOT_WORD.sub("", s.text_content())) >= _PREVIEW_CHARS), None)
            if shown is not None:
                preview = _MORE_BUTTON.sub("", _NOT_WORD.sub("", shown.text_content()))
                if whole.startswith(preview):  # the whole text again when it is short
                    _remove(shown)
                break
            el = el.getparent()


def _quote(q: Any) -> tuple[str | None, str | None, str]:
    author = q.get("data-author") or q.get("data-quote") or None
    # the header: a <cite> (also inside the quote's first paragraph), else a short first block
    head = (q.xpath("./cite | ./*[1][self::p or self::div]/cite[1]")
            or q.xpath("./*[1][self::div or self::p or self::strong or self::b][contains(., ':')]"))
    if not author and not head:
        # a header further in ("Original post by X" in a span beside the quoted text): the innermost
        # element that says it, not a short quote's whole text
        found = [el for el in q.iterdescendants() if isinstance(el.tag, str) and _QUOTE_BY.match(_clean(el.text_content()))]
        inner = next((el for el in found if not any(el in other.iterancestors() for other in found)), None)
        if inner is not None:
            author, head = _QUOTE_BY.match(_clean(inner.text_content())).group(1).strip(" \"'"), [inner]
    if not author:
        candidate = head[0].text_content() if head else ""
        prev = _header_before(q)
        if not candidate and prev is not None and len(_clean(prev.text_content())) < 80:
            candidate = prev.text_content()
        m = _QUOTE_HEAD.match(_clean(candidate))
        author = m.group(1).strip(" \"'") if m else (_clean(candidate).rstrip(":") if head and head[0].tag == "cite" else None)
        if m and not head and prev is not None:
            _remove(prev)  # "X wrote:" printed above the quote is the quote's header, not the reply's words
    for h in head[:1]:
        # a block that goes on past the header line holds quoted words too: it stays
        if author and author in h.text_content() and (h.tag == "cite" or len(_clean(h.text_content())) < 80):
            _remove(h)
    post_id = None
    source = q.get("data-source") or q.get("cite") or ""
    m = re.search(r"(\d+)\s*$", source)
    if m:
        post_id = m.group(1)
    return author or None, post_id, _inner_html(q)


def _header_before(q: Any) -> Any | None:
    """The element just above a quote (line breaks and blank text between skipped): where "X wrote:"
    or "X posted..." stands when the quote does not hold its header."""
    prev = q.getprevious()
    while prev is not None and (not isinstance(prev.tag, str) or prev.tag == "br") and not (prev.tail or "").strip():
        prev = prev.getprevious()
    return prev if prev is not None and isinstance(prev.tag, str) and not (prev.tail or "").strip() else None


# -- small helpers -----------------------------------------------------------------------------------
def _post_id(node: Any) -> str | None:
    for attr in ("data-post-id", "data-postid", "data-comment-id", "data-id", "data-pid", "id", "data-fullname", "name"):
        value = node.get(attr)
        if value:
            m = re.search(r"(\d+|t1_\w+)\D*$", value) or re.search(r"(\d+)", value)
            if m:
                return m.group(1)
    anchor = node.xpath("./a[@name]/@name | ./*[1]//a[@name]/@name")
    for value in anchor[:1]:
        m = re.search(r"(\d+)", value)
        if m:
            return m.group(1)
    return None


def _attr_or_text(el: Any, attr: str) -> str | None:
    return _clean(el.get(attr) or el.text_content()) or None


def _clean(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def _text_len(el: Any) -> int:
    return len(_clean(el.text_content()))
