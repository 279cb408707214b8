"""Steps 3 and 4: quotation marks, and spacing at punctuation.

Machine translation from Russian leaves « » and ", — "; French typography puts spaces inside « »
and before ; : ! ?; careless typing leaves "General ," and "surprise ." and "said.Then". Each is
fixed here, except where the characters mean something else: URLs, e-mail addresses, decimals
(3.5), times (10:30), abbreviations (U.S., e.g.), domain and file names (NEWSru.com, setup.py),
emoticons (:) ;-) :D) and code, which are all left as they are.
"""
from __future__ import annotations

import re

from normalize.fixlog import Context, substitute

# Opening/closing double quotes of every style, with the French inner spaces when present.
_DOUBLE_QUOTE = re.compile("«[ ]?|[ ]?»|[„“”‟〝〞＂]")
_SINGLE_QUOTE = re.compile("‹[ ]?|[ ]?›|[‚‘’‛]")
# One character class scans much faster than the alternations.
_ANY_QUOTE = re.compile("[«»„“”‟〝〞＂‹›‚‘’‛]")
_DOUBLE_CHAR = re.compile("[«»„“”‟〝〞＂]")
_SINGLE_CHAR = re.compile("[‹›‚‘’‛]")


def _quote_matches(text: str, pattern: re.Pattern[str], chars: re.Pattern[str], closer: str) -> list[re.Match[str]]:
    """`pattern.finditer(text)` (`_DOUBLE_QUOTE` or `_SINGLE_QUOTE`), found from its quote
    characters (`chars`): each match is one, with the space after an opener or before a `closer`."""
    matches = []
    end = 0
    for c in chars.finditer(text):
        k = c.start()
        # a space before the closer is its own unless the match before took it
        m = pattern.match(text, k - 1 if text[k] == closer and k > end and text[k - 1] == " " else k)
        matches.append(m)
        end = m.end()
    return matches


def plain_quotes(text: str, ctx: Context) -> str:
    """« » „ “ ” ‹ › ‚ ‘ ’ (and the French-spaced « mot ») become plain " and '. Apostrophes inside
    words stay apostrophes (plain '). Off with `Settings.typographic_quotes`."""
    if ctx.settings.typographic_quotes or text.isascii() or not _ANY_QUOTE.search(text):
        return text
    before = len(ctx.fixes)
    matches = _quote_matches(text, _DOUBLE_QUOTE, _DOUBLE_CHAR, "»")
    text = substitute(text, _DOUBLE_QUOTE, '"', "quote", ctx, matches=matches)
    ctx.evidence["guillemets"] += sum(1 for f in ctx.fixes[before:] if "«" in f.before or "»" in f.before)
    matches = _quote_matches(text, _SINGLE_QUOTE, _SINGLE_CHAR, "›")
    return substitute(text, _SINGLE_QUOTE, "'", "quote", ctx, matches=matches)


_ODD_HYPHEN = re.compile("[\u2010\u2011]")


def plain_hyphens(text: str, ctx: Context) -> str:
    """The Unicode hyphen (U+2010) and non-breaking hyphen (U+2011), which word processors and some
    forum editors put in "free‐to‐use", become the plain hyphen every search and reader expects.
    Dashes (– —) and the minus sign (−) mean something else and stay."""
    if text.isascii() or not _ODD_HYPHEN.search(text):
        return text
    return substitute(text, _ODD_HYPHEN, "-", "hyphen", ctx)


# A space before , . ; : ! ? ) ] when the mark ends something: followed by a space, the end, or a
# closing quote. Not "...", not ".5" / ".NET" (followed by a letter or digit), and not the ':' ';'
# of an emoticon such as " :)" or " ;-)".
_SPACE_BEFORE = re.compile(
    r"(?<=[^\s(\[])[ ]+(?:"
    r"[,!?]+(?=[\s\"')\]]|$)"
    r"|\.(?!\.)(?=[\s\"')\]]|$)"
    r"|[;:](?![-o'^]?[()DPpOo3|/\\*\[\]{}@$])(?=[\s\"')\]]|$)"
    r"|[)\]](?=[\s\"'.,;:!?]|$)"
    r")",
    re.M,
)
_SPACE_THEN_MARK = (" ,", " !", " ?", " .", " ;", " :", " )", " ]")
# A mark after a space. Looking for the mark (rarer than a space, and a character class the regex
# engine skips ahead to) and then back at the space is many times faster than `[ ]+(?=[,!?.;:)\]])`.
_MARK_AFTER_SPACE = re.compile(r"[,!?.;:)\]](?<= .)")
# (`(?<=[(\[])[ ]+(?=[^\s)\]])`, starting with a space the regex engine can skip ahead to)
_SPACE_AFTER_OPEN = re.compile(r"[ ](?<=[(\[][ ])[ ]*(?=[^\s)\]])")


