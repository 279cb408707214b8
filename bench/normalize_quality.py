"""Quality of the normalizer on real, clean forum text (WCXB forum pages' ground truth, read from
../shared/corpus; the project does not copy it).

1. Must not change: normalizing clean text changes at most 0.2% of word tokens (quote style and
   whitespace aside). Word tokens are \\w+ runs, as ../shared/checks/corpus-eval counts them; the
   figure for whitespace-separated tokens, where "good !" -> "good!" counts as a change, is printed
   too. Every glued-word split made on this clean text is a false split, and listed.
2. Glued words: adjacent lower-case word pairs from the same texts, glued together; the share split
   back exactly. Pairs whose concatenation is itself a word ("in"+"to" = "into") cannot be told
   from a real word and are counted apart.

Run: .venv/bin/python bench/normalize_quality.py [CORPUS_DIR]
"""
from __future__ import annotations

import difflib
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from normalize import clean_body  # noqa: E402
from normalize.glue import split_token, vocabulary  # noqa: E402
from normalize.language import detect_language  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "wcxb-forum-dev" / "ground-truth"
_QUOTES = str.maketrans({c: '"' for c in "«»„“”‟〝〞＂"} | {c: "'" for c in "‹›‚‘’‛"})


def load_texts(corpus: Path = DEFAULT_CORPUS) -> dict[str, str]:
    """id -> ground-truth main_content, for the pages that have one."""
    out = {}
    for f in sorted(corpus.glob("*.json")):
        text = (json.loads(f.read_text(encoding="utf-8")).get("ground_truth") or {}).get("main_content")
        if text:
            out[f.stem] = text
    return out


_WORD = re.compile(r"\w+")


def _tokens(text: str, words: bool = True) -> list[str]:
    """Word tokens as ../shared/checks/corpus-eval counts them (\\w+, but case kept), or, with
    words=False, whitespace-separated tokens (so punctuation spacing counts as a change too)."""
    return _WORD.findall(text) if words else text.translate(_QUOTES).split()


def changed_tokens(before: str, after: str, words: bool = True) -> int:
    """Tokens of `before` not kept unchanged in `after` (plus tokens inserted)."""
    a, b = _tokens(before, words), _tokens(after, words)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")


def must_not_change(texts: dict[str, str]) -> dict:
    """Share of tokens changed by normalizing clean text, the glue splits made (all false), and
    the pages with the most changes."""
    total = changed = total_ws = changed_ws = 0
    splits: list[tuple[str, str, str]] = []
    per_page = []
    for pid, text in texts.items():
        post = clean_body(text)
        n = changed_tokens(text, post.text)
        total += len(_tokens(text))
        changed += n
        total_ws += len(_tokens(text, False))
        changed_ws += changed_tokens(text, post.text, False)
        per_page.append((n, pid))
        splits += [(pid, f.before, f.after) for f in post.fixes if f.kind == "glue"]
    return {"tokens": total, "changed": changed, "rate": changed / max(total, 1),
            "ws_tokens": total_ws, "ws_changed": changed_ws, "ws_rate": changed_ws / max(total_ws, 1),
            "false_splits": splits, "worst_pages": sorted(per_page, reverse=True)[:5]}


# Two lower-case words, each a whole token (not the "t" of "don't", not part of a path or URL).
_PAIR = re.compile(r"(?<![^\s(\"])([a-z]+) ([a-z]+)(?=[\s,.;:!?)\"]|$)")


def glue_pairs(texts: dict[str, str], n: int = 5000, seed: int = 0) -> list[tuple[str, str]]:
    """A deterministic sample of adjacent lower-case word pairs from English texts."""
    pairs = []
    for text in texts.values():
        if detect_language(text)[0] != "en":
            continue
        for line in text.split("\n"):
            pos = 0
            while m := _PAIR.search(line, pos):
                pairs.append((m[1], m[2]))
                pos = m.start(2)
    rng = random.Random(seed)
    rng.shuffle(pairs)
    return pairs[:n]


def glue_recall(pairs: list[tuple[str, str]]) -> dict:
    vocab = vocabulary("en")
    exact = wrong = missed = ambiguous = 0
    misses: list[str] = []
    for a, b in pairs:
        glued = a + b
        if glued in vocab:
            ambiguous += 1
            continue
        got = split_token(glued, vocab, "en")
        if got == f"{a} {b}":
            exact += 1
        else:
            wrong += got is not None
            missed += got is None
            if len(misses) < 40:
                misses.append(f"{a}+{b} -> {got}")
    scored = exact + wrong + missed
    return {"pairs": len(pairs), "concatenation_is_a_word": ambiguous, "scored": scored,
            "exact": exact, "wrong_split": wrong, "not_split": missed,
            "recall": exact / max(scored, 1), "examples_missed": misses}


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else DEFAULT_CORPUS
    if not corpus.exists():
        print(f"corpus not found: {corpus}")
        return 1
    texts = load_texts(corpus)
    m = must_not_change(texts)
    print(f"must-not-change: {len(texts)} texts, {m['tokens']} word tokens, {m['changed']} changed "
          f"= {100 * m['rate']:.3f}% (limit 0.2%)")
    print(f"  counting whitespace tokens instead (punctuation spacing fixes count too): {m['ws_tokens']} tokens, "
          f"{m['ws_changed']} changed = {100 * m['ws_rate']:.3f}%")
    print(f"  worst pages (changed tokens, id): {m['worst_pages']}")
    print(f"  false glue splits: {len(m['false_splits'])}")
    for pid, before, after in m["false_splits"]:
        print(f"    {pid}: {before!r} -> {after!r}")
    g = glue_recall(glue_pairs(texts))
    print(f"glued words: {g['pairs']} pairs, {g['concatenation_is_a_word']} whose concatenation is a word "
          f"(not scored), {g['scored']} scored: {g['exact']} split exactly = {100 * g['recall']:.2f}% "
          f"(goal 95%), {g['wrong_split']} split wrongly, {g['not_split']} not split")
    for e in g["examples_missed"][:20]:
        print(f"    {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
