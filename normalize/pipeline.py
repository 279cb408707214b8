"""The registry of named steps and the two entry points, `clean_post` and `clean_text`.

Steps run in the order of `STEPS`; each is a pure `(text, ctx) -> text` function that records its
changes in `ctx.fixes` (see `fixlog`). The language is guessed just before the glued-word step,
which needs it, and is the post's language in the result.
"""
from __future__ import annotations

import re

from collections.abc import Callable, Iterable

from normalize import boilerplate, glue, language, punctuation, unicode_fixes, whitespace
from normalize.fixlog import Context, Settings
from normalize.flattened import split_header
from normalize.html_text import HtmlText, html_to_text
from normalize.model import CleanPost, CleanQuote, RawPost
from normalize.mt_score import mt_score

# Stored with every post; raised whenever a change alters what the normalizer outputs.
VERSION = "0.4.2"

Step = Callable[[str, Context], str]


def detect_language_step(text: str, ctx: Context) -> str:
    """Set `ctx.lang` (langdetect with a cheap first pass; only the first pass when language
    detection is switched off, which is still enough for the glued-word step)."""
    if ctx.settings.detect_language:
        ctx.lang, ctx.lang_confidence = language.detect_language(text)
    else:
        quick = language._first_pass(language._sample(text))
        ctx.lang = quick[0] if quick else "und"
    return text


STEPS: dict[str, Step] = {
    "decode_entities": unicode_fixes.decode_entities,  # before ftfy: entities on top of mojibake
    "fix_mojibake": unicode_fixes.fix_mojibake,  # before line breaks: ftfy reads \x85 as "…"
    "normalize_line_breaks": unicode_fixes.normalize_line_breaks,
    "remove_control_chars": unicode_fixes.remove_control_chars,
    "normalize_spaces": unicode_fixes.normalize_spaces,
    "nfc": unicode_fixes.nfc,
    "drop_chrome_lines": boilerplate.drop_chrome_lines,
    "plain_quotes": punctuation.plain_quotes,
    "plain_hyphens": punctuation.plain_hyphens,
    "space_before_punctuation": punctuation.space_before_punctuation,
    "space_after_bracket": punctuation.space_after_bracket,
    "space_after_sentence": punctuation.space_after_sentence,
    "detect_language": detect_language_step,
    "split_glued_words": glue.split_glued_words,
    "trim_lines": whitespace.trim_lines,
    "collapse_spaces": whitespace.collapse_spaces,
    "collapse_blank_lines": whitespace.collapse_blank_lines,
    "strip_text": whitespace.strip_text,
}
# Only for flattened text: a date or user title alone on a line is a printed post header there.
FLATTENED_STEPS: dict[str, Step] = {"drop_header_lines": boilerplate.drop_header_lines}


def run_steps(text: str, ctx: Context, flattened: bool = False) -> str:
    """Run every registered step over `text` in order."""
    for name, step in STEPS.items():
        text = step(text, ctx)
        if flattened and name == "drop_chrome_lines":
            text = boilerplate.drop_header_lines(text, ctx)
    return text


def _clean(text: str, code: list[str], settings: Settings, known_names: frozenset[str],
           flattened: bool = False, link_glue: list[tuple[str, tuple[int, ...]]] | None = None) -> CleanPost:
    ctx = Context(settings=settings, code=code, known_names=known_names, link_glue=link_glue or [])
    clean = run_steps(text, ctx, flattened)
    post = CleanPost(text=clean, raw_text=text, fixes=ctx.fixes, normalizer_version=VERSION)
    if settings.detect_language:
        post.lang, post.lang_confidence = ctx.lang, ctx.lang_confidence
        langs = language.paragraph_languages(clean, ctx.lang)
        if len(set(langs)) > 1:
            post.paragraph_langs = langs
    post.mt_evidence = {k: v for k, v in ctx.evidence.items() if v}
    if post.mt_evidence:  # (no evidence scores 0.0: the words need no counting)
        post.mt_score = mt_score(post.mt_evidence, len(clean.split()), ctx.lang)
    return post


