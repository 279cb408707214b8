"""Step 8: language, with langdetect (the user's choice), made deterministic and fast.

- Deterministic: one private `DetectorFactory`, every detector seeded with 0, so the same text
  always gets the same answer (langdetect is randomised by default).
- Bounded: at most `SAMPLE_CHARS` characters of letters are looked at.
- Fast: a cheap first pass answers the common cases without langdetect, by script (Han without kana
  is Chinese, Hangul Korean, Greek, Hebrew, Thai ...) and, for Latin text, by function words (a post
  where a quarter of the words are English function words, three times more than any other
  language's, is English). Only what the first pass cannot settle goes to langdetect. ASCII text
  (most posts) is split into words by `bytes.translate` and counted for all seven languages by
  one `sum`, both in C; a post's paragraphs are read from one translation of the whole post.
- "und" when the text is too short to tell; per-paragraph languages when a post mixes languages.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from itertools import repeat

SAMPLE_CHARS = 1000
MIN_LETTERS = 12  # below this (4 for CJK) the language is "und"
MIN_PARAGRAPH_CHARS = 40
# langdetect averages 7 random walks by default; 3 give the same answers on the labelled cases
# (tests/test_normalize_pipeline.py) in less than half the time.
LANGDETECT_TRIALS = 3

_FUNCTION_WORDS = {
    "en": "the and of to is in that it for was with you this are be have not on but they at what "
          "from his he my by or we an would can if there their will all has had were been which "
          "our your about just did than more up out when them then",
    "de": "der die und ist nicht das ich es mit sie sich den ein auf dem zu ein eine auch wir für "
          "von im wie aber noch wenn nur bei oder hat sind war doch dass kann",
    "fr": "le la les et est des une un que qui dans pour pas sur du au ce il elle nous vous avec "
          "mais ou sont cette aux je ne se plus par on j qu très chez aussi",
    "es": "el la los las de que y en es por un una para con no se del al lo como pero más su "
          "este esta son muy también hay fue sin",
    "it": "il di che è la le per un una non sono con del della si ma anche gli ho questo come al "
          "nel più ci mi",
    "pt": "o os de que e do da em um uma para com não se por as dos das mais mas foi ao ele ela "
          "você isso está são também",
    "nl": "de het een en van is dat niet op te zijn met voor ik maar ook er als dit wat aan hij "
          "je bij",
}
_FW = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_FW_LANGS: dict[str, tuple[str, ...]] = {}  # function word -> the languages it is one of
for _lang, _words in _FW.items():
    for _w in _words:
        _FW_LANGS[_w] = (*_FW_LANGS.get(_w, ()), _lang)
# Each function word -> its languages packed in one int, _FW_BITS bits a language (in `_FW` order),
# so that one `sum` over a text's words counts the function words of every language, in C.
_FW_ORDER = tuple(_FW)
_FW_BITS = 9  # counts up to 511: a sample has at most 500 words; seven languages fit a machine int
_FW_MASK = (1 << _FW_BITS) - 1
_FW_SHIFTS = tuple(_FW_BITS * i for i in range(len(_FW_ORDER)))
_FW_PACKED = {w: sum(1 << (_FW_BITS * _FW_ORDER.index(lang)) for lang in langs) for w, langs in _FW_LANGS.items()}
_FW_PACKED_ASCII = {w.encode("ascii"): n for w, n in _FW_PACKED.items() if w.isascii()}
# ASCII text as lower-case words in two C calls: letters kept (A-Z lowered), everything else but a
# newline a space. `bytes.translate` + `split` is three times faster than `_WORD.findall(text.lower())`.
_ASCII_WORD_TABLE = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or c == 10 else 32 for c in range(256))
_WORD = re.compile(r"[^\W\d_]+")
_SCRIPTS = [
    ("han", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("kana", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("cyrillic", re.compile(r"[\u0400-\u04ff]")),
    ("arabic", re.compile(r"[\u0600-\u06ff\u0750-\u077f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("devanagari", re.compile(r"[\u0900-\u097f]")),
    ("ka", re.compile(r"[\u10a0-\u10ff]")),
    ("hy", re.compile(r"[\u0530-\u058f]")),
]
# ы and э are Russian (and Belarusian, which always has і or ў); the letters of Ukrainian,
# Belarusian, Serbian, Macedonian, Kazakh and Mongolian rule Russian out. Bulgarian has neither ы nor э.
_RUSSIAN_LETTER = re.compile("[ыэЫЭ]")
_OTHER_CYRILLIC = re.compile("[іїєґўђћџјѓќѕљњәғқңөұүһІЇЄҐЎЂЋЏЈЃЌЅЉЊӘҒҚҢӨҰҮҺ]")
_NO_SCRIPT = dict.fromkeys((name for name, _ in _SCRIPTS), 0)
_NON_LATIN = re.compile(r"[\u0370-\u1fff\u3040-\u9fff\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[\d_]+")
_NOISE_NO_EMAIL = re.compile(r"https?://\S+|www\.\S+|[\d_]+")
_DIGITS = re.compile(r"[\d_]+")
_ASCII_DIGITS = re.compile(r"[0-9_]+")  # the same in ASCII text, where it is many times faster

_factory = None
_lock = threading.Lock()


@lru_cache(maxsize=4096)  # forums repeat short posts ("Same here.", "Thanks for posting this.")
def _langdetect(sample: str) -> tuple[str, float]:
    global _factory
    from langdetect.lang_detect_exception import LangDetectException

    if _factory is None:
        with _lock:
            if _factory is None:
                from langdetect.detector_factory import PROFILES_DIRECTORY

                from normalize.language_profiles import SparseDetectorFactory  # 26 MB, not 58

                f = SparseDetectorFactory()
                f.load_profile(PROFILES_DIRECTORY)
                f.seed = 0
                _factory = f
    det = _factory.create()
    det.seed = 0
    det.n_trial = LANGDETECT_TRIALS
    det.append(sample)
    try:
        best = det.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return "und", 0.0
    lang = best.lang.split("-")[0]  # zh-cn / zh-tw -> zh
    return lang, round(best.prob, 3)


def _first_pass(sample: str) -> tuple[str, float] | None:
    """Script and function-word answer, or None when langdetect must decide."""
    if sample.isascii():
        return _ascii_first_pass(sample)
    if _NON_LATIN.search(sample):
        counts = {name: len(rx.findall(sample)) for name, rx in _SCRIPTS}
    else:  # the common case: no need to count eleven scripts
        counts = _NO_SCRIPT.copy()
    latin = len(_LATIN.findall(sample))
    total = latin + sum(counts.values())
    if total == 0:
        return "und", 0.0
    cjk = counts["han"] + counts["kana"] + counts["ko"]
    if cjk >= 4 and cjk >= 0.3 * total:
        if counts["kana"] >= 0.05 * cjk:
            return "ja", 0.99
        if counts["ko"] > counts["han"]:
            return "ko", 0.99
        return "zh", 0.99
    if total < MIN_LETTERS:
        return "und", 0.0
    for name in ("el", "he", "th", "ka", "hy"):
        if counts[name] >= 0.6 * total:
            return name, 0.99
    if counts["cyrillic"] >= 0.6 * total and _RUSSIAN_LETTER.search(sample) and not _OTHER_CYRILLIC.search(sample):
        return "ru", 0.99
    if latin >= 0.8 * total:
        return _by_function_words([w.lower() for w in _WORD.findall(sample)], _FW_PACKED)
    return None


def _ascii_first_pass(sample: str) -> tuple[str, float] | None:
    """`_first_pass` for ASCII text (most posts): no script to count, only Latin letters."""
    return _ascii_words_first_pass(sample.encode("ascii").translate(_ASCII_WORD_TABLE).split())


def _ascii_words_first_pass(words: list[bytes]) -> tuple[str, float] | None:
    """`_first_pass` of an ASCII text given as its lower-case words."""
    if len(words) < MIN_LETTERS and sum(map(len, words)) < MIN_LETTERS:
        return "und", 0.0
    return _by_function_words(words, _FW_PACKED_ASCII)


def _by_function_words(words: list, packed: dict) -> tuple[str, float] | None:
    """The language whose function words dominate `words` (lower-case str or bytes, with
    `_FW_PACKED` or `_FW_PACKED_ASCII`), if any."""
    n = len(words)
    if n < 4:
        return None
    total = sum(map(packed.get, words if n <= _FW_MASK else words[:_FW_MASK], repeat(0)))  # (samples have fewer)
    if not total:
        return None  # no function word at all
    hits = [(total >> shift) & _FW_MASK for shift in _FW_SHIFTS]
    top = max(hits)
    i = hits.index(top)  # the first of equals, as a stable sort would rank them
    hits[i] = 0
    second = max(hits)
    share = top / n
    if n >= 8 and share >= 0.2 and top >= 3 * max(second, 1):
        return _FW_ORDER[i], round(min(0.99, 0.8 + share), 3)
    if n < 8 and top >= 2 and second == 0:
        # a short post: two function words of one language and none of another is as good an
        # answer as langdetect gives on so little text, at a hundredth of its cost
        return _FW_ORDER[i], round(min(0.9, 0.6 + share), 3)
    return None


def _sample(text: str) -> str:
    head = text[: SAMPLE_CHARS * 2]
    # `\S+@\S+` retries every word from each of its letters: leave out what cannot match
    if "@" in head:
        noise = _NOISE
    elif "://" in head or "www." in head:
        noise = _NOISE_NO_EMAIL
    elif head.isascii():
        if len(head) <= SAMPLE_CHARS:
            # digits only decide where a long sample is cut: the first pass reads them in ASCII
            # text as word breaks, and langdetect drops them
            return head
        noise = _ASCII_DIGITS
    else:
        noise = _DIGITS
    return noise.sub(" ", head)[:SAMPLE_CHARS]


def detect_language(text: str) -> tuple[str, float]:
    """(language code, confidence) for `text`; ("und", 0.0) when it is too short to tell.
    Codes are langdetect's, with zh-cn/zh-tw folded to "zh"."""
    sample = _sample(text)
    quick = _first_pass(sample)
    if quick is not None:
        return quick
    return _langdetect(sample)


