"""Step 9: how much a post looks machine-translated, from the artifacts the other steps fixed.

Evidence (counted by the steps into `ctx.evidence`): guillemets « » in a language that does not use
them, spaces before punctuation, glued words, missing spaces after a sentence end. The score is the
weighted count per 100 words, scaled so that 5 per 100 words (the seed post has about 7) is 1.0.
Users filter with e.g. `mt_score >= 0.5`; the evidence is stored beside it.
"""
from __future__ import annotations

from collections.abc import Mapping

# « » are normal typography in these languages, not a translation artifact.
GUILLEMET_LANGS = frozenset("fr ru uk be bg de it es pt pl cs sk sl hr sr el ca".split())
WEIGHTS = {"guillemets": 0.5, "space_before_punct": 1.0, "glued": 2.0, "missing_space": 0.5}
FULL_SCORE_PER_100_WORDS = 5.0


def mt_score(evidence: Mapping[str, int], words: int, lang: str) -> float:
    """Score in [0, 1] from the evidence counts of one post of `words` words in `lang`."""
    total = 0.0
    for kind, n in evidence.items():
        if kind == "guillemets" and lang in GUILLEMET_LANGS:
            continue
        if kind == "space_before_punct" and lang == "fr":
            continue  # French puts a space before ; : ! ?
        total += WEIGHTS.get(kind, 0.0) * n
    per_100 = 100.0 * total / max(words, 50)
    return round(min(1.0, per_100 / FULL_SCORE_PER_100_WORDS), 3)
