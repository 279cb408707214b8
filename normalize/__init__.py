"""Pure text functions that turn a forum post into clean text plus a log of every fix.

No Scrapy, no SQL: HTML or flattened text in, `CleanPost` out.

    >>> from normalize import clean_text
    >>> clean_text("Hello  world").text
    'Hello world'
"""
from __future__ import annotations

from normalize.fixlog import Settings
from normalize.model import CleanPost, CleanQuote, Fix, RawPost, RawQuote
from normalize.pipeline import STEPS, VERSION, clean_body, clean_post, clean_text, shared_words, thread_names

__all__ = [
    "CleanPost",
    "CleanQuote",
    "Fix",
    "RawPost",
    "RawQuote",
    "STEPS",
    "Settings",
    "VERSION",
    "clean_body",
    "clean_post",
    "clean_text",
    "shared_words",
    "thread_names",
]
