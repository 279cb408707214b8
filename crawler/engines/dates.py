"""Dates as forums print them, to timezone-aware UTC datetimes.

Machine attributes (`time[datetime]`, `data-time`, `data-timestamp`, ISO strings, unix seconds or
milliseconds) are parsed directly; visible text ("Dec 21, 2015", "Yesterday at 10:15",
"2 hours ago", "Heute, 09:12", "21 декабря 2015") goes through dateparser against the fetch time,
in the site's timezone (a setting; UTC when unknown).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
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
    english = not languages or list(languages) == ["en"]
    quick = quick_parse(cleaned, timezone_name or "UTC", english=english) if english or "en" in languages else None
    if quick:
        return quick
    base = (relative_base or datetime.now(timezone.utc)).replace(microsecond=0, second=0)
    if english and (timezone_name or "UTC") == "UTC":
        ago = quick_ago(cleaned, base)
        if ago:
            return ago
    parsed = _dateparser(cleaned, tuple(languages) if languages else None,
                         base, timezone_name or "UTC")
    return parsed


# "2 years ago", "3y", "5 min": the units dateparser's English reads as that much before the page's
# fetch time (not "w": it reads no "1w"); tests/test_dates.py checks every form against dateparser
_AGO_UNITS = {
    **dict.fromkeys(("y", "yr", "year", "years"), "years"), **dict.fromkeys(("mo", "month", "months"), "months"),
    **dict.fromkeys(("wk", "week", "weeks"), "weeks"), **dict.fromkeys(("d", "day", "days"), "days"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "seconds"),
}
_AGO_TEXT = re.compile(r"([1-9]\d?) ?(" + "|".join(sorted(_AGO_UNITS, key=len, reverse=True)) + r")(?: ago)?")


def quick_ago(text: str, base: datetime) -> datetime | None:
    """An English time-ago in UTC ("2 years ago", "3y", "5 min") read without dateparser, whose first
    use in a process costs a fifth of a second: the same moment it gives, `base` minus that much."""
    m = _AGO_TEXT.fullmatch(text)
    if not m:
        return None
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415 (dateparser's own arithmetic)

    return base.astimezone(timezone.utc) - relativedelta(**{_AGO_UNITS[m.group(2)]: int(m.group(1))})


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


_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                             "dec"))}
_ISO_TEXT = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z)?\s*"
                       r"(?:([+-])(\d{2}):?(\d{2}))?")
_TIME = r"(?:,?\s*(?:at|-|@)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?"
_ENGLISH_TEXT = re.compile(r"(?:on\s+)?(?:[A-Za-z]+,?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"
                           + _TIME + r"(?:\s*(?:GMT|UTC)\s*([+-])(\d{1,2}):?(\d{2})|\s+[A-Za-z]+)?", re.I)
# the day first: "30th March 2025, 16:26" (vBulletin), "12. Sep 2024, 11:14" (phpBB's d. M Y)
_DAY_FIRST_TEXT = re.compile(r"(?:[A-Za-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th|\.)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})" + _TIME, re.I)
# an ISO day with a 12-hour clock: "2024-01-05, 03:34 AM" (MyBB's default)
_ISO_DAY_TEXT = re.compile(r"(\d{4})-(\d{2})-(\d{2})" + _TIME, re.I)
# 03/04/2024 is March 4th in English, as dateparser reads it (and 13/03/2024 March 13th)
_NUMERIC_TEXT = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})" + _TIME, re.I)


def quick_parse(text: str, tz: str, english: bool = True) -> datetime | None:
    """ISO ("2024-08-12 11:00:23", with or without a zone; "2024-01-05, 03:34 AM") and English
    month-name dates ("Feb 12, 2024 3:05pm", "on Friday January 12, 2024 11:51AM", "30th March 2025,
    16:26", "12. Sep 2024, 11:14"), read without dateparser (the common cases, a hundred times
    faster; its first use in a process costs a third of a second); numeric dates only on English pages. A date without a zone is in the
    site's timezone `tz`."""
    m = _ISO_TEXT.fullmatch(text.strip())
    if m:
        year, month, day, hour, minute = (int(x) for x in m.group(1, 2, 3, 4, 5))
        second = int(m.group(6) or 0)
        zone = timezone.utc if m.group(7) else None
        if m.group(8):
            sign = 1 if m.group(8) == "+" else -1
            zone = timezone(sign * timedelta(hours=int(m.group(9)), minutes=int(m.group(10))))
    elif m := _ISO_DAY_TEXT.fullmatch(text.strip()):
        year, month, day = (int(x) for x in m.group(1, 2, 3))
        hour, minute, second = _clock(m.group(4, 5, 6, 7))
        zone = None
    elif english and (m := _NUMERIC_TEXT.fullmatch(text.strip())):
        first, second_number, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        month, day = (first, second_number) if first <= 12 else (second_number, first)
        hour, minute, second = _clock(m.group(4, 5, 6, 7))
        zone = None
    elif english and (m := _DAY_FIRST_TEXT.fullmatch(text.strip())) and _month(m.group(2)):
        year, month, day = int(m.group(3)), _month(m.group(2)), int(m.group(1))
        hour, minute, second = _clock(m.group(4, 5, 6, 7))
        zone = None
    else:
        m = _ENGLISH_TEXT.fullmatch(text.strip())
        month_number = _MONTHS.get(m.group(1)[:3].lower()) if m else None
        if not m or not month_number or (len(m.group(1)) > 3 and not _full_month(m.group(1))):
            return None
        year, month, day = int(m.group(3)), month_number, int(m.group(2))
        hour, minute, second = _clock(m.group(4, 5, 6, 7))
        zone = None
        if m.group(8):
            sign = 1 if m.group(8) == "+" else -1
            zone = timezone(sign * timedelta(hours=int(m.group(9)), minutes=int(m.group(10) or 0)))
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=zone or ZoneInfo(tz))
    except ValueError:
        return None
    return moment.astimezone(timezone.utc)


def _clock(parts: tuple[str | None, ...]) -> tuple[int, int, int]:
    hour, minute, second, half = parts
    h = int(hour or 0)
    if half:
        h = h % 12 + (12 if half.lower() == "p" else 0)
    return h, int(minute or 0), int(second or 0)


def _month(word: str) -> int | None:
    """An English month name or its three-letter abbreviation -> 1..12."""
    number = _MONTHS.get(word[:3].lower())
    return number if number and (len(word) == 3 or _full_month(word)) else None


def _full_month(word: str) -> bool:
    return word.lower().rstrip(".") in {"january", "february", "march", "april", "june", "july", "august",
                                       "september", "sept", "october", "november", "december"}
