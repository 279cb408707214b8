"""The machinery every step shares: the per-post `Context` that records each `Fix`, knows which
spans are protected (code, URLs, e-mail addresses), and `substitute`, the one way a step edits text.

A `Fix.offset` is the position of `before` in the text as it was when the step ran, so replaying the
fixes of one step in reverse order on its output gives its input back.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from normalize.model import Fix

# Things no step may edit inside. Kept deliberately broad: a missed fix is cheap, a broken URL is not.
URL = r"(?:https?://|ftp://|www\.)[^\s<>\"'«»]+[^\s<>\"'«».,;:!?)\]]"
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_PROTECTED = re.compile(f"{URL}|{EMAIL}")
_URL = re.compile(URL)  # the same matches when there is no e-mail address, found many times faster
_EMAIL_HINT = re.compile(r"@[\w-]+\.[\w-]")  # what every EMAIL match holds
# Lines that look like code pasted without markup (common in flattened text): an assignment, a
# comparison, a shell variable ($HOME; not a price, $5), a line ending in ; { }, a code keyword at the start.
_CODE_LINE = re.compile(
    r"^[ \t]*(?:(?:import|def|elif|sudo|#include|const|let|var|export|async def|await)\b[^\n]*"
    r"|[\w.\[\]\"']+[ \t]*(?:=|\+=|-=|:=)[ \t]*[^\n]*"
    r"|[^\n]*(?:==|!=|&&|\|\||\$\(|\$[^\W\d]|\[ |\(\( |[;{}][ \t]*$)[^\n]*)$",
    re.M,
)
# Starting each pattern below with a character class lets the regex engine skip ahead to the next
# candidate character instead of trying the pattern at every position: five to ten times faster.
# `_CODE_HINT` in two parts: "[=;{}$]|\[ " here, the words in `_CODE_WORD`.
_CODE_CHAR = re.compile(r"[=;{}$\[](?:(?<=[=;{}$])|(?<=\[) )")
_CODE_WORD = re.compile(r"\b(?:import|def|sudo)\b")
# A line `_CODE_LINE` matches holds one of these, `[=;{}$]|&&|\|\||\[ |\(\( `, or starts with one of
# its keywords: only such lines are tried (long prose lines are where the pattern backtracks most).
_CODE_LINE_NEED = re.compile(r"[=;{}$&|\[(](?:(?<=[=;{}$])|(?<=&)&|(?<=\|)\||(?<=\[) |(?<=\()\( )")
# A keyword at a line start, the newline included (searched in "\n" + text: a literal first character).
_CODE_KEYWORD_LINE = re.compile(r"\n[ \t]*(?:import|def|elif|sudo|#include|const|let|var|export|async def|await)")


def _url_spans(text: str) -> list[tuple[int, int]]:
    """The spans of `_URL.finditer(text)`, trying the pattern only where a URL can start: before
    "://" and at "www." (the letters it starts with, h f w, are too common to scan for)."""
    starts = []
    for marker, back in (("://", (5, 4, 3)), ("www.", (0,))):
        i = text.find(marker)
        while i >= 0:
            starts += [i - b for b in back if i >= b]
            i = text.find(marker, i + 1)
    spans = []
    end = 0
    for start in sorted(set(starts)):
        if start >= end and (m := _URL.match(text, start)):
            spans.append(m.span())
            end = m.end()
    return spans


def _may_hold_code(text: str) -> bool:
    """Whether `text` holds a character or word that code lines are looked for after."""
    if _CODE_CHAR.search(text):
        return True
    return ("import" in text or "def" in text or "sudo" in text) and _CODE_WORD.search(text) is not None


def _code_line_spans(text: str) -> list[tuple[int, int]]:
    """The spans of `_CODE_LINE.finditer(text)`, trying only the lines that can match."""
    # in "\n" + text the match of a keyword line starts where the line starts in `text`
    starts = {m.start() for m in _CODE_KEYWORD_LINE.finditer("\n" + text)}
    line_end = -1
    for m in _CODE_LINE_NEED.finditer(text):
        if m.start() > line_end:
            starts.add(text.rfind("\n", 0, m.start()) + 1)
            line_end = text.find("\n", m.start())
            if line_end < 0:
                break
    spans = []
    for start in sorted(starts):
        m = _CODE_LINE.match(text, start)
        if m:
            spans.append(m.span())
    return spans


def _occurrences(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """The spans of every occurrence of each needle (verbatim code blocks) in `text`."""
    spans = []
    for needle in needles:
        start = text.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = text.find(needle, start + len(needle))
    return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans sorted, overlapping ones merged."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


@dataclass
class Settings:
    """Every option of the normalizer, with its trade-off.

    - typographic_quotes: keep « » „ " ' ' as they are instead of plain " and ' (default: plain, which
      is what search and machine-translation filtering want).
    - split_glued: split words glued together where markup was lost ("arguedthat"). Precision-first.
    - drop_boilerplate: remove forum chrome lines ("Reply", "Forum List", "Last edited ...").
    - detect_language: run language detection (the slowest step; the crawl's `extract` can skip it).
    """

    typographic_quotes: bool = False
    split_glued: bool = True
    drop_boilerplate: bool = True
    detect_language: bool = True


@dataclass
class Context:
    """State of one normalization run: settings, the fixes made so far, protected strings."""

    settings: Settings = field(default_factory=Settings)
    fixes: list[Fix] = field(default_factory=list)
    code: list[str] = field(default_factory=list)  # verbatim code (blocks and inline)
    lang: str = "und"  # best guess so far; language-dependent steps read it
    lang_confidence: float = 0.0
    known_names: frozenset[str] = frozenset()  # tokens seen elsewhere in the thread: never split
    # words a link was glued to in the HTML, with the link edges inside them (`HtmlText.link_glue`)
    link_glue: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)
    evidence: Counter = field(default_factory=Counter)  # machine-translation evidence by fix kind

    def protected_spans(self, text: str) -> list[tuple[int, int]]:
        """Sorted, non-overlapping (start, end) spans no step may change."""
        if "@" in text and _EMAIL_HINT.search(text):  # most "@" are @mentions, not addresses
            spans = [m.span() for m in _PROTECTED.finditer(text)]
        else:
            spans = _url_spans(text)
        if _may_hold_code(text):
            spans += _code_line_spans(text)
        return _merged(spans + _occurrences(text, self.code))

    def record(self, kind: str, before: str, after: str, offset: int) -> None:
        self.fixes.append(Fix(kind, before, after, offset))


def _overlaps(spans: list[tuple[int, int]], starts: list[int], s: int, e: int) -> bool:
    i = bisect_right(starts, s) - 1
    if i >= 0 and spans[i][1] > s:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < e


class _Protection:
    """`Context.protected_spans(text)`, asked line by line: whether a span touches one of them.

    URLs, e-mail addresses and code lines never cross a line end, so the few changes a step makes
    need only their own lines looked at, not the whole text (which `protected_spans` scans)."""

    def __init__(self, ctx: Context, text: str):
        self.text = text
        self.code = ctx.code
        self.blocks: list[tuple[int, int]] | None = None  # verbatim code, found at the first question
        self.block_starts: list[int] = []
        self.may_hold_code: bool | None = None
        self.lines: dict[int, list[tuple[int, int]]] = {}  # line start -> its protected spans

    def touches(self, s: int, e: int) -> bool:
        """Whether [s, e) (e > s) overlaps a protected span."""
        if self.code:
            if self.blocks is None:
                self.blocks = self._blocks()
                self.block_starts = [b[0] for b in self.blocks]
            if _overlaps(self.blocks, self.block_starts, s, e):
                return True
        text = self.text
        start = text.rfind("\n", 0, s) + 1
        while True:
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            spans = self.lines.get(start)
            if spans is None:
                spans = self.lines[start] = self._line_spans(start, end)
            if any(ps < e and pe > s for ps, pe in spans):
                return True
            if end + 1 >= e:
                return False
            start = end + 1

    def _blocks(self) -> list[tuple[int, int]]:
        return _merged(_occurrences(self.text, self.code))

    def _line_spans(self, start: int, end: int) -> list[tuple[int, int]]:
        text = self.text
        line = text[start:end]
        if "@" in line and _EMAIL_HINT.search(line):
            spans = [(start + m.start(), start + m.end()) for m in _PROTECTED.finditer(line)]
        else:
            spans = [(start + a, start + b) for a, b in _url_spans(line)]
        if self.may_hold_code is None:
            self.may_hold_code = _may_hold_code(text)
        # the lines `_code_line_spans` tries: those with a character code needs, or a keyword first
        if self.may_hold_code and (_CODE_LINE_NEED.search(text, start, end) or _CODE_KEYWORD_LINE.match("\n" + line)):
            m = _CODE_LINE.match(text, start)
            if m:
                spans.append(m.span())
        return spans


def substitute(
    text: str,
    pattern: re.Pattern[str],
    repl: Callable[[re.Match[str]], str | None] | str,
    kind: str,
    ctx: Context,
    protect: bool = True,
    matches: Iterable[re.Match[str]] | None = None,
) -> str:
    """`pattern.sub(repl, text)`, except that matches touching a protected span are skipped, a
    callable `repl` may return None to skip, and every replacement is recorded as a Fix.
    `matches`: the pattern's matches when the caller already knows them (in order)."""
    protection = _Protection(ctx, text) if protect else None
    out: list[str] = []
    pos = 0
    literal = None if callable(repl) or "\\" in repl else repl  # no template to expand
    for m in pattern.finditer(text) if matches is None else matches:
        after = literal if literal is not None else repl(m) if callable(repl) else m.expand(repl)
        if after is None or after == m.group(0):
            continue
        s, e = m.span()
        if protection and protection.touches(s, e if e > s else s + 1):
            continue
        out.append(text[pos:s])
        out.append(after)
        pos = e
        ctx.record(kind, m.group(0), after, s)
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)
