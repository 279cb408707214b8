"""Step 5: words glued together where markup was lost ("arguedthat", "notesNEWSru").

Precision first: a token is split only when

- the whole token is not a known word of the post's language and does not occur anywhere else in
  the post or thread (then it is a name or a term: "Soleimani", "Veldhoven");
- it is not part of a URL, e-mail address, @mention, #tag, path, file or domain name, hyphenated or
  apostrophe'd word, or identifier (snake_case, digits, getElementById, macOS);
- it does not have brand casing (iPhone, eBay, YouTube, McDonald, PayPal);
- it is not written between colons (":biggrin:", an emoji code), alone on its line (a heading or a
  user name, "dullbananas"), nor found again in the post in another form (in an address,
  "openbeta@community.openbeta.io", in another case, or with a plural s);
- and either (lower-case glue, "arguedthat") both parts are frequent words, the split with the most
  likely pair wins; or (case glue, "notesNEWSru") a frequent lower-case word is followed by a word
  that starts with two capitals.

Lower-case glue of two content words is where terms and misspellings look like glue, so there a
split also needs: a one-letter half is a word of its own ("a", "i": not the "s" of "sholders"); a
three-letter half is a common word ("car", "log"; not "sem"+"ver", "mod"+"log" of "semver",
"modlog"); the token is not one letter away from a known word ("marketars", "causalties",
"discused" are misspellings of "marketers", "casualties", "discussed"), nor a known word with an
ending ("cutdowns", "clickbaiting").

Lower-case glue is only split in languages without closed compounds (so never German or Dutch,
where "Fahrradweg" is one word). Word frequencies are wordfreq's own data files, read directly
(no download, and without importing wordfreq, which costs 150 ms).
"""
from __future__ import annotations

import gzip
import hashlib
import marshal
import os
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from itertools import filterfalse
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
MIN_ONE_LETTER_PART_ZIPF = 6.0  # a half of one letter is a word ("a", "i"), not a letter ("s" 5.9)
# A three-letter half next to a content word must be common: "sem"+"ver", "mod"+"log", "gnu"+"cash"
# are abbreviations that make a term, not two words.
MIN_THREE_LETTER_PART_ZIPF = 4.0
# A token one letter away from a word at least this frequent is that word misspelt, unless a half
# is a function word (then glue is the likelier story: "ofraid" is "of raid", not "afraid").
MIN_TYPO_WORD_ZIPF = MIN_PART_ZIPF
# English endings (in the other languages they only make a split rarer)
INFLECTIONS = ("s", "es", "d", "ed", "ing", "er", "ers")
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
# What may not stand before and after a token: it would be part of an address, a path, a name.
_TOKEN_BEFORE = r"(?<![\w@#/\\.'’\-&=+])"
_TOKEN_AFTER = r"(?![\w@/\\'’\-=+(]|[.:][^\W_])"
_TOKEN = re.compile(rf"{_TOKEN_BEFORE}[^\W\d_]{{5,40}}{_TOKEN_AFTER}")


