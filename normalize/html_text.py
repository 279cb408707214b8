"""Step 1: post body HTML to plain text.

The rule that matters most: inline elements keep the source's spacing and block elements give line
breaks. Getting this wrong is where "notesNEWSru" and "arguedthat" come from (text joined across a
link without the space the source had, or a space invented inside a word split by markup).
Where the source itself has no space at a link's edge ("to<a>Reuters</a>"), the word that runs
across the edge is reported in `link_glue`, for the glued-word step to decide on.

What never reaches the text, whatever the engine left in: quote blocks, "Click to expand..." links,
spoiler buttons, signatures, "Last edited" notes, attachment lists, scripts and styles. Those are
matched by the selectors in `DROP_CLASSES` / `DROP_TAGS` below (data, not code, so a new engine's
quirk is one line). Code blocks (`<pre>`, `.bbCodeCode`, ...) are kept verbatim and reported as
`code` strings so every later fix leaves them alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

# Elements that start and end a paragraph (blank line around them).
PARAGRAPH_TAGS = frozenset(
    "p div section article aside header footer main nav h1 h2 h3 h4 h5 h6 ul ol dl table "
    "figure form fieldset details address hr center".split()
)
# Elements that start and end a line, but not a paragraph.
LINE_TAGS = frozenset("li dt dd tr caption summary figcaption option legend".split())
CELL_TAGS = frozenset(("td", "th"))
CODE_BLOCK_TAGS = frozenset(("pre",))
# Dropped with their content.
DROP_TAGS = frozenset(
    "script style noscript template head button select textarea iframe object embed svg "
    "video audio canvas input map".split()
)
# Any element whose class list contains one of these is dropped with its content. Quote blocks and
# signatures are normally taken out by the engine first; this is the safety net, across engines.
DROP_CLASSES = frozenset(
    """
    bbCodeBlock--quote bbCodeQuote quoteContainer quote quotecontent quotetitle ipsQuote
    bbCodeBlock-expandLink quoteExpand bbCodeBlock-title
    bbCodeSpoiler-button spoiler-button spoilerbutton ipsSpoiler_header
    signature message-signature postsignature sig sigline ipsSignature
    message-lastEdit editedby lastedit post-edited edit-notice editnote modified
    attachments attachmentList message-attachments attachbox postattachments attachment-list
    message-footer likesBar reactionsBar sharethis
    """.split()
)
CODE_CLASSES = frozenset("bbCodeCode codebox code-block codecontent ipsCode".split())
# Smilies: their alt text ("8)", ":lol:") is kept, other images are dropped (their alt is usually
# a file name).
SMILIE_CLASSES = frozenset("smilie smiley emoji emoticon wp-smiley".split())
_EMOTICON_ALT = re.compile(r"^(?:[:;8=xX][\-o']?[()DPpO|/\\*\]\[]{1,2}|:[a-z_]{1,20}:|\W{1,4})$")

_WS = re.compile(r"[ \t\n\r\f]+")
_BREAK = "\x00"  # marks a forced line break while inline text is assembled


@dataclass
class HtmlText:
    """Text extracted from HTML and the verbatim code strings inside it."""

    text: str
    code: list[str] = field(default_factory=list)
    # Words a link glued to the text beside it ("the<a>report</a>yesterday" gives
    # ("thereportyesterday", (3, 9))): each word with the offsets inside it where a link starts or ends.
    link_glue: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)


_NO_CLASSES: frozenset[str] = frozenset()


def _classes(el: etree._Element) -> frozenset[str] | set[str]:
    value = el.get("class")  # (most elements of a post have none: no set to build)
    return set(value.split()) if value else _NO_CLASSES


def _is_dropped(el: etree._Element, tag: str, cls: frozenset[str] | set[str]) -> bool:
    if tag in DROP_TAGS:
        return True
    if cls & DROP_CLASSES:
        return True
    if tag == "blockquote":
        # A bare <blockquote> or one marked as a quote is a quote; XenForo 1 uses
        # <blockquote class="messageText"> as the post body itself, which must stay.
        return not cls or any("quote" in c.lower() for c in cls) or el.get("data-author") is not None
    return False


def _is_code_block(tag: str, cls: frozenset[str] | set[str]) -> bool:
    return tag in CODE_BLOCK_TAGS or bool(cls & CODE_CLASSES)


class _Writer:
    """Collects text pieces; block boundaries are recorded as pending breaks so that runs of
    nested blocks give one break, not many."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending = 0  # 0 = none, 1 = line break, 2 = paragraph break
        self.code: list[str] = []
        self._last_code = False
        # (start, end) of each link's text as indexes in `parts`, not offsets: a part's trailing
        # spaces may still be stripped at a later break
        self.links: list[tuple[int, int]] = []

    def brk(self, level: int) -> None:
        if self.parts:
            self.pending = max(self.pending, level)

    def _flush_break(self) -> None:
        if self.parts and not self._last_code:
            self.parts[-1] = self.parts[-1].rstrip(" ")  # indentation before a break is not content
        self.parts.append("\n" * self.pending)
        self.pending = 0

    def text(self, s: str) -> None:
        if not s:
            return
        s = _WS.sub(" ", s)
        if self.pending:
            s = s.lstrip(" ")
            if not s:
                return
            self._flush_break()
        elif not self.parts:
            s = s.lstrip(" ")
        elif s.startswith(" ") and not self._last_code and self.parts[-1].endswith((" ", "\n")):
            s = s.lstrip(" ")  # HTML collapses whitespace across element boundaries
        if s:
            self.parts.append(s)
            self._last_code = False

    def verbatim(self, s: str) -> None:
        s = s.strip("\n")
        if not s.strip():
            return
        self.brk(2)
        if self.pending:
            self._flush_break()
        self.parts.append(s)
        self._last_code = True
        self.code.append(s)
        self.brk(2)

    def line_break(self) -> None:
        # <br><br> is a paragraph break; a single <br> a line break.
        self.pending = 2 if self.pending == 1 else max(self.pending, 1)
        if not self.parts:
            self.pending = 0


