"""Quality gate on the real-page corpus (../shared/corpus/wcxb-forum-dev, skipped when absent):
`extract_html` on every page, scored as ../shared/checks/corpus-eval scores it (word F1 of the
transcript against the ground truth, share of 'with' snippets found, share of 'without' snippets
leaked). The floors pin today's figures with a small margin: a change that lowers them fails here.
Raise them as the engines get better."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from crawler.extract import extract_html, read_page_file

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "wcxb-forum-dev"
FLOOR_F1, FLOOR_WITH, CEILING_LEAK = 0.80, 0.87, 0.03
# engine -> F1 floor over its pages, for the engines whose pages are regular enough to pin
ENGINE_FLOORS = {"stackexchange": 0.90, "reddit": 0.90,
                 # Discourse and Invision: two and four pages whose ground truth stops after a few posts
                 # or cuts long logs keep the means down
                 "discourse": 0.86, "invision4": 0.76, "nodebb": 0.92, "flarum": 0.95, "vanilla": 0.95}

pytestmark = pytest.mark.skipif(not (CORPUS / "html").is_dir(), reason="no corpus beside the project")


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", (text or "").lower())


def _f1(pred: str, ref: str) -> float:
    p, r = Counter(_tokens(pred)), Counter(_tokens(ref))
    if not r:
        return 1.0 if not p else 0.0
    overlap = sum((p & r).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(r.values())
    return 2 * precision * recall / (precision + recall)


def _canon(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub("[«»„“”‟〝〞＂]", '"', text)
    text = re.sub("[‚‘’‛‹›`´]", "'", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _share(text: str, snippets: list[str]) -> float:
    return sum(_canon(s) in _canon(text) for s in snippets) / len(snippets) if snippets else 1.0


def _transcript(doc: dict) -> str:
    parts = []
    for post in doc["posts"]:
        parts += [post["author"]] if post["author"] else []
        for quote in post["quotes"]:
            parts += ([f"{quote['author']} said:"] if quote["author"] else []) + [quote["text"] or ""]
        parts.append(post["text"] or "")
    return "\n\n".join(parts)


@pytest.fixture(scope="module")
def scored() -> dict[str, tuple[str | None, float, float, float]]:
    """page -> (engine, F1, with, leak)"""
    out = {}
    for path in sorted((CORPUS / "html").glob("*.html.gz")):
        gt = json.loads((CORPUS / "ground-truth" / (path.name.split(".")[0] + ".json")).read_text())["ground_truth"]
        if not gt.get("main_content"):  # not scored by corpus-eval either
            continue
        doc = extract_html(read_page_file(path))
        text = _transcript(doc)
        leak = _share(text, gt["without"]) if gt.get("without") else 0.0
        out[path.name] = (doc["engine"], _f1(text, gt["main_content"]), _share(text, gt.get("with") or []), leak)
    return out


def test_the_corpus_scores_stay_above_their_floors(scored):
    n = len(scored)
    f1 = sum(s[1] for s in scored.values()) / n
    found = sum(s[2] for s in scored.values()) / n
    leak = sum(s[3] for s in scored.values()) / n
    worst = sorted(scored.items(), key=lambda kv: kv[1][1])[:8]
    summary = f"F1 {f1:.3f} with {found:.3f} leak {leak:.3f}; worst pages: " + ", ".join(
        f"{name} ({engine}) {score:.2f}" for name, (engine, score, _, _) in worst)
    assert f1 >= FLOOR_F1 and found >= FLOOR_WITH and leak <= CEILING_LEAK, summary


@pytest.mark.parametrize("engine", ENGINE_FLOORS)
def test_regular_families_stay_above_their_floors(scored, engine):
    by_engine = defaultdict(list)
    for name, (eng, f1, _, _) in scored.items():
        by_engine[eng].append(f1)
    assert by_engine[engine], f"no corpus page was read with {engine}"
    mean = sum(by_engine[engine]) / len(by_engine[engine])
    assert mean >= ENGINE_FLOORS[engine], f"{engine}: F1 {mean:.3f} on {len(by_engine[engine])} pages"


def test_challenge_pages_are_reported_not_read(scored):
    challenges = [name for name, (engine, *_rest) in scored.items()
                  if engine is None and "bot" in read_page_file(CORPUS / "html" / name)[:3000].lower()]
    assert challenges, "the corpus's bot-challenge page (an Anubis wall) was read as a forum"
    for name in challenges:
        doc = extract_html(read_page_file(CORPUS / "html" / name))
        assert doc["posts"] == [] and "challenge" in doc["reason"], name
