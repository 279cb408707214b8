"""The registry of named steps and the two entry points, `clean_post` and `clean_text`.

Steps run in the order of `STEPS`; each is a pure `(text, ctx) -> text` function that records its
changes in `ctx.fixes`. `explain`/`--explain` shows them by kind.
"""
from __future__ import annotations

from collections.abc import Callable

from normalize import unicode_fixes, whitespace
from normalize.fixlog import Context, Settings
from normalize.html_text import html_to_text
from normalize.model import CleanPost, CleanQuote, RawPost

VERSION = "0.1.0"

Step = Callable[[str, Context], str]

STEPS: dict[str, Step] = {
    "normalize_line_breaks": unicode_fixes.normalize_line_breaks,
    "fix_mojibake": unicode_fixes.fix_mojibake,
    "decode_entities": unicode_fixes.decode_entities,
    "remove_control_chars": unicode_fixes.remove_control_chars,
    "normalize_spaces": unicode_fixes.normalize_spaces,
    "nfc": unicode_fixes.nfc,
    "trim_lines": whitespace.trim_lines,
    "collapse_spaces": whitespace.collapse_spaces,
    "collapse_blank_lines": whitespace.collapse_blank_lines,
    "strip_text": whitespace.strip_text,
}


def run_steps(text: str, ctx: Context) -> str:
    """Run every registered step over `text` in order."""
    for step in STEPS.values():
        text = step(text, ctx)
    return text


def _clean(text: str, code: list[str], settings: Settings) -> CleanPost:
    ctx = Context(settings=settings, code=code)
    clean = run_steps(text, ctx)
    return CleanPost(text=clean, raw_text=text, fixes=ctx.fixes, normalizer_version=VERSION)


def clean_post(raw: RawPost, detect_language: bool = True, settings: Settings | None = None) -> CleanPost:
    """Normalize one post an engine extracted: body HTML to clean text, with every fix recorded.
    Metadata comes from the engine (`raw`) and is passed through."""
    settings = settings or Settings(detect_language=detect_language)
    body = html_to_text(raw.body_html)
    post = _clean(body.text, body.code, settings)
    for q in raw.quotes:
        qt = html_to_text(q.html)
        if qt.text:
            post.quotes.append(CleanQuote(q.author, q.post_id, _clean(qt.text, qt.code, settings).text))
    if raw.signature_html:
        sig = html_to_text(raw.signature_html)
        post.signature = _clean(sig.text, sig.code, settings).text or None
    post.title = raw.title
    post.author = raw.author
    post.author_title = raw.author_title
    post.posted_at = raw.posted_at
    return post


def clean_text(text: str, detect_language: bool = True, settings: Settings | None = None) -> CleanPost:
    """Normalize text that arrives already flattened (a forum thread saved as text)."""
    settings = settings or Settings(detect_language=detect_language)
    return _clean(text, [], settings)
