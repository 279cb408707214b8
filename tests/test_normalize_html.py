"""Step 1, HTML to text: cases from fixtures/normalize/html_text.json."""
import json
from pathlib import Path

import pytest

from normalize.html_text import html_to_text

CASES = json.loads((Path(__file__).parent.parent / "fixtures/normalize/html_text.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_html_to_text(case):
    got = html_to_text(case["input"])
    assert got.text == case["expected"]
    if "code" in case:
        assert got.code == case["code"]


@pytest.mark.parametrize("html,glued", [
    ("We read the<a href='/r'>report</a>yesterday.", [("thereportyesterday", (3, 9))]),
    ("According to<a href='/r'>Reuters</a>, and See<a href='/t'>this</a>.", [("toReuters", (2,)), ("Seethis", (3,))]),
    ("Two <a href='/p'>iPhone</a>s and <a href='/g'>Google</a>'s maps", [("iPhones", (6,))]),
    ("a <a href='/x'>spaced</a> link, a <a href='/i'><img src='x.png'></a>word", []),  # no edge touches a letter
    ("<p>end of a <a href='/x'>line</a></p><p>Next</p>", []),  # a block break is a space
])
def test_html_to_text_reports_words_glued_to_a_link(html, glued):
    assert html_to_text(html).link_glue == glued
