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