def _walk(el: etree._Element, out: _Writer) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if not tag:  # comments, processing instructions: only their tail is text
        out.text(el.tail or "")
        return
    tag = tag.lower()
    cls = _classes(el)
    if _is_dropped(el, tag, cls):
        out.text(el.tail or "")
        return
    if _is_code_block(tag, cls):
        out.verbatim("".join(el.itertext()))
        out.text(el.tail or "")
        return
    if el.get("data-cfemail"):  # Cloudflare's e-mail obfuscation: "[email protected]" in the page
        out.text(_cf_email(el.get("data-cfemail")) or "".join(el.itertext()))
        out.text(el.tail or "")
        return
    if tag == "br":
        out.line_break()
        out.text(el.tail or "")
        return
    if tag == "img":
        alt = (el.get("alt") or "").strip()
        if alt and (cls & SMILIE_CLASSES or _EMOTICON_ALT.match(alt)):
            out.text(alt)
        out.text(el.tail or "")
        return
    block = 2 if tag in PARAGRAPH_TAGS else 1 if tag in LINE_TAGS else 0
    if block:
        out.brk(block)
    if tag == "li" and el.getparent() is not None and el.getparent().tag == "ol":
        out.text(f"{list(el.getparent()).index(el) + 1}. ")
    elif tag == "li":
        out.text("- ")
    link_start = len(out.parts)
    out.text(el.text or "")
    for child in el:
        _walk(child, out)
    if tag == "a":
        out.links.append((link_start, len(out.parts)))
    if tag in CELL_TAGS:
        out.text(" ")  # cells of a row on one line, separated
    if block:
        out.brk(block)
    out.text(el.tail or "")


