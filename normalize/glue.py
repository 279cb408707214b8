"""Step 5: words glued together where markup was lost ("arguedthat", "notesNEWSru").

Precision first: a token is split only when

- the whole token is not a known word of the post's language and does not occur anywhere else in
  the post or thread (then it is a name or a term: "Soleimani", "Veldhoven");
- it is not part of a URL, e-mail address, @mention, #tag, path, file or domain name, hyphenated or
  apostrophe'd word, or identifier (snake_case, digits, getElementById, macOS);
- it does not have brand casing (iPhone, eBay, YouTube, McDonald, PayPal);
- and either (lower-case glue, "arguedthat") both parts are frequent words, the split with the most
  likely pair wins; or (case glue, "notesNEWSru") a frequent lower-case word is followed by a word
  that starts with two capitals.

Lower-case glue is only split in languages without closed compounds (so never German or Dutch,
where "Fahrradweg" is one word). Word frequencies are wordfreq's own data files, read directly
(no download, and without importing wordfreq, which costs 150 ms).
"""
from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

from normalize.fixlog import Context, substitute

# Languages where two words written together are an error, not a compound.
LOWERCASE_SPLIT_LANGS = frozenset("en fr es it pt ru pl cs ca".split())
# Case glue (lower word + capitalised word) is checked in these (German nouns are capitalised).
CASE_SPLIT_LANGS = LOWERCASE_SPLIT_LANGS | frozenset("de nl sv da nb".split())

MIN_PART_ZIPF = 3.0  # both halves at least this frequent (about once per million words)
MIN_SHORT_PART_ZIPF = 5.5  # a half of one or two letters must be very common ("a", "to", "of")
# A rarer half (five letters or more) is accepted next to a function word: "regurgitationof".
FUNCTION_WORD_ZIPF = 6.0
MIN_RARE_PART_ZIPF = 2.0
MIN_LEN = 5
# Tokens that look like case glue but are product or tech names.
TECH_TAILS = frozenset(
    "OS ID IDs API APIs URL URLs HTML JSON XML SQL CSS JS PDF USB TV PC PCs DB IO UI UX HD SSD GPU CPU "
    "DNS HTTP HTTPS SSL TLS SDK IDE VM VPN RAM ROM LED LCD MP3 AI ML".split()
)
# Halves that make compounds, not phrases: "microfast", "hypergrowth", "copyable", "lostless",
# "squeezeout", "injoke". A token with one of these at its edge is left alone.
COMPOUND_HEADS = frozenset(
    """anti micro multi hyper poly sub auto pro trans ultra mid semi non pre re un co de dis mis bi tri
    mono mini mega super inter intra self cyber eco bio geo neo meta para pseudo quasi tele photo macro
    nano counter cross fore""".split()
)
COMPOUND_TAILS = frozenset("able ible less ness ful ly ship wise ward wards like".split())
IDENTIFIER_HEADS = frozenset("get set is has to on off as in my the inner outer parse from do can should".split())

_CAPS_TAIL = re.compile(r"[^\W\d_a-z]{2,}[^\W\d_A-Z]*")
_TOKEN = re.compile(r"(?<![\w@#/\\.'’\-&=+])[^\W\d_]{5,40}(?![\w@/\\'’\-=+(]|[.:][^\W_])")


@lru_cache(maxsize=16)
def vocabulary(lang: str) -> dict[str, float] | None:
    """Word -> Zipf frequency for `lang` from wordfreq's bundled data, or None if it has none."""
    try:
        import wordfreq  # only to find its data folder; the import is cheap once cached
    except ImportError:  # pragma: no cover
        return None
    import msgpack

    data_dir = Path(wordfreq.__file__).parent / "data"
    path = data_dir / f"large_{lang}.msgpack.gz"
    if not path.exists():
        path = data_dir / f"small_{lang}.msgpack.gz"
        if not path.exists():
            return None
    with gzip.open(path) as f:
        buckets = msgpack.load(f, raw=False)
    vocab: dict[str, float] = {}
    for i, words in enumerate(buckets[1:]):  # bucket i holds words of frequency 10**(-i/100)
        zipf = 9.0 - i / 100
        for w in words:
            vocab[w] = zipf
    return vocab


