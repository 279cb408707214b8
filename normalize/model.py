"""The data that goes into and comes out of the normalizer.

`RawPost` is what an engine extracts from a page (HTML still in it); `CleanPost` is what
`clean_post` / `clean_text` return: clean text, language, the metadata found, and every `Fix`
made, in order, so each change can be audited or redone by a newer normalizer.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class RawQuote:
    """A quote block taken out of a post body: who was quoted, which post, the quoted HTML."""

    author: str | None = None
    post_id: str | None = None
    html: str = ""


@dataclass(slots=True)
class RawPost:
    """One post as an engine read it from a page, before any cleaning."""

    post_id: str
    body_html: str
    position: int | None = None
    author: str | None = None
    author_id: str | None = None
    author_url: str | None = None
    author_title: str | None = None
    posted_at: datetime | None = None  # timezone-aware (UTC) when the engine knows the zone
    posted_at_raw: str | None = None  # the date as the page showed it
    edited_at: datetime | None = None
    quotes: list[RawQuote] = field(default_factory=list)
    signature_html: str | None = None
    likes: int | None = None
    title: str | None = None  # some engines give each post a subject line


@dataclass(slots=True)
class Fix:
    """One change the normalizer made: what kind, the text before and after, where (in the
    text as it was when the step ran)."""

    kind: str
    before: str
    after: str
    offset: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class CleanQuote:
    author: str | None
    post_id: str | None
    text: str


@dataclass(slots=True)
class CleanPost:
    """The result of normalizing one post."""

    text: str
    raw_text: str = ""
    lang: str = "und"
    lang_confidence: float = 0.0
    fixes: list[Fix] = field(default_factory=list)
    quotes: list[CleanQuote] = field(default_factory=list)
    signature: str | None = None
    mt_score: float = 0.0
    mt_evidence: dict[str, int] = field(default_factory=dict)
    # metadata recognised in flattened text (clean_text): title, author, author_title, posted_at
    title: str | None = None
    author: str | None = None
    author_title: str | None = None
    posted_at: datetime | None = None
    normalizer_version: str = ""
    # languages of the paragraphs, in order, only when a post mixes languages (else empty)
    paragraph_langs: list[str] = field(default_factory=list)
    posted_at_raw: str | None = None  # the header's date as printed (clean_text)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the CLI and the store: metadata, text, language, score, fixes."""
        return {
            "title": self.title,
            "author": self.author,
            "author_title": self.author_title,
            "posted_at": self.posted_at.isoformat() if self.posted_at else None,
            "text": self.text,
            "lang": self.lang,
            "lang_confidence": self.lang_confidence,
            "paragraph_langs": self.paragraph_langs,
            "mt_score": self.mt_score,
            "mt_evidence": dict(self.mt_evidence),
            "normalizer_version": self.normalizer_version,
            "fixes": [f.to_dict() for f in self.fixes],
        }
