"""Text that arrives flattened (a thread saved as text, like the user's seed/forum-post.txt): the
header the forum printed above the post (thread title, author, user title, date) is recognised and
returned as metadata instead of text.

A header is only recognised when a user-title or date line is among the first few lines; otherwise
the first line is the post's own first line, not a title.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from normalize.boilerplate import CHROME_LINES, DATE_LINE, USER_TITLE_LINE

HEADER_SCAN_LINES = 6
_MONTH_NUM = {
    m: i + 1
    for i, names in enumerate(
        [
            "jan january janv janvier januar ene enero янв",
            "feb february févr février februar febrero фев",
            "mar march mars märz marzo мар",
            "apr april avr avril abr abril апр",
            "may mai mayo мая май",
            "jun june juin juni junio июн",
            "jul july juil juillet juli julio июл",
            "aug august août ago agosto авг",
            "sep sept september septembre septiembre сен",
            "oct october oktober octobre octubre окт",
            "nov november novembre noviembre ноя",
            "dec december décembre dezember dic diciembre дек",
        ]
    )
    for m in names.split()
}
_D_MON_Y = re.compile(r"(\d{1,2})\.?\s+([^\W\d]+)\.?,?\s+(\d{4})")
_MON_D_Y = re.compile(r"([^\W\d]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?")
_HM = re.compile(r"(\d{1,2}):(\d{2})\s*([ap])?\.?m?", re.I)


def _month(name: str) -> int | None:
    name = name.lower()
    return _MONTH_NUM.get(name) or _MONTH_NUM.get(name[:3]) or _MONTH_NUM.get(name[:4])


def parse_date(s: str) -> datetime | None:
    """Parse the dates forum headers print ("Dec 21, 2015", "21 Dec 2015 at 10:15 PM", ISO).
    Relative dates ("Yesterday") give None: the crawl date would be needed to resolve them."""
    s = s.strip()
    y = mo = d = None
    if m := _ISO.search(s):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif (m := _MON_D_Y.search(s)) and _month(m[1]):
        y, mo, d = int(m[3]), _month(m[1]), int(m[2])
    elif (m := _D_MON_Y.search(s)) and _month(m[2]):
        y, mo, d = int(m[3]), _month(m[2]), int(m[1])
    if y is None:
        return None
    hh = mm = 0
    rest = s[m.end():]
    if t := _HM.search(rest):
        hh, mm = int(t[1]), int(t[2])
        if t[3] and t[3].lower() == "p" and hh < 12:
            hh += 12
        elif t[3] and t[3].lower() == "a" and hh == 12:
            hh = 0
    try:
        return datetime(y, mo, d, hh, mm)
    except ValueError:
        return None


@dataclass
class Header:
    """Metadata found above a flattened post, and where the body starts."""

    title: str | None = None
    author: str | None = None
    author_title: str | None = None
    posted_at: datetime | None = None
    posted_at_raw: str | None = None
    body_start: int = 0  # offset of the first body character in the text


_AUTHORISH = re.compile(r"[\w.\-@ ]{2,40}")


def split_header(text: str) -> Header:
    """Find the header of a flattened forum post: title line, optional author line, user-title
    line, date line. Returns an empty Header (body_start 0) when there is none."""
    lines: list[tuple[int, str]] = []  # (offset, stripped line), non-empty, first few only
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((pos, line.strip()))
            if len(lines) >= HEADER_SCAN_LINES:
                break
        pos += len(line) + 1
    kinds = []
    for _, line in lines:
        if USER_TITLE_LINE.fullmatch(line):
            kinds.append("author_title")
        elif DATE_LINE.fullmatch(line):
            kinds.append("date")
        elif CHROME_LINES.fullmatch(line):
            kinds.append("chrome")
        else:
            kinds.append("text")
    marks = [i for i, k in enumerate(kinds) if k in ("author_title", "date")]
    if not marks or marks[0] > 3:
        return Header()
    last = marks[0]
    while last + 1 < len(kinds) and kinds[last + 1] in ("author_title", "date", "chrome"):
        last += 1
    head = Header()
    texts = [lines[i][1] for i in range(last + 1) if kinds[i] == "text"]
    if len(texts) > 2:
        return Header()
    if texts:
        head.title = texts[0]
    if len(texts) == 2:
        if not _AUTHORISH.fullmatch(texts[1]):
            return Header()
        head.author = texts[1]
    for i in range(last + 1):
        if kinds[i] == "author_title" and head.author_title is None:
            head.author_title = lines[i][1]
        elif kinds[i] == "date" and head.posted_at_raw is None:
            head.posted_at_raw = lines[i][1]
            head.posted_at = parse_date(lines[i][1])
    off, line = lines[last]
    head.body_start = text.index(line, off) + len(line)
    return head