def _clean_html(body: HtmlText, settings: Settings, known_names: frozenset[str]) -> CleanPost:
    """`_clean` of a text read from HTML, with its verbatim code and the words links were glued to."""
    return _clean(body.text, body.code, settings, known_names, link_glue=body.link_glue)


def thread_names(texts: Iterable[str]) -> frozenset[str]:
    """Tokens that occur in the other posts of a thread (as `glue.name_key` writes them): names and
    terms the glued-word step must never split. Pass the result as `known_names` when normalizing
    the thread's posts."""
    names: set[str] = set()
    for t in texts:
        names.update(glue.name_key(m.group(0)) for m in glue._TOKEN.finditer(t))
    return frozenset(names)


_WORD = re.compile(r"[^\W\d_]{5,40}")


def shared_words(texts: Iterable[str]) -> frozenset[str]:
    """Words that occur in at least two of `texts` (the posts of one thread page, as HTML or text; as
    `glue.name_key` writes them): a name or a term the thread uses ("getrandom"), which the
    glued-word step must never split.
    A word only one post has stays splittable, so the glue of that post is still repaired."""
    seen: set[str] = set()
    shared: set[str] = set()
    for text in texts:
        # as `glue.name_key` compares them: "allowlist" in one post and "allowlists" in another
        words = {w[:-1] if w[-1] == "s" and w[-2] != "s" else w for w in set(_WORD.findall(text.lower()))}
        shared.update(words & seen)
        seen.update(words)
    return frozenset(shared)


def clean_post(raw: RawPost, detect_language: bool = True, settings: Settings | None = None,
               known_names: frozenset[str] = frozenset()) -> CleanPost:
    """Normalize one post an engine extracted: body HTML to clean text, with every fix recorded.
    Metadata comes from the engine (`raw`) and is passed through.

    `known_names`: tokens seen elsewhere in the thread (`thread_names`), never split as glue.
    `detect_language=False` skips langdetect (the cheap first pass still runs for the glue step).
    """
    settings = settings or Settings(detect_language=detect_language)
    body = html_to_text(raw.body_html)
    post = _clean_html(body, settings, known_names)
    quiet = Settings(typographic_quotes=settings.typographic_quotes, split_glued=settings.split_glued,
                     drop_boilerplate=settings.drop_boilerplate, detect_language=False)
    for q in raw.quotes:
        qt = html_to_text(q.html)
        if qt.text:
            post.quotes.append(CleanQuote(q.author, q.post_id, _clean_html(qt, quiet, known_names).text))
    if raw.signature_html:
        sig = html_to_text(raw.signature_html)
        post.signature = _clean_html(sig, quiet, known_names).text or None
    post.title = raw.title
    post.author = raw.author
    post.author_title = raw.author_title
    post.posted_at = raw.posted_at
    post.posted_at_raw = raw.posted_at_raw
    return post


def clean_body(text: str, detect_language: bool = True, settings: Settings | None = None,
               known_names: frozenset[str] = frozenset()) -> CleanPost:
    """Normalize the text of one post body that is already plain text (no printed header to
    find): every step of `clean_post` after HTML to text."""
    settings = settings or Settings(detect_language=detect_language)
    return _clean(text, [], settings, known_names)


def clean_text(text: str, detect_language: bool = True, settings: Settings | None = None,
               known_names: frozenset[str] = frozenset()) -> CleanPost:
    """Normalize text that arrives already flattened (a forum thread saved as text): the printed
    header (title, author, user title, date) becomes metadata, chrome lines go, the rest is
    cleaned like a post body. The header's removal is the first recorded fix."""
    settings = settings or Settings(detect_language=detect_language)
    text = text.replace("\r\n", "\n")
    head = split_header(text)
    body = text[head.body_start:]
    post = _clean(body, [], settings, known_names, flattened=True)
    if head.body_start:
        from normalize.model import Fix

        post.fixes.insert(0, Fix("header", text[: head.body_start], "", 0))
    post.raw_text = text
    post.title, post.author = head.title, head.author
    post.author_title, post.posted_at, post.posted_at_raw = head.author_title, head.posted_at, head.posted_at_raw
    return post