def paragraph_languages(text: str, post_lang: str) -> list[str]:
    """The language of each paragraph (paragraphs end at a blank line) by the cheap first pass;
    paragraphs it cannot settle, or shorter than MIN_PARAGRAPH_CHARS, take the post's language.
    Only a confident different answer makes a post "mixed". [] for a single paragraph."""
    pieces = text.split("\n\n")
    kept = [i for i, p in enumerate(pieces) if p.strip()]
    if len(kept) < 2:
        return []
    # ASCII text: the words of every paragraph from one translation of the whole text
    words = text.encode("ascii").translate(_ASCII_WORD_TABLE).split(b"\n\n") if text.isascii() else None
    out = []
    for i in kept:
        p = pieces[i]
        if len(p) < MIN_PARAGRAPH_CHARS:
            out.append(post_lang)
            continue
        if words is not None and len(p) <= SAMPLE_CHARS and "@" not in p and "://" not in p and "www." not in p:
            quick = _ascii_words_first_pass(words[i].split())  # the paragraph is its own sample
        else:
            quick = _first_pass(_sample(p))
            if quick is None and _NON_LATIN.search(p):
                quick = detect_language(p)  # another script: worth langdetect
        out.append(quick[0] if quick and quick[0] != "und" else post_lang)
    return out
