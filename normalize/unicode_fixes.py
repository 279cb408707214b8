"""Step 2: Unicode repair. Mojibake (through ftfy), HTML entities left in text, control and
zero-width characters, odd spaces, line separators, NFC.

ftfy is configured to fix encodings only. Its defaults also uncurl quotes, fold full-width
characters and ligatures and change line breaks, which rewrites perfectly clean text (a Chinese post's
full-width punctuation, a French post's typography); quotes are the job of `punctuation`, and the
rest is left as the author wrote it. ftfy only sees lines that contain a character mojibake is made
of, which keeps this step cheap on the clean majority.
"""
from __future__ import annotations

import html
import re
import unicodedata

from normalize.fixlog import Context, substitute

_FTFY_CONFIG = None


def _ftfy_config():
    global _FTFY_CONFIG
    if _FTFY_CONFIG is None:
        from ftfy import TextFixerConfig

        _FTFY_CONFIG = TextFixerConfig(
            unescape_html=False,  # `decode_entities` does it, recorded
            remove_terminal_escapes=True,
            fix_encoding=True,
            restore_byte_a0=True,
            replace_lossy_sequences=True,
            decode_inconsistent_utf8=True,
            fix_c1_controls=True,
            fix_latin_ligatures=False,  # clean typography, not mojibake
            fix_character_width=False,  # would fold CJK full-width punctuation
            uncurl_quotes=False,  # `punctuation.plain_quotes` owns quotes (and its setting)
            fix_line_breaks=False,  # `normalize_line_breaks` does it
            fix_surrogates=True,
            remove_control_chars=False,  # `remove_control_chars` does it, recorded
            normalization=None,  # `nfc` does it, recorded
        )
    return _FTFY_CONFIG


# Characters that mojibake is made of: Latin-1/Windows-1252/MacRoman/cp437 look-alikes, C1 controls,
# the replacement character, and the Cyrillic/Greek letters of cp1251/cp1253 misreadings. A line
# with none of them cannot be mojibake ftfy would fix, and is never handed to it.
_MOJIBAKE_HINT = re.compile(
    "[\x1b\x80-\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u2022"
    "\u2026\u2030\u2039\u203a\u20ac\u2122\ufffd\u0402-\u045f\u0490\u0491\u0384-\u03ce\u2500-\u25ff"
    "\u221a\u2206\u220f\u2211\u221e\u2248\u2260\u2264\u2265\u25ca\uf8ff\u0131\u02c7\u02d8-\u02dd]"
)


# What our ftfy configuration changes besides mojibake: C1 controls, surrogates, terminal escapes.
_FTFY_NON_MOJIBAKE = re.compile("[\x1b\x80-\x9f\ud800-\udfff]")


# The non-ASCII characters of clean typography. ftfy's `is_bad` finds nothing in any text made of
# these and ASCII (its patterns that could match such text are at most three characters long, and
# every string of up to three of these and ASCII characters was checked: see
# tests/test_normalize_steps.py), so such text is never looked at.
TYPOGRAPHY = "‘’“”„‹›«»–—…•·°©®™\xa0"
_BEYOND_TYPOGRAPHY = re.compile(f"[^\x00-\x7f{TYPOGRAPHY}]")


def _ftfy_would_change(line: str) -> bool:
    """ftfy's own first test, without its fixer loop: it decodes only text that `is_bad` (or that
    holds C1 controls, surrogates, escapes). Clean lines with curly quotes or dashes stop here."""
    from ftfy.badness import is_bad

    return bool(_FTFY_NON_MOJIBAKE.search(line)) or (bool(_BEYOND_TYPOGRAPHY.search(line)) and is_bad(line))


def fix_mojibake(text: str, ctx: Context) -> str:
    """Decode text that was encoded in UTF-8 and decoded in another codec ("cafÃ©" -> "café"),
    with ftfy, line by line; only lines with a character mojibake is made of are looked at."""
    if "\x1b" not in text and (text.isascii() or not _BEYOND_TYPOGRAPHY.search(text)):
        return text
    if not _MOJIBAKE_HINT.search(text):
        return text
    import ftfy

    config = _ftfy_config()
    lines: list[tuple[int, int]] = []  # (start, end) of each line holding a hint, once
    for m in _MOJIBAKE_HINT.finditer(text):
        if lines and m.start() < lines[-1][1]:
            continue
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        lines.append((start, len(text) if end < 0 else end))
    out: list[str] = []
    pos = 0
    for start, end in lines:
        line = text[start:end]
        if not _ftfy_would_change(line):
            continue
        fixed = ftfy.fix_text(line, config)
        if fixed != line:
            out += [text[pos:start], fixed]
            pos = end
            ctx.record("mojibake", line, fixed, start)
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str, ctx: Context) -> str:
    """Decode HTML entities that survived into the text ("&amp;quot;" double-escaped by a forum,
    "&#039;" in a flattened dump). Unknown names stay as they are."""
    if "&" not in text:
        return text
    return substitute(text, _ENTITY, lambda m: html.unescape(m.group(0)), "entity", ctx)


# The only ASCII characters the line-break, control-character and space steps change: most posts
# are ASCII without any, and one check for them stands in for the three steps' own scans.
_ASCII_ODD = bytes([*range(0x0a), *range(0x0b, 0x20), 0x7f])


def _plain_ascii(text: str) -> bool:
    """ASCII without any of `_ASCII_ODD` (deleting them from the bytes is a C loop many times
    faster than a regex scan)."""
    if not text.isascii():
        return False
    raw = text.encode("ascii")
    return len(raw.translate(None, _ASCII_ODD)) == len(raw)
# `\r\n?|[\u2028\u2029\x0b\x0c\x85]`, starting with a character class the regex engine skips ahead to
_LINE_BREAKS = re.compile("[\r\u2028\u2029\x0b\x0c\x85](?:(?<=\r)\n)?")


def normalize_line_breaks(text: str, ctx: Context) -> str:
    """CRLF, CR, Unicode line/paragraph separators, form feed and vertical tab become "\\n"."""
    if _plain_ascii(text):
        return text
    return substitute(text, _LINE_BREAKS, "\n", "line_break", ctx)


# C0 controls except tab and newline (C1 controls are ftfy's: most are mojibake it decodes); zero-width and invisible formatting characters that carry
# no meaning in a post (ZWSP, word joiner, BOM, soft hyphen, object replacement). ZWJ and ZWNJ stay:
# they are part of emoji sequences and of Persian and Indic spelling.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\u200b\u2060-\u2064\ufeff\u00ad\ufffc\u180e]+")


def remove_control_chars(text: str, ctx: Context) -> str:
    """Drop control characters and invisible zero-width characters."""
    if _plain_ascii(text):
        return text
    return substitute(text, _CONTROL, "", "control_char", ctx)


# No-break, em/en/thin/hair, narrow no-break, medium mathematical and ideographic spaces, and tabs.
_ODD_SPACE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def normalize_spaces(text: str, ctx: Context) -> str:
    """Unusual space characters (no-break, thin, ideographic, tab ...) become a plain space."""
    if _plain_ascii(text):
        return text
    return substitute(text, _ODD_SPACE, " ", "space", ctx)


def nfc(text: str, ctx: Context) -> str:
    """Compose to Unicode NFC, so the same word is always the same code points."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return substitute(
        text, re.compile(r"\S+"), lambda m: unicodedata.normalize("NFC", m.group(0)), "nfc", ctx
    )