class Vocabulary:
    """Word -> Zipf frequency of one language, small enough to keep several loaded in a crawl.

    Words at least as frequent as `MIN_PART_ZIPF` (the ones a split may produce) are a dict. The
    long tail (hundreds of thousands of rare words, needed only to know that a token is a word and
    whether it reaches `MIN_RARE_PART_ZIPF`) is a sorted array of 64-bit keys: the word's hash with
    its frequency bucket in the low bits, 8 bytes a word instead of about 100 in a dict.
    """

    _BUCKET_BITS = 10  # wordfreq has 800 buckets (Zipf 9.00 down to 1.01 in steps of 0.01)
    _BUCKET_MASK = (1 << _BUCKET_BITS) - 1

    def __init__(self, frequent: dict[str, float], rare: array):
        self.frequent = frequent
        self.rare = rare

    @classmethod
    def from_buckets(cls, buckets: Iterable[list[str]]) -> "Vocabulary":
        """From wordfreq's buckets: bucket i holds the words of frequency 10**(-i/100)."""
        frequent: dict[str, float] = {}
        keys: list[int] = []
        for i, words in enumerate(buckets):
            zipf = 9.0 - i / 100
            if zipf >= MIN_PART_ZIPF:
                for w in words:
                    frequent.setdefault(w, zipf)
            else:
                keys += [(_stable_hash(w) & ~cls._BUCKET_MASK) | i for w in words if w not in frequent]
        keys.sort()
        return cls(frequent, array("q", keys))

    def get(self, word: str, default: float = 0.0) -> float:
        zipf = self.frequent.get(word)
        if zipf is not None:
            return zipf
        key = _stable_hash(word) & ~self._BUCKET_MASK
        i = bisect_left(self.rare, key)
        if i < len(self.rare) and self.rare[i] & ~self._BUCKET_MASK == key:
            return 9.0 - (self.rare[i] & self._BUCKET_MASK) / 100
        return default

    def __contains__(self, word: object) -> bool:
        return word in self.frequent or (isinstance(word, str) and self.get(word, -1.0) >= 0.0)

    def __len__(self) -> int:
        return len(self.frequent) + len(self.rare)


def _stable_hash(word: str) -> int:
    """A 63-bit hash that is the same in every process (Python's `hash` is not), so a built
    vocabulary can be cached on disk."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little") >> 1


@lru_cache(maxsize=16)
def vocabulary(lang: str) -> Vocabulary | None:
    """Word -> Zipf frequency for `lang` from wordfreq's bundled data, or None if it has none.

    Building it from wordfreq's file takes about 0.3 s; the result is cached in the user's cache
    folder (keyed by the data file's size and time), so later processes load it in milliseconds."""
    import importlib.util

    # only wordfreq's data folder is needed: finding it without importing wordfreq saves ~80 ms a process
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        return None
    data_dir = Path(list(spec.submodule_search_locations)[0]) / "data"
    path = data_dir / f"large_{lang}.msgpack.gz"
    if not path.exists():
        path = data_dir / f"small_{lang}.msgpack.gz"
        if not path.exists():
            return None
    stat = path.stat()
    cache = _cache_dir() / f"vocab-{_CACHE_FORMAT}-{path.name}-{stat.st_size}-{int(stat.st_mtime)}-{MIN_PART_ZIPF}.marshal"
    try:
        frequent, rare = marshal.loads(cache.read_bytes())
        return Vocabulary(frequent, array("q", rare))
    except (OSError, ValueError, EOFError, TypeError):
        pass
    vocab = _build_vocabulary(path)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps((vocab.frequent, vocab.rare.tobytes())))
        tmp.replace(cache)  # atomic: a concurrent reader sees the old file or the new one
    except OSError:
        pass  # a read-only home: build it each time
    return vocab


_CACHE_FORMAT = 1


