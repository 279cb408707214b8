"""Throughput of the whole normalizer (language detection included) against ftfy.fix_text alone,
on the same texts in the same run. Texts: the WCXB forum ground truth in ../shared/corpus when
present (read, not copied), else the seed post.

Run: .venv/bin/python bench/normalize.py [--rounds N]   (rounds interleaved, the fastest of each counted)
     .venv/bin/python bench/normalize.py --instructions  (also counts instructions with valgrind's
     callgrind, one pass each, start-up subtracted: a figure the machine's load does not move)
Goal: ratio (normalizer MB/s / ftfy MB/s) >= 1.0. Start-up (loading langdetect profiles and the
word list, once per process) is timed separately: the crawl pays it once per process.

Rates are from the CPU time of this process (both are single-threaded): on this shared 2-core
machine, time the process spends waiting for a core moves wall-clock ratios by +-30 %. The
wall-clock ratio of the same rounds is printed too.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus" / "wcxb-forum-dev" / "ground-truth"
SEED = ROOT.parent / "shared" / "seed" / "forum-post.txt"


def load_texts() -> list[str]:
    texts = []
    for f in sorted(CORPUS.glob("*.json")) if CORPUS.exists() else []:
        text = (json.loads(f.read_text(encoding="utf-8")).get("ground_truth") or {}).get("main_content")
        if text:
            texts.append(text)
    return texts or [SEED.read_text(encoding="utf-8")]


def _rates(fns: list, texts: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """MB/s of each function over `texts`, by CPU time and by wall-clock time: rounds interleaved
    (so a load change on this shared machine hits all of them alike), the fastest round counted."""
    from normalize.language import _langdetect

    size = sum(len(t.encode("utf-8")) for t in texts)
    cpu = [float("inf")] * len(fns)
    wall = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            _langdetect.cache_clear()  # its cache would answer every round after the first
            start, start_wall = time.process_time(), time.perf_counter()
            for t in texts:
                fn(t)
            cpu[i] = min(cpu[i], time.process_time() - start)
            wall[i] = min(wall[i], time.perf_counter() - start_wall)
    return [size / seconds / 1e6 for seconds in cpu], [size / seconds / 1e6 for seconds in wall]


def _instructions(only: str) -> int:
    """Instructions one process of this script executes with `--only ONLY` (valgrind's callgrind)."""
    run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                          __file__, "--only", only], capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", run.stderr).group(1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--instructions", action="store_true", help="count instructions with valgrind too")
    ap.add_argument("--only", choices=["start-up", "ftfy", "normalizer"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    texts = load_texts()
    t0 = time.perf_counter()
    import ftfy

    from normalize import clean_body

    from normalize.language import _langdetect

    clean_body("Warm up: loads the English word list once.")
    _langdetect("and langdetect's profiles, which the first pass above did not need")
    startup = time.perf_counter() - t0
    if args.only:  # one pass for --instructions, after the same start-up
        fn = {"start-up": None, "ftfy": ftfy.fix_text, "normalizer": clean_body}[args.only]
        ftfy.fix_text("and ftfy's first call: cafÃ©")
        for t in texts if fn else []:
            fn(t)
        return
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    (ftfy_rate, ours, no_lang), wall = _rates(
        [ftfy.fix_text, clean_body, lambda t: clean_body(t, detect_language=False)], texts, args.rounds)
    print(f"texts: {len(texts)} posts, {mb:.2f} MB, {args.rounds} rounds; start-up {1000 * startup:.0f} ms")
    print(f"ftfy.fix_text alone:              {ftfy_rate:6.2f} MB/s")
    print(f"normalizer (with language):       {ours:6.2f} MB/s   ratio {ours / ftfy_rate:.2f} (goal >= 1.0)")
    print(f"normalizer (detect_language=False): {no_lang:6.2f} MB/s")
    print(f"wall-clock: ftfy {wall[0]:.2f} MB/s, normalizer {wall[1]:.2f} MB/s, ratio {wall[1] / wall[0]:.2f}")
    per_post = mb / len(texts) / ours * 1000
    print(f"mean post {1000 * mb / len(texts):.1f} KB: {per_post:.2f} ms per post with language")
    # The normalizer has fast paths for ASCII text: the posts that are not ASCII, measured apart.
    other = [t for t in texts if not t.isascii()]
    if other and len(other) < len(texts):
        (ftfy_rate, ours), _ = _rates([ftfy.fix_text, clean_body], other, args.rounds)
        print(f"posts with non-ASCII characters ({len(other)} of {len(texts)}): ftfy {ftfy_rate:.2f} MB/s, "
              f"normalizer {ours:.2f} MB/s, ratio {ours / ftfy_rate:.2f}")
    if args.instructions:
        if not shutil.which("valgrind"):
            print("instructions: valgrind is not installed (apt-get install valgrind)")
            return
        base = _instructions("start-up")
        ftfy_ir, ours_ir = _instructions("ftfy") - base, _instructions("normalizer") - base
        print(f"instructions (callgrind, one pass, start-up subtracted): ftfy {ftfy_ir / 1e6:.0f} M, "
              f"normalizer {ours_ir / 1e6:.0f} M, ratio {ftfy_ir / ours_ir:.2f}")


if __name__ == "__main__":
    main()
