"""How far word F1 on the forum corpus can go by choosing *which* of the posts we read to show.

`../shared/checks/corpus-eval` scores `forumsift extract` against ground truth written by hand. Its
authors cut some threads short, kept only the opening post of others, and left quoted text out of
some posts but not others. This bench runs the same extraction (through corpus-eval's own code, so
the scoring is identical) and prints four figures:

- as read: the transcript corpus-eval scores;
- quotes dropped: every quote's text left out;
- per-page best: whichever of the two scores better on each page;
- oracle: on each page, authors, quotes and posts dropped one at a time, greedily, while F1 rises.
  That is an extractor that knows each page's ground-truth conventions (where it stops, which quotes
  it keeps), with the words of every post as we read them.

If the oracle stays below a goal, no choice of posts reaches it: the rest is words the ground truth
has that the page does not hold in that form (rewritten typos, dropped code, dates kept), or pages
with no posts at all.

    python bench/corpus_bound.py [CORPUS_DIR]     # from the project root, ../shared beside it
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT.parent / "shared" / "checks" / "corpus-eval"


def _corpus_eval():
    loader = importlib.machinery.SourceFileLoader("corpus_eval", str(CHECK))
    spec = importlib.util.spec_from_loader("corpus_eval", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_eval"] = module
    loader.exec_module(module)
    return module


def _ground_truth(path: Path) -> str:
    """The page's main text; empty for a page corpus-eval does not score."""
    return json.loads(path.read_text())["ground_truth"].get("main_content") or ""


def _units(page: dict, quotes: bool = True) -> list[str]:
    """The transcript's parts as corpus-eval renders them (author, quotes, text per post)."""
    out = []
    for post in page.get("posts") or []:
        if post.get("author"):
            out.append(str(post["author"]))
        for quote in post.get("quotes") or [] if quotes else []:
            if quote.get("author"):
                out.append(f"{quote['author']} said:")
            out.append(str(quote.get("text") or ""))
        out.append(str(post.get("text") or ""))
    return out


def _oracle(units: list[str], ref: str, f1) -> float:
    """F1 after dropping parts one at a time while it rises (greedy, to a local best)."""
    keep = [True] * len(units)
    best = f1("\n\n".join(units), ref)[2]
    improved = True
    while improved:
        improved = False
        for i in range(len(units)):
            if not keep[i]:
                continue
            keep[i] = False
            score = f1("\n\n".join(u for u, k in zip(units, keep) if k), ref)[2]
            if score > best + 1e-9:
                best, improved = score, True
            else:
                keep[i] = True
    return best


def main() -> None:
    ce = _corpus_eval()
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus" / "wcxb-forum-dev"
    refs = {f: _ground_truth(corpus / "ground-truth" / f.name.replace(".html.gz", ".json"))
            for f in sorted((corpus / "html").glob("*.html.gz"))}
    files = [f for f, ref in refs.items() if ref]  # as corpus-eval: pages without main text are not scored
    docs, _, errors = ce.run_forumsift(files)
    if errors:
        print(f"forumsift extract: {errors}")
    read = dropped = best = oracle = 0.0
    for f in files:
        ref = refs[f]
        page = docs.get(f.name, {})
        a = ce.word_f1("\n\n".join(_units(page)), ref)[2]
        b = ce.word_f1("\n\n".join(_units(page, quotes=False)), ref)[2]
        read, dropped, best = read + a, dropped + b, best + max(a, b)
        oracle += _oracle(_units(page), ref, ce.word_f1)
    n = len(files)
    print(f"{n} pages, word F1: as read {read / n:.3f}, quotes dropped {dropped / n:.3f}, "
          f"per-page best of the two {best / n:.3f}, oracle choosing which posts and quotes to keep {oracle / n:.3f}")


if __name__ == "__main__":
    main()