def _cf_email(hexed: str) -> str | None:
    """The address Cloudflare hid in `data-cfemail`: hex bytes, each XORed with the first."""
    try:
        data = bytes.fromhex(hexed)
    except ValueError:
        return None
    return bytes(b ^ data[0] for b in data[1:]).decode("utf-8", "replace") if len(data) > 1 else None


def html_to_text(html: str) -> HtmlText:
    """Turn a post body's HTML into text: paragraphs separated by a blank line, lines by a newline,
    inline elements joined exactly as the source spaced them. Entities are decoded by the parser.

    >>> html_to_text("argued <a href='#'>that</a> it was<br>so").text
    'argued that it was\\nso'
    """
    if not html or not html.strip():
        return HtmlText("")
    try:
        root = _fragment_body(html)
    except (etree.ParserError, ValueError):
        return HtmlText(html.strip())
    out = _Writer()
    out.text(root.text or "")
    for child in root:
        _walk(child, out)
    if out.parts and not out._last_code:
        out.parts[-1] = out.parts[-1].rstrip(" ")
    text = "".join(out.parts)
    return HtmlText(text, out.code, _link_glue(text, out.parts, out.links))


class HtmlParser(lxml.html.HTMLParser):
    """`lxml.html.HTMLParser` (same parsing, same `HtmlElement` methods) whose element classes are
    picked in C: lxml.html's own lookup is a Python call for every element object lxml makes, ~0.3 µs
    each, and reading a post makes hundreds. Forms, inputs and labels are plain `HtmlElement`s (their
    form-filling methods are never used here)."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))


_PARSER = HtmlParser()
_FULL_HTML = re.compile(r"^\s*<(?:html|!doctype)", re.I)  # as lxml.html tells a document from a fragment


def _fragment_body(html: str) -> etree._Element:
    """The element whose text and children are the fragment's, parsed as
    `lxml.html.fragment_fromstring(html, create_parent="div")` parses it, without moving every
    child into a new <div> (a tenth of reading a post body): the parsed <body> itself. What differs,
    the body's whitespace-only leading text and the element's tag and parent, `html_to_text` reads
    the same (leading spaces are dropped; no rule looks above a top-level element but `li`'s)."""
    if not isinstance(html, str):
        return lxml.html.fragment_fromstring(html, create_parent="div")
    doc = lxml.html.document_fromstring(html if _FULL_HTML.match(html) else f"<html><body>{html}</body></html>",
                                        parser=_PARSER)
    bodies = [e for e in doc if e.tag == "body"] if doc.tag == "html" else []
    if len(bodies) != 1:  # not a shape seen, but the plain way reads anything
        return lxml.html.fragment_fromstring(html, create_parent="div")
    return bodies[0]


_WORD_CHAR = re.compile(r"\w")
_WORD_RUN = re.compile(r"\w+")


def _link_glue(text: str, parts: list[str], links: list[tuple[int, int]]) -> list[tuple[str, tuple[int, ...]]]:
    """The words of `text` that run across a link's edge (a word character on both sides of it,
    the link's text not empty), each with its cut offsets: where the source's markup shows a space is
    missing ("to<a>Reuters</a>"). `links`: the part indexes where each link's text starts and ends."""
    if not links:
        return []
    offsets = [0]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    edges: set[int] = set()
    for start, end in links:
        a, b = offsets[start], offsets[end]
        if a >= b:
            continue  # a link without text (an image): the text beside it is not glued to it
        edges.update(e for e in (a, b) if 0 < e < len(text)
                     and _WORD_CHAR.match(text, e - 1) and _WORD_CHAR.match(text, e))
    words: dict[tuple[int, int], list[int]] = {}
    for e in sorted(edges):
        s = e
        while s > 0 and _WORD_CHAR.match(text, s - 1):
            s -= 1
        m = _WORD_RUN.match(text, s)
        words.setdefault(m.span(), []).append(e - s)
    return [(text[s:e], tuple(cuts)) for (s, e), cuts in words.items()]
