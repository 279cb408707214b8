"""Every named step of the normalizer against its cases in fixtures/normalize/steps.json:
input -> expected, and inputs that must come out unchanged."""
import json
from pathlib import Path

import pytest

from normalize.fixlog import Context
from normalize.pipeline import FLATTENED_STEPS, STEPS

DATA = json.loads((Path(__file__).parent.parent / "fixtures/normalize/steps.json").read_text(encoding="utf-8"))
ALL_STEPS = {**STEPS, **FLATTENED_STEPS}
CASES = [(step, inp, exp) for step, d in DATA.items() if step != "description" for inp, exp in d["cases"]]
NEGATIVE = [(step, inp) for step, d in DATA.items() if step != "description" for inp in d["must_not_change"]]


def _run(step: str, text: str) -> tuple[str, Context]:
    ctx = Context(lang="en")
    return ALL_STEPS[step](text, ctx), ctx


@pytest.mark.parametrize("step,text,expected", CASES, ids=[f"{s}:{i[:30]}" for s, i, _ in CASES])
def test_step_fixes(step, text, expected):
    got, ctx = _run(step, text)
    assert got == expected
    assert ctx.fixes, "a change must be recorded"


@pytest.mark.parametrize("step,text", NEGATIVE, ids=[f"{s}:{i[:30]}" for s, i in NEGATIVE])
def test_step_leaves_alone(step, text):
    got, ctx = _run(step, text)
    assert got == text
    assert not ctx.fixes


def test_every_step_is_tested_and_documented():
    for name, fn in ALL_STEPS.items():
        assert fn.__doc__, name
    untested = set(ALL_STEPS) - set(DATA) - {"detect_language", "strip_text", "normalize_line_breaks"}
    assert not untested


REPLAY = [c for c in CASES if c[0] != "plain_quotes"]  # plain_quotes is two passes


@pytest.mark.parametrize("step,text,expected", REPLAY, ids=[f"{s}:{i[:30]}" for s, i, _ in REPLAY])
def test_fixes_replay_to_the_output(step, text, expected):
    """Each Fix's offset points at `before` in the step's input: replaying gives the output."""
    got, ctx = _run(step, text)
    out, pos = [], 0
    for f in ctx.fixes:
        assert text[f.offset:f.offset + len(f.before)] == f.before
        out += [text[pos:f.offset], f.after]
        pos = f.offset + len(f.before)
    assert "".join(out) + text[pos:] == got


def test_clean_typography_is_never_mojibake_to_ftfy():
    """`fix_mojibake` does not hand ftfy text whose only non-ASCII characters are clean typography
    (curly quotes, dashes, ellipsis ...): ftfy's `is_bad` must find nothing in any string of one to
    three of those and ASCII characters, the longest its patterns over such text reach."""
    from itertools import product

    from ftfy.badness import is_bad

    from normalize.unicode_fixes import TYPOGRAPHY

    alphabet = [chr(c) for c in range(128)] + list(TYPOGRAPHY)
    for n in (1, 2, 3):
        bad = [s for s in map("".join, product(alphabet, repeat=n)) if not s.isascii() and is_bad(s)]
        assert not bad, bad[:10]
    got, ctx = _run("fix_mojibake", "“It’s fine” — she said… cafÃ© • ok")
    assert got == "“It’s fine” — she said… café • ok" and ctx.fixes


def test_changes_are_protected_the_same_line_by_line():
    """`substitute` asks, line by line, whether a change touches a URL, an e-mail address or a code
    line; the answer is the one the whole text's `protected_spans` gives."""
    import random

    from normalize.fixlog import _Protection

    rng = random.Random(4)
    parts = ["see http://example.com/a?b=c", "bob@example.com", "@bob", "www.example.org", "x = 1;", "let me know",
             "import os", "if (a && b) {", "plain words", "“quoted”", "$HOME", "\n", "\n\n", " ", ".", "(( x"]
    for _ in range(3000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 10)))
        ctx = Context(code=["import os"] if rng.random() < 0.2 else [])
        spans, protection = ctx.protected_spans(text), _Protection(ctx, text)
        for s in range(len(text)):
            e = min(len(text), s + rng.randint(1, 3))
            expected = any(ps < max(e, s + 1) and pe > s for ps, pe in spans)
            assert protection.touches(s, max(e, s + 1)) == expected, (text, s, e)


def test_a_price_in_dollars_does_not_make_its_line_code():
    # "$5" matched the shell-variable test (`$\w`): the whole line was protected as code and kept
    # its spaces before punctuation; "$HOME" and "$1" style lines stay code.
    from normalize import clean_text

    assert clean_text("I paid $5 , and the seller added $12.50 for postage .").text == \
        "I paid $5, and the seller added $12.50 for postage."
    assert clean_text("I paid five , and then ran echo $HOME , as told .").text == \
        "I paid five , and then ran echo $HOME , as told ."


def test_edit_notes_of_vbulletin_and_fluxbb_leave_a_flattened_post():
    # "Last edited by X: DATE" and "... on DATE" went; vBulletin's "; DATE at TIME." and FluxBB's
    # "(DATE)" stayed in the text
    from normalize import clean_text

    for note in ("Last edited by Harald; 01-01-2020 at 10:00 AM.", "Last edited by Allan (2024-08-04 02:45:10)",
                 "Last edited by Minoa on Sun Mar 03, 2024 1:02 pm, edited 1 time in total."):
        assert clean_text(f"The boat is fine now.\n\n{note}").text == "The boat is fine now.", note
    kept = "Last edited the chart on Sunday; the harbour wall is on it now."
    assert clean_text(f"The boat is fine now.\n\n{kept}").text.endswith(kept)
