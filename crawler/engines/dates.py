"""Dates as forums print them, to timezone-aware UTC datetimes.

Machine attributes (`time[datetime]`, `data-time`, `data-timestamp`, ISO strings, unix seconds or
milliseconds) are parsed directly; visible text ("Dec 21, 2015", "Yesterday at 10:15",
"2 hours ago", "Heute, 09:12", "21 декабря 2015") goes through dateparser against the fetch time,
in the site's timezone (a setting; UTC when unknown).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

_ISO_OFFSET_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_machine(value: str | None) -> datetime | None:
    """ISO-8601 (with or without offset, `+0700` style too) or unix seconds/ms -> aware UTC."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{9,13}", value):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    iso = value.replace("Z", "+00:00")
    iso = _ISO_OFFSET_NO_COLON.sub(r"\1:\2", iso)
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if parsed.tzinfo is None:  # a machine date without zone: the server's time, taken as UTC
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


_NOISE = re.compile(r"^(?:«|»|on:|posted:?|on)\s*|\s*(?:»|«)$", re.I)


def parse_text(text: str | None, languages: list[str] | None = None,
               relative_base: datetime | None = None, timezone_name: str | None = None) -> datetime | None:
    """A visible date ("Dec 21, 2015 at 10:15 PM", "Yesterday at 10:15", "2 hours ago") -> UTC."""
    if not text:
        return None
    cleaned = _NOISE.sub("", re.sub(r"\s+", " ", text)).strip(" ,·|-")
    if not cleaned:
        return None
    parsed = _dateparser(cleaned, tuple(languages) if languages else None,
                         (relative_base or datetime.now(timezone.utc)).replace(microsecond=0, second=0),
                         timezone_name or "UTC")
    return parsed


@lru_cache(maxsize=4096)
def _dateparser(text: str, languages: tuple[str, ...] | None, base: datetime, tz: str) -> datetime | None:
    import dateparser  # noqa: PLC0415  (slow import; most pages carry machine dates)

    local_base = base.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    settings = {
        "TIMEZONE": tz,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": local_base,
        "PREFER_DATES_FROM": "past",
    }
    try:
        result = dateparser.parse(text, languages=list(languages) if languages else None, settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; a missing date is not fatal
        return None
    if result is None:
        # strip trailing words such as "(edited)" or "#3" and try once more
        short = re.sub(r"[^\w:.,/ -].*$", "", text).strip()
        if short and short != text:
            return _dateparser(short, languages, base, tz)
        return None
    return result.astimezone(timezone.utc)
