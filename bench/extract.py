"""Extraction speed on the real-page corpus, per engine, with trafilatura measured in the same run.

    .venv/bin/python bench/extract.py [CORPUS_DIR] [--repeat 3] [--no-peer]

For every page: `extract_html` (detection, the engine, the normalizer; in process, after imports),
then trafilatura 2.x (`include_comments=True`, what corpus-eval compares against) on the same HTML.
Prints pages/s and ms/page per engine (the engine forumsift detected), the total, the ratio of the
two (the figure to compare between runs on a shared machine: both sides see the same load), and the
start-up cost of one `forumsift extract` process (what corpus-eval's whole-process figure adds).
CORPUS_DIR defaults to ../shared/corpus/wcxb-forum-dev beside the project.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract import extract_html, read_page_file  # noqa: E402


def time_forumsift(pages: dict[str, str], repeat: int) -> tuple[dict[str, str], dict[str, float]]:
    """Best-of-`repeat` seconds per page, and the engine each page was read with."""
    engines, seconds = {}, {}
    for name, html in pages.items():
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            doc = extract_html(html)
            best = min(best, time.perf_counter() - start)
        engines[name], seconds[name] = doc["engine"] or "none", best
    return engines, seconds


def time_trafilatura(pages: dict[str, str], repeat: int) -> dict[str, float]:
    import trafilatura  # noqa: PLC0415

    seconds = {}
    for name, html in pages.items():
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            trafilatura.extract(html, include_comments=True)
            best = min(best, time.perf_counter() - start)
        seconds[name] = best
    return seconds


def startup_seconds(sample: Path) -> float:
    """Wall time of one `forumsift extract` process on one page (imports included)."""
    exe = ROOT / ".venv" / "bin" / "forumsift"
    cmd = [str(exe) if exe.exists() else "forumsift", "extract", "--format", "jsonl", str(sample)]
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        runs.append(time.perf_counter() - start)
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "wcxb-forum-dev"))
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per page")
    parser.add_argument("--no-peer", action="store_true", help="skip trafilatura")
    args = parser.parse_args()

    files = sorted(Path(args.corpus, "html").glob("*.html.gz"))
    if not files:
        sys.exit(f"no pages in {args.corpus}/html")
    pages = {f.name: read_page_file(f) for f in files}
    extract_html(next(iter(pages.values())))  # warm up lazy imports
    engines, ours = time_forumsift(pages, args.repeat)
    peer = {} if args.no_peer else time_trafilatura(pages, args.repeat)

    by_engine: dict[str, list[str]] = defaultdict(list)
    for name, engine in engines.items():
        by_engine[engine].append(name)
    print(f"{'engine':16} {'pages':>5} {'forumsift ms/page':>18} {'pages/s':>8} {'trafilatura ms/page':>20} {'pages/s':>8}"
          f"{'  forumsift/trafilatura' if peer else ''}")
    rows = sorted(by_engine.items(), key=lambda kv: -len(kv[1])) + [("ALL", list(pages))]
    for engine, names in rows:
        ms = statistics.mean(ours[n] for n in names) * 1000
        line = f"{engine:16} {len(names):5} {ms:18.1f} {1000 / ms:8.0f}"
        if peer:
            pms = statistics.mean(peer[n] for n in names) * 1000
            line += f" {pms:20.1f} {1000 / pms:8.0f} {ms / pms:22.2f}"
        print(line)
    start = startup_seconds(files[0])
    print(f"one `forumsift extract` process on one page: {start * 1000:.0f} ms "
          f"(imports; corpus-eval spreads it over 40 pages: +{start * 1000 / 40:.1f} ms/page)")


if __name__ == "__main__":
    main()