def _part_ok(part: str, vocab: dict[str, float]) -> float:
    z = vocab.get(part, 0.0)
    if len(part) <= 2:
        return z if z >= MIN_SHORT_PART_ZIPF else 0.0
    return z if z >= MIN_PART_ZIPF else 0.0


def best_split(token: str, vocab: dict[str, float]) -> tuple[str, str] | None:
    """The most likely way to cut an all-lower-case unknown token into two frequent words."""
    best: tuple[float, int] | None = None
    for i in range(1, len(token)):
        zl = _part_ok(token[:i], vocab)
        zr = _part_ok(token[i:], vocab)
        if not zl or not zr:
            left, right = token[:i], token[i:]
            zl0, zr0 = vocab.get(left, 0.0), vocab.get(right, 0.0)
            if zl0 >= FUNCTION_WORD_ZIPF and len(right) >= 5 and zr0 >= MIN_RARE_PART_ZIPF:
                zl, zr = zl0, zr0
            elif zr0 >= FUNCTION_WORD_ZIPF and len(left) >= 5 and zl0 >= MIN_RARE_PART_ZIPF:
                zl, zr = zl0, zr0
        if zl and zr and (best is None or zl + zr > best[0]):
            best = (zl + zr, i)
    return (token[: best[1]], token[best[1] :]) if best else None


def split_token(token: str, vocab: dict[str, float], lang: str) -> str | None:
    """The token with a space where it was glued, or None to leave it."""
    lower = token.lower()
    if lower in vocab:
        return None
    uppers = [i for i, c in enumerate(token) if c.isupper()]
    if not uppers:
        if lang not in LOWERCASE_SPLIT_LANGS:
            return None  # closed compounds (German, Dutch ...) are words
        parts = best_split(lower, vocab)
        if not parts or parts[0] in COMPOUND_HEADS or parts[1] in COMPOUND_TAILS:
            return None
        left = token[: len(parts[0])]
        return f"{left} {token[len(left):]}"
    if uppers == [0]:
        return None  # Capitalised unknown words are names far more often than glue ("Dataview")
    # Case glue: lower-case word, then a run of capitals ("notesNEWSru", "saidBBC").
    k = uppers[0]
    if k < 3 or not token[:k].islower() or lang not in CASE_SPLIT_LANGS:
        return None  # iPhone, eBay (k < 3); YouTube, McDonald (starts upper)
    left, right = token[:k], token[k:]
    if len(right) < 2 or not right[1].isupper() or right in TECH_TAILS or left in IDENTIFIER_HEADS:
        return None  # userName, macOS, innerHTML, getURL
    if not _CAPS_TAIL.fullmatch(right):
        return None  # several humps (getElementById-like): an identifier
    if vocab.get(left, 0.0) < MIN_PART_ZIPF:
        return None
    return f"{left} {right}"


def split_glued_words(text: str, ctx: Context) -> str:
    """Split words glued together ("arguedthat" -> "argued that"), precision first (see module)."""
    if not ctx.settings.split_glued or ctx.lang not in CASE_SPLIT_LANGS:
        return text
    vocab = vocabulary(ctx.lang)
    if not vocab:
        return text
    counts: dict[str, int] = {}
    for m in _TOKEN.finditer(text):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1

    def repl(m: re.Match[str]) -> str | None:
        token = m.group(0)
        if counts[token] > 1 or token in ctx.known_names:
            return None  # a repeated unknown token is a name or a term, not an accident
        return split_token(token, vocab, ctx.lang)

    before = len(ctx.fixes)
    text = substitute(text, _TOKEN, repl, "glue", ctx)
    ctx.evidence["glued"] += len(ctx.fixes) - before
    return text
