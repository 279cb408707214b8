"""Dates as forums print them: the fast path agrees with dateparser, which reads everything else."""
from __future__ import annotations

from datetime import datetime, timezone

from crawler.engines import dates

FETCHED = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def test_common_date_texts_are_read_without_dateparser_and_agree_with_it():
    for text in ["2024-08-12 11:00:23", "2024-10-04 12:51:58 +03:00", "Feb 12, 2024 03:05pm", "Sep 12, 2024 15:05:33",
                 "on Friday January 12, 2024 11:51AM", "August 14, 2023 - 1:21am", "Jan 9, 2024, 9:05 AM",
                 "May 3, 2024 at 12:30 PM", "Dec 31, 2024 12:15 AM", "Oct 12, 2023", "03/03/2026 19:49",
                 "13/03/2026 19:49", "12/31/2025 at 9:37 pm", "05-03-2024, 10:15 PM", "9/14/2023 8:05:07 AM",
                 "Friday, October 4th, 2024 at 3:51:58 PM GMT+03:00"]:
        for tz in ("UTC", "Europe/Berlin"):
            quick = dates.quick_parse(text, tz)
            assert quick is not None, text
            assert quick == dates._dateparser(text, ("en",), FETCHED, tz), (text, tz)
    for text in ["3 hours ago", "Yesterday at 10:15", "21. Dezember 2015, 09:30", "Mayday 3, 2020"]:
        assert dates.quick_parse(text, "UTC") is None, text  # left to dateparser
    assert dates.quick_parse("12/03/2024 10:00", "UTC", english=False) is None  # day first in most languages
    assert dates.quick_parse("Feb 30, 2024", "UTC") is None  # no such day


def test_relative_and_foreign_dates_go_through_dateparser():
    assert dates.parse_text("Yesterday at 10:15", relative_base=FETCHED) == datetime(2026, 11, 24, 10, 15, tzinfo=timezone.utc)
    assert dates.parse_text("2 hours ago", relative_base=FETCHED) == datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
    assert dates.parse_text("21. Dezember 2015, 09:30", languages=["de"], relative_base=FETCHED,
                            timezone_name="Europe/Berlin") == datetime(2015, 12, 21, 8, 30, tzinfo=timezone.utc)


def test_english_time_ago_is_read_without_dateparser_and_agrees_with_it():
    leap = datetime(2024, 2, 29, 23, 59, tzinfo=timezone.utc)  # a year back has no Feb 29
    for unit in dates._AGO_UNITS:
        for form in ("{n}{unit}", "{n} {unit}", "{n}{unit} ago", "{n} {unit} ago"):
            for n in (1, 7, 12, 59):
                text = form.format(n=n, unit=unit)
                for base in (FETCHED, leap):
                    quick = dates.quick_ago(text, base)
                    assert quick is not None, text
                    assert quick == dates._dateparser(text, ("en",), base, "UTC"), (text, base)
                    assert dates.parse_text(text, ["en"], relative_base=base) == quick
    for text in ("1w", "2 w ago", "0 days ago", "2 Years Ago", "Updated 7mo", "a year ago", "2"):
        assert dates.quick_ago(text, FETCHED) is None, text  # left to dateparser ("1w" it does not read)
    assert dates.parse_text("1w", ["en"], relative_base=FETCHED) is None


def test_machine_dates():
    assert dates.parse_machine("2015-12-21T09:30:00+0700") == datetime(2015, 12, 21, 2, 30, tzinfo=timezone.utc)
    assert dates.parse_machine("1450690200") == datetime(2015, 12, 21, 9, 30, tzinfo=timezone.utc)
    assert dates.parse_machine("1450690200000") == datetime(2015, 12, 21, 9, 30, tzinfo=timezone.utc)
    assert dates.parse_machine("not a date") is None
