"""Step 7: whitespace. Lines trimmed, runs of spaces collapsed, paragraphs separated by exactly one
blank line, nothing before the first or after the last line. Code blocks keep their indentation."""
from __future__ import annotations

import re

from normalize.fixlog import Context, substitute

_SPACE_RUN = re.compile(r"(?<=\S)  +(?=\S)")
_TWO_SPACES = re.compile("  +")
# `^[ ]+|[ ]+$`, starting with a space the regex engine can skip ahead to (many times faster)
_LINE_EDGE = re.compile(r"[ ](?:(?<=^[ ])[ ]*|[ ]*$)", re.M)
_BLANK_RUN = re.compile(r"\n[ ]*\n(?:[ ]*\n)+")
_EDGES = re.compile(r"^\s+|\s+$")


def collapse_spaces(text: str, ctx: Context) -> str:
    """A run of spaces between words becomes one space (outside code)."""
    if "  " not in text:
        return text
    # every match is a whole run of two or more spaces: try the slow look-behind pattern only there
    matches = [m for m in (_SPACE_RUN.match(text, c.start()) for c in _TWO_SPACES.finditer(text)) if m]
    return substitute(text, _SPACE_RUN, " ", "whitespace", ctx, matches=matches)


def trim_lines(text: str, ctx: Context) -> str:
    """Spaces at the start and end of every line go (outside code)."""
    if " \n" not in text and "\n " not in text and not text.startswith(" ") and not text.endswith(" "):
        return text
    return substitute(text, _LINE_EDGE, "", "whitespace", ctx)


def collapse_blank_lines(text: str, ctx: Context) -> str:
    """Two or more blank lines in a row become one blank line: one paragraph break."""
    if "\n\n" not in text and "\n " not in text:
        return text
    return substitute(text, _BLANK_RUN, "\n\n", "whitespace", ctx, protect=False)


def strip_text(text: str, ctx: Context) -> str:
    """No whitespace before the first or after the last character."""
    if not text[:1].isspace() and not text[-1:].isspace():
        return text
    return substitute(text, _EDGES, "", "whitespace", ctx, protect=False)