def space_before_punctuation(text: str, ctx: Context) -> str:
    """No space before , . ; : ! ? ) ] ("General ," -> "General,", "surprise ." -> "surprise.")."""
    if not any(map(text.__contains__, _SPACE_THEN_MARK)):
        return text  # the pattern's look-behind makes it slow to scan; most posts have no such pair
    # Every match starts a run of spaces that a mark follows: try the pattern only there.
    matches = [m for m in (_SPACE_BEFORE.match(text, _run_start(text, c.start(), " "))
                           for c in _MARK_AFTER_SPACE.finditer(text)) if m]
    before = len(ctx.fixes)
    text = substitute(text, _SPACE_BEFORE, lambda m: m.group(0).lstrip(" "), "punct_space", ctx, matches=matches)
    ctx.evidence["space_before_punct"] += len(ctx.fixes) - before
    return text


def _run_start(text: str, end: int, char: str) -> int:
    """Where the run of `char` that ends at `end` (exclusive) starts."""
    start = end
    while start > 0 and text[start - 1] == char:
        start -= 1
    return start


def _letters_start(text: str, end: int) -> int:
    """Where the run of letters (`[^\\W\\d_]`) that ends at `end` (exclusive) starts."""
    start = end
    while start > 0 and text[start - 1].isalnum() and not text[start - 1].isdecimal():
        start -= 1
    return start


def space_after_bracket(text: str, ctx: Context) -> str:
    """No space after an opening ( or [ ("( see" -> "(see")."""
    if "( " not in text and "[ " not in text:
        return text
    return substitute(text, _SPACE_AFTER_OPEN, "", "punct_space", ctx)


# "said.Then" -> "said. Then": a sentence end between two ordinary words. The word before is two or
# more lower-case letters (so not U.S., e.g., NEWSru.com's TLD side), the word after is one capital
# and lower-case letters up to a word end (so not Console.WriteLine or file.TXT).
_MISSING_SPACE = re.compile(r"(?<![\w.@/\\-])([^\W\d_]*[a-z\u00df-\u024f\u0430-\u044f]{2}[.!?])(?=[A-Z\u00c0-\u00de\u0410-\u042f][a-z\u00df-\u024f\u0430-\u044f]+(?:[\s,;:!?\"')]|\.(?:\s|$)|$))")


_MARK_THEN_CAPITAL = re.compile("[.!?][A-Z\u00c0-\u00de\u0410-\u042f]")  # what every match contains
# ASCII text with . ! ? made "." and capitals "A": `_MARK_THEN_CAPITAL` can match only if it holds
# ".A" (a translation and a substring search: many times faster than the regex's scan).
_MARKS_AND_CAPITALS = bytes(46 if c in b".!?" else 65 if 65 <= c <= 90 else 32 for c in range(256))


def space_after_sentence(text: str, ctx: Context) -> str:
    """Add the missing space after . ! ? between two words ("said.Then" -> "said. Then")."""
    if text.isascii() and b".A" not in text.encode("ascii").translate(_MARKS_AND_CAPITALS):
        return text
    # A match is the letters before such a mark, from the start of their run: try the pattern only
    # there (scanning the text with it is slow: it may start at any letter).
    matches = [m for m in (_MISSING_SPACE.match(text, _letters_start(text, c.start()))
                           for c in _MARK_THEN_CAPITAL.finditer(text)) if m]
    if not matches:
        return text
    before = len(ctx.fixes)
    text = substitute(text, _MISSING_SPACE, lambda m: m.group(1) + " ", "sentence_space", ctx, matches=matches)
    ctx.evidence["missing_space"] += len(ctx.fixes) - before
    return text