def _cache_dir() -> Path:
    base = os.environ.get("FORUMSIFT_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "forumsift"


def _build_vocabulary(path: Path) -> Vocabulary:
    import msgpack

    with gzip.open(path) as f:
        # bucket by bucket: the whole list unpacked at once would double a crawl's peak memory
        unpacker = msgpack.Unpacker(f, raw=False)
        count = unpacker.read_array_header()
        unpacker.skip()  # the header
        return Vocabulary.from_buckets(unpacker.unpack() for _ in range(count - 1))


def best_split(token: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """The most likely way to cut an all-lower-case unknown token into two frequent words."""
    # Every word of MIN_PART_ZIPF or more is in `vocab.frequent`: a dict look-up decides most cuts,
    # and the long tail (a hash and a binary search) is read only next to a function word.
    frequent = vocab.frequent
    n = len(token)
    best: tuple[float, int] | None = None
    for i in range(1, n):
        left, right = token[:i], token[i:]
        zl0, zr0 = frequent.get(left, 0.0), frequent.get(right, 0.0)
        zl = zl0 if zl0 >= (MIN_SHORT_PART_ZIPF if i <= 2 else MIN_PART_ZIPF) else 0.0
        zr = zr0 if zr0 >= (MIN_SHORT_PART_ZIPF if n - i <= 2 else MIN_PART_ZIPF) else 0.0
        if not zl or not zr:
            # a rarer half next to a function word: "regurgitationof"
            if zl0 >= FUNCTION_WORD_ZIPF and n - i >= 5 and (z := vocab.get(right, 0.0)) >= MIN_RARE_PART_ZIPF:
                zl, zr = zl0, z
            elif zr0 >= FUNCTION_WORD_ZIPF and i >= 5 and (z := vocab.get(left, 0.0)) >= MIN_RARE_PART_ZIPF:
                zl, zr = z, zr0
        if zl and zr and (best is None or zl + zr > best[0]) and _plausible_halves(i, n - i, zl, zr):
            best = (zl + zr, i)
    return (token[: best[1]], token[best[1] :]) if best else None


def _plausible_halves(len_left: int, len_right: int, zl: float, zr: float) -> bool:
    """Whether halves of these lengths and frequencies read as two words: a one-letter half is a
    word of its own ("a", "i"), a three-letter half beside a content word is a common word."""
    if min(len_left, len_right) == 1 and (zl if len_left == 1 else zr) < MIN_ONE_LETTER_PART_ZIPF:
        return False
    if max(zl, zr) >= FUNCTION_WORD_ZIPF:
        return True
    rare = MIN_THREE_LETTER_PART_ZIPF
    return not ((len_left == 3 and zl < rare) or (len_right == 3 and zr < rare))


def _inflected_word(token: str, vocab: Vocabulary) -> bool:
    """Whether `token` is a known word of six letters or more with an ending: "cutdowns",
    "backtested", "clickbaiting" (a term the word list has in its plain form only)."""
    for ending in INFLECTIONS:
        stem = token[: -len(ending)]
        if token.endswith(ending) and len(stem) >= 6 and (stem in vocab or ending == "ing" and stem + "e" in vocab):
            return True
    return False


def _misspelt_word(token: str, frequent: dict[str, float]) -> bool:
    """Whether `token` is one letter away (one dropped, added, changed, or two swapped) from a word
    of `MIN_TYPO_WORD_ZIPF` or more: "marketars" (marketers), "causalties", "discused"."""
    letters = set("abcdefghijklmnopqrstuvwxyz" + token)
    cuts = [(token[:i], token[i:]) for i in range(len(token) + 1)]
    candidates = {a + b[1:] for a, b in cuts if b}
    candidates.update(a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1)
    candidates.update(a + c + b[1:] for a, b in cuts if b for c in letters)
    candidates.update(a + c + b for a, b in cuts for c in letters)
    candidates.discard(token)
    return any(frequent.get(w, 0.0) >= MIN_TYPO_WORD_ZIPF for w in candidates)


def split_token(token: str, vocab: Vocabulary, lang: str) -> str | None:
    """The token with a space where it was glued, or None to leave it."""
    # A known word is never split. That look-up (a hash and a binary search for a rare word) is
    # made after the cheap tests of the token's shape, which turn most unknown words away.
    uppers = [i for i, c in enumerate(token) if c.isupper()]
    if not uppers:
        if lang not in LOWERCASE_SPLIT_LANGS:
            return None  # closed compounds (German, Dutch ...) are words
        lower = token.lower()
        if lower in vocab:
            return None
        parts = best_split(lower, vocab)
        if not parts or parts[0] in COMPOUND_HEADS or parts[1] in COMPOUND_TAILS:
            return None
        if (min(map(len, parts)) >= 3 and max(vocab.get(p) for p in parts) < FUNCTION_WORD_ZIPF
                and (_misspelt_word(lower, vocab.frequent) or _inflected_word(lower, vocab))):
            return None  # one word misspelt or inflected, not two: "causalties", "cutdowns"
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
    if vocab.get(left, 0.0) < MIN_PART_ZIPF or token.lower() in vocab:
        return None
    return f"{left} {right}"


def _occurrences(text: str, token: str) -> list[re.Match[str]]:
    """The `_TOKEN` matches that are `token`, found without scanning the text with the slow
    pattern: each occurrence is checked with `_TOKEN.match` at its position."""
    found = []
    i = text.find(token)
    while i >= 0:
        m = _TOKEN.match(text, i)
        if m and m.end() == i + len(token):
            found.append(m)
        i = text.find(token, i + 1)
    return found


# UTF-8 text with every ASCII character but a letter made a space: the pieces are the ASCII letter
# runs and the runs that hold non-ASCII characters (letters or not: those are read with `_TOKEN`).
_LETTER_RUNS = bytes(c if 65 <= c <= 90 or 97 <= c <= 122 or c >= 128 else 32 for c in range(256))


def _unknown_words(text: str, ctx: Context, frequent: dict[str, float]) -> set[str]:
    """Every token (`_TOKEN` match) of `text` that is neither a frequent word (as written or in
    lower case) nor a name the thread uses, and possibly a few other letter runs of `text`."""
    # A token is a whole run of letters, so it is one of the pieces (or, in a piece with non-ASCII
    # characters, a `_TOKEN` match of the piece alone): a few C calls find them, many times faster
    # than scanning the text with `_TOKEN`. `_occurrences` checks the few that matter in the text.
    words = set(text.encode("utf-8").translate(_LETTER_RUNS).decode("utf-8").split())
    if not text.isascii():
        mixed = set(filterfalse(str.isascii, words))
        words -= mixed
        for piece in mixed:
            words.update(_TOKEN.findall(piece))
    unknown = words.difference(frequent, ctx.known_names)
    known = ctx.known_names
    return {w for w in unknown if 5 <= len(w) <= 40 and w.lower() not in frequent
            and (not known or name_key(w) not in known)}


def name_key(word: str) -> str:
    """How a token is compared with the names and terms a thread uses (`known_names` hold these
    keys): case and a plural s aside, so "SemVer" covers "semver" and "allowlists" "allowlist"."""
    key = word.lower()
    return key[:-1] if key[-1:] == "s" and key[-2:] != "ss" else key


# Characters around a name on a line by itself: a heading's or a list item's marks.
_LINE_MARKS = " \t#*-•>"


def _written_as_name(text: str, m: re.Match[str], lowered: str) -> bool:
    """Whether the token at `m` reads as a name or a term where it stands, not as words run
    together: an emoji code (":biggrin:"), a line by itself (a heading or a user name: glue needs
    running text around it), or a token the post writes again in another form (in an address,
    another case, a plural: "openbeta@community.openbeta.io")."""
    s, e = m.span()
    if text[s - 1 : s] == ":" and text[e : e + 1] == ":":
        return True
    line_start, line_end = text.rfind("\n", 0, s) + 1, text.find("\n", e)
    line_end = len(text) if line_end < 0 else line_end
    if not text[line_start:s].strip(_LINE_MARKS) and not text[e:line_end].strip(_LINE_MARKS):
        return True
    key = name_key(m.group(0))
    return len(re.findall(rf"(?<![^\W\d_]){re.escape(key)}", lowered)) > 1


def split_glued_words(text: str, ctx: Context) -> str:
    """Split words glued together ("arguedthat" -> "argued that"), precision first (see module)."""
    if not ctx.settings.split_glued or ctx.lang not in CASE_SPLIT_LANGS:
        return text
    vocab = vocabulary(ctx.lang)
    if not vocab:
        return text
    if ctx.link_glue:
        # first, so the splits below see its pieces; its fixes' offsets are in the step's input,
        # those below in the text after it
        text = split_link_edges(text, ctx, vocab)
    # Decide per distinct word once; most posts have nothing to split and end here.
    splits: dict[str, str] = {}
    matches: list[re.Match[str]] = []
    lowered = ""
    for word in _unknown_words(text, ctx, vocab.frequent):
        split = split_token(word, vocab, ctx.lang)
        if split is not None:
            found = _occurrences(text, word)
            if len(found) != 1:
                continue  # a repeated token is a name or a term, not an accident
            lowered = lowered or text.lower()
            if not _written_as_name(text, found[0], lowered):
                splits[word] = split
                matches += found
    if not splits:
        return text

    before = len(ctx.fixes)
    matches.sort(key=lambda m: m.start())
    text = substitute(text, _TOKEN, lambda m: splits[m.group(0)], "glue", ctx, matches=matches)
    ctx.evidence["glued"] += len(ctx.fixes) - before
    return text


def _reads_as_word(piece: str, vocab: Vocabulary) -> bool:
    """Whether `piece` (letters) is a word of its own or a name: a capitalised piece ("Reuters",
    "BBC"), or a lower-case word common enough for its length ("a", "to", "the", "report")."""
    if piece[0].isupper():
        return len(piece) > 1
    n = len(piece)
    floor = (MIN_ONE_LETTER_PART_ZIPF if n == 1 else MIN_SHORT_PART_ZIPF if n == 2
             else MIN_THREE_LETTER_PART_ZIPF if n == 3 else MIN_RARE_PART_ZIPF)
    return vocab.get(piece, 0.0) >= floor


def link_edge_split(word: str, cuts: Iterable[int], vocab: Vocabulary, lang: str) -> str | None:
    """`word` with a space at each link edge (`cuts`, offsets in it) where the markup shows glue, or
    None to leave it: the pieces beside the edge are each a word or a name, and not one word together
    ("re<a>port</a>", "<a>book</a>mark"), nor a word and an ending ("<a>iPhone</a>s", "<a>Python</a>ic")."""
    if not word.isalpha() or word.lower() in vocab:
        return None  # digits, a link inside a known word ("Wiki<a>pedia</a>")
    bounds = [0, *sorted(set(cuts)), len(word)]
    out = word[: bounds[1]]
    for i in range(1, len(bounds) - 1):
        left, right = word[bounds[i - 1] : bounds[i]], word[bounds[i] : bounds[i + 1]]
        lower = left.islower() and right.islower()
        if (_reads_as_word(left, vocab) and _reads_as_word(right, vocab)
                and (left + right).lower() not in vocab
                and not (lower and (left in COMPOUND_HEADS or right in COMPOUND_TAILS))
                # closed-compound languages: only a lower-case word before a capital ("der<a>Bericht</a>")
                and (lang in LOWERCASE_SPLIT_LANGS or left.islower() and right[0].isupper())):
            out += " "
        out += right
    return out if out != word else None


def split_link_edges(text: str, ctx: Context, vocab: Vocabulary) -> str:
    """Split the words a link was glued to (`ctx.link_glue`, from the HTML): the link's edge is
    where the source lost a space ("to<a>Reuters</a>" -> "to Reuters"). A word the post also writes
    without that link (more often than the links glue it) is a name and stays."""
    glued: dict[str, tuple[int, set[int]]] = {}
    for word, cuts in ctx.link_glue:
        count, all_cuts = glued.get(word, (0, set()))
        glued[word] = (count + 1, all_cuts | set(cuts))
    splits: dict[str, str] = {}
    matches: list[re.Match[str]] = []
    for word, (count, cuts) in glued.items():
        split = link_edge_split(word, cuts, vocab, ctx.lang)
        if split is None:
            continue
        found = list(re.finditer(rf"{_TOKEN_BEFORE}{re.escape(word)}{_TOKEN_AFTER}", text))
        if 0 < len(found) <= count:
            splits[word] = split
            matches += found
    if not splits:
        return text
    matches.sort(key=lambda m: m.start())
    return substitute(text, _TOKEN, lambda m: splits[m.group(0)], "glue", ctx, matches=matches)
