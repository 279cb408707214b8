"""What the crawl's own work (parse, normalize, store) costs next to fetching, and its memory.

Against one generated forum (fixtures/generated.py) served on 127.0.0.1 by a separate process, in
one run:

(a) a bare Scrapy spider that fetches exactly the pages a full crawl fetches (the list comes from
    the generator) and does nothing with them;
(b) the full forumsift crawl (`scrapy crawl forum`) into SQLite, or PostgreSQL with `--pg URL`;
(c) with `--profile-pages N` (default 1500, 0 = off), the full crawl again under cProfile, stopped
    after N pages, to show where the crawl's time goes.

It prints pages/s and posts/s of (a) and (b), the ratio (b)/(a), the peak memory of each crawl (its
process and page workers together: RSS and PSS) and its RSS over time, the server's own page rate,
the CPU time one thread page takes to parse, to read with the engine and to normalize (measured in
this process without a profiler), and checks that every post of the generated forum is in the
database exactly once. Both crawls run
with the same local-run settings (`LOCAL_RUN`).

Page rates depend on what else the machine runs; CPU time per page does much less, so it is printed
too, for the crawl process, its page workers and the fixture server: on a machine of N cores the
full crawl cannot be faster than N / (its CPU ms per page + the server's) pages per millisecond.

Run: .venv/bin/python bench/crawl.py --threads 10000 [--pg postgresql+psycopg://user@host/db]
Goals (issue 7): (b)/(a) >= 0.6; peak RSS <= 300 MB and the same for 1,000 and 10,000 threads.
The PostgreSQL database given to --pg is emptied first.
"""
from __future__ import annotations

import argparse
import os
import pstats
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import scrapy

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# A crawl of our own loopback server: no politeness delays, enough requests in flight to keep the
# crawler (not the network) the limit. Both crawls get exactly these.
LOCAL_RUN = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "INFO",
    "LOGSTATS_INTERVAL": "30",
}


class BareSpider(scrapy.Spider):
    """Fetches every URL listed in `paths_file` (one path a line) under `url`; parses nothing."""

    name = "bare"
    custom_settings = {"ITEM_PIPELINES": {}}

    def __init__(self, url: str = "", paths_file: str = "", *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.base = url.rstrip("/")
        self.paths_file = paths_file

    async def start(self):
        with open(self.paths_file, encoding="utf-8") as f:
            for line in f:
                yield scrapy.Request(self.base + line.rstrip("\n"), callback=self.ignore)

    def ignore(self, response: Any) -> None:
        return None


@dataclass
class CrawlRun:
    """One crawl subprocess: its wall time, Scrapy's stats, and its memory."""

    label: str
    seconds: float
    pages: int
    posts: int
    peak_rss_mb: float  # of the crawl process with its workers (sum of their RSS)
    peak_pss_mb: float = 0.0
    cpu_seconds: float = 0.0  # user + system, the crawl process and its page workers (sampled: to 0.5 s)
    main_cpu_seconds: float = 0.0  # the crawl process alone
    rss_samples_mb: list[float] = field(default_factory=list)
    returncode: int = 0
    log_tail: str = ""

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def posts_per_s(self) -> float:
        return self.posts / self.seconds if self.seconds else 0.0

    def cpu_ms_per_page(self, seconds: float) -> float:
        return 1000 * seconds / self.pages if self.pages else 0.0


def _settings_args(settings: dict[str, str]) -> list[str]:
    return [a for name, value in settings.items() for a in ("-s", f"{name}={value}")]


def _stat(log: str, name: str) -> float:
    m = re.search(rf"'{re.escape(name)}': ([\d.]+)", log)
    return float(m.group(1)) if m else 0.0


def _descendants(pid: int) -> list[int]:
    """The processes a process started, and theirs (page workers start from a forkserver)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            children = [int(c) for c in f.read().split()]
    except (OSError, ValueError):
        return []
    return children + [d for c in children for d in _descendants(c)]


def _memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of one process in MB; RSS counts pages it shares with others in full, PSS a share."""
    rss = pss = 0.0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of one process (not of its children) so far."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_crawl(label: str, cmd: list[str], log_path: Path) -> CrawlRun:
    """Run one crawl subprocess, sampling the memory and CPU time of it and its page workers every
    0.5 s; the crawl process's own peak memory and CPU time are read when it exits."""
    samples: list[float] = []
    pss_samples: list[float] = [0.0]
    helper_cpu: dict[int, float] = {}  # pid -> CPU seconds when last seen (workers are not our children)
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ})
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.5):
                helpers = _descendants(proc.pid)
                memory = [_memory_mb(p) for p in [proc.pid, *helpers]]
                rss, pss = sum(m[0] for m in memory), sum(m[1] for m in memory)
                for p in helpers:
                    helper_cpu[p] = _cpu_seconds(p) or helper_cpu.get(p, 0.0)
                if memory[0][0]:
                    samples.append(rss)
                    pss_samples.append(pss)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped: /proc still has its times
        main_cpu = _cpu_seconds(proc.pid) or 0.0
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return CrawlRun(label=label, seconds=_stat(text, "elapsed_time_seconds"),
                    pages=int(_stat(text, "response_received_count")), posts=int(_stat(text, "forumsift/posts_found")),
                    peak_rss_mb=max([usage.ru_maxrss / 1024, *samples]), peak_pss_mb=max(pss_samples),
                    cpu_seconds=main_cpu + sum(helper_cpu.values()), main_cpu_seconds=main_cpu,
                    rss_samples_mb=samples, returncode=proc.returncode,
                    log_tail=text[-3000:])


def start_server(threads: int, seed: int, engine: str) -> tuple[subprocess.Popen, str]:
    """The generated forum's server, in its own process (so it never competes for the crawl's GIL)."""
    proc = subprocess.Popen([sys.executable, "-m", "fixtures.generated", "--threads", str(threads), "--seed",
                             str(seed), "--engine", engine, "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    m = re.search(r"(http://\S+)", line)
    if not m:
        proc.kill()
        raise SystemExit(f"the fixture server did not start: {line!r}")
    return proc, m.group(1)


def server_rate(url: str, paths: list[str], seconds: float = 5.0, clients: int = 8) -> float:
    """Pages per second the server gives to `clients` keep-alive connections fetching in parallel."""
    import http.client  # noqa: PLC0415
    from urllib.parse import urlsplit  # noqa: PLC0415

    host, port = urlsplit(url).hostname, urlsplit(url).port
    count = [0] * clients
    deadline = time.perf_counter() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        i = k
        while time.perf_counter() < deadline:
            conn.request("GET", paths[i % len(paths)])
            conn.getresponse().read()
            count[k] += 1
            i += clients
        conn.close()

    workers = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(count) / (time.perf_counter() - start)


# Where a crawl's time goes: (label, functions whose cumulative time counts for it).
PROFILE_GROUPS = [
    ("parse HTML (lxml via parsel)", [("parsel/selector.py", "create_root_node")]),
    ("read posts (engine selectors)", [("crawler/engines/base.py", "thread")]),
    ("normalize", [("crawler/page_reader.py", "clean_posts")]),
    ("site-learned repeated lines", [("crawler/pipelines.py", "process_item", "NormalizePipeline")]),
    ("store (batched writes)", [("crawler/pipelines.py", "process_item", "StorePipeline"),
                                ("crawler/pipelines.py", "close_spider", None)]),
    ("waiting for the network (reactor idle)", [("~", "<method 'poll' of 'select.epoll' objects>"),
                                                ("~", "<method 'select' of 'select.epoll' objects>")]),
]


def profile_breakdown(prof_path: Path) -> tuple[float, list[tuple[str, float]]]:
    """Total profiled seconds and seconds per `PROFILE_GROUPS` label (cumulative time)."""
    stats = pstats.Stats(str(prof_path))
    raw: dict[tuple[str, int, str], tuple] = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    out: list[tuple[str, float]] = []
    store_line = _method_line("crawler/pipelines.py", "StorePipeline", "process_item")
    normalize_line = _method_line("crawler/pipelines.py", "NormalizePipeline", "process_item")
    for label, targets in PROFILE_GROUPS:
        seconds = 0.0
        for target in targets:
            path, func = target[0], target[1]
            owner = target[2] if len(target) > 2 else None
            for (filename, line, name), (_, _, _, cumulative, _) in raw.items():
                if name != func or not filename.endswith(path):
                    continue
                if owner == "StorePipeline" and line != store_line or owner == "NormalizePipeline" and line != normalize_line:
                    continue
                seconds += cumulative
        out.append((label, seconds))
    return total, out


def _method_line(path: str, cls: str, method: str) -> int:
    """The line a method is defined on (pstats keys functions by file, line and name)."""
    import ast  # noqa: PLC0415

    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == method:
                    return item.lineno
    return -1


def reading_split(site: Any, paths: list[str], engine_name: str, pages: int = 300,
                  rounds: int = 3) -> dict[str, float]:
    """CPU ms a thread page takes to parse, to read with the engine and to normalize, in this process
    (no profiler: cProfile's charge on every Python call moves the shares of code made of many small
    calls), over the first `pages` of the thread pages `paths`, the fastest of `rounds`."""
    from crawler.engines import Page, get_engine  # noqa: PLC0415
    from crawler.page_reader import clean_posts  # noqa: PLC0415

    engine = get_engine(engine_name)
    htmls = [(path, site.handle(path).bytes().decode("utf-8")) for path in paths[:pages]]
    best: dict[str, float] = {}
    for _ in range(rounds):
        t0 = time.process_time()
        parsed = [Page.from_html(html, "http://127.0.0.1" + path) for path, html in htmls]
        t1 = time.process_time()
        threads = [engine.thread(page) for page in parsed]
        t2 = time.process_time()
        for thread in threads:
            clean_posts(thread.posts, thread.title, True)
        t3 = time.process_time()
        for part, seconds in (("parse", t1 - t0), ("engine", t2 - t1), ("normalize", t3 - t2)):
            best[part] = min(best.get(part, float("inf")), 1000 * seconds / max(len(htmls), 1))
    return best


def stored_counts(db_url: str) -> tuple[int, int, int]:
    """(posts, distinct engine post ids, threads) in the database."""
    from sqlalchemy import text  # noqa: PLC0415

    from db.store import make_engine  # noqa: PLC0415

    engine = make_engine(db_url)  # knows forumsift's URL forms (postgresql:// means psycopg 3)
    with engine.connect() as conn:
        posts, distinct = conn.execute(text("SELECT count(*), count(DISTINCT engine_post_id) FROM posts")).one()
        threads = conn.execute(text("SELECT count(*) FROM threads")).scalar_one()
    engine.dispose()
    return posts, distinct, threads


def empty_database(db_url: str) -> None:
    """Empty the PostgreSQL database given to --pg (its public schema, with views and triggers)."""
    from sqlalchemy import text  # noqa: PLC0415

    from db.store import make_engine  # noqa: PLC0415

    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _rss_profile(samples: list[float]) -> str:
    if not samples:
        return "-"
    picks = [samples[min(len(samples) - 1, round(q * (len(samples) - 1)))] for q in (0.1, 0.25, 0.5, 0.75, 1.0)]
    return " / ".join(f"{s:.0f}" for s in picks)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=1000, help="threads in the generated forum (about 20 posts each)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engine", default="xenforo2", help="whose markup the generated forum is served in")
    ap.add_argument("--pg", metavar="URL", help="crawl into this PostgreSQL database (emptied first) instead of SQLite")
    ap.add_argument("--profile-pages", type=int, default=1500, help="pages of the profiled crawl (0: no profile)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a Scrapy or FORUMSIFT_ setting for the full crawl only (to measure its effect)")
    ap.add_argument("--server-seconds", type=float, default=5.0, help="how long to measure the server's own rate")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (logs, database, profile)")
    args = ap.parse_args(argv)

    from fixtures.content import pages  # noqa: PLC0415
    from fixtures.generated import GeneratedForum, page_paths  # noqa: PLC0415
    from fixtures.server import make_site  # noqa: PLC0415

    work = Path(tempfile.mkdtemp(prefix="forumsift-bench-"))
    forum = GeneratedForum(args.threads, args.seed)
    site = make_site(args.engine, forum)
    paths = page_paths(site)
    # page_paths lists the index, the thread lists, then the thread pages
    thread_paths = paths[1 + sum(pages(f.threads, forum.threads_per_page) for f in forum.forums()):]
    expected_posts = forum.post_total()
    paths_file = work / "paths.txt"
    paths_file.write_text("".join(p + "\n" for p in paths), encoding="utf-8")
    db_url = args.pg or f"sqlite:///{work / 'bench.db'}"
    if args.pg:
        empty_database(args.pg)

    server, url = start_server(args.threads, args.seed, args.engine)
    server_cpu: dict[str, float] = {}
    try:
        server_pages_per_s = server_rate(url, paths, args.server_seconds)
        settings = _settings_args(LOCAL_RUN)
        server_cpu["bare"] = -(_cpu_seconds(server.pid) or 0.0)
        bare = run_crawl("bare Scrapy (fetch only)",
                         [sys.executable, "-m", "scrapy", "runspider", str(Path(__file__).resolve()),
                          "-a", f"url={url}", "-a", f"paths_file={paths_file}", *settings], work / "bare.log")
        server_cpu["bare"] += _cpu_seconds(server.pid) or 0.0
        full_settings = [*settings, *(a for pair in args.set for a in ("-s", pair))]
        server_cpu["full"] = -(_cpu_seconds(server.pid) or 0.0)
        full = run_crawl(f"forumsift crawl -> {'PostgreSQL' if args.pg else 'SQLite'}",
                         [sys.executable, "-m", "scrapy", "crawl", "forum", "-a", f"url={url}",
                          "-s", f"FORUMSIFT_DB={db_url}", *full_settings], work / "full.log")
        server_cpu["full"] += _cpu_seconds(server.pid) or 0.0
        breakdown = None
        if args.profile_pages:
            prof = work / "crawl.prof"
            profile_db = f"sqlite:///{work / 'profile.db'}"
            run_crawl("profiled", [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "scrapy", "crawl", "forum",
                                   "-a", f"url={url}", "-s", f"FORUMSIFT_DB={profile_db}",
                                   "-s", f"CLOSESPIDER_PAGECOUNT={args.profile_pages}", *full_settings,
                                   "-s", "FORUMSIFT_WORKERS=0"],  # all the work in the profiled process
                      work / "profile.log")
            breakdown = profile_breakdown(prof) if prof.exists() else None
    finally:
        server.terminate()
        server.wait()

    posts, distinct, threads = stored_counts(db_url)
    if args.set:
        print(f"full crawl settings: {' '.join(args.set)}")
    print(f"generated forum: {args.threads} threads, {expected_posts} posts, {len(paths)} pages ({args.engine}), "
          f"seed {args.seed}")
    print(f"fixture server alone: {server_pages_per_s:.0f} pages/s to 8 keep-alive http.client threads of this "
          f"process (a lower bound: the bare run below is the server's rate at least)")
    print(f"{'run':34} {'pages':>7} {'posts':>8} {'seconds':>8} {'pages/s':>8} {'posts/s':>8} {'peak RSS':>9} "
          f"{'peak PSS':>9}  RSS over the run (MB)")
    for run in (bare, full):
        print(f"{run.label:34} {run.pages:7d} {run.posts:8d} {run.seconds:8.1f} {run.pages_per_s:8.1f} "
              f"{run.posts_per_s:8.1f} {run.peak_rss_mb:6.0f} MB {run.peak_pss_mb:6.0f} MB  "
              f"{_rss_profile(run.rss_samples_mb)}")
    print("(memory of the crawl process and its page workers together; RSS counts what a forked worker still "
          "shares with the crawl process twice, PSS once)")
    cores = os.cpu_count() or 1
    for key, run in (("bare", bare), ("full", full)):
        crawl_ms, server_ms = run.cpu_ms_per_page(run.cpu_seconds), run.cpu_ms_per_page(server_cpu[key])
        print(f"CPU per page, {run.label}: {crawl_ms:.1f} ms ({run.cpu_ms_per_page(run.main_cpu_seconds):.1f} in "
              f"the crawl process, {run.cpu_ms_per_page(run.cpu_seconds - run.main_cpu_seconds):.1f} in page "
              f"workers), fixture server {server_ms:.1f} ms: at most {1000 * cores / (crawl_ms + server_ms):.0f} "
              f"pages/s on {cores} cores")
    ratio = full.pages_per_s / bare.pages_per_s if bare.pages_per_s else 0.0
    print(f"ratio full/bare page rate: {ratio:.2f} (goal >= 0.6); peak RSS of the full crawl {full.peak_rss_mb:.0f} MB "
          f"(goal <= 300 MB)")
    ok = True
    if posts != expected_posts or distinct != expected_posts or threads != args.threads:
        ok = False
        print(f"STORED WRONG: {posts} posts ({distinct} distinct) and {threads} threads; expected {expected_posts} "
              f"posts and {args.threads} threads")
    else:
        print(f"stored: every one of the {expected_posts} posts exactly once, {threads} threads")
    if bare.pages != full.pages:
        print(f"note: the bare spider fetched {bare.pages} pages, the full crawl {full.pages}")
    for run in (bare, full):
        if run.returncode != 0:
            ok = False
            print(f"{run.label} exited with {run.returncode}:\n{run.log_tail}")
    split = reading_split(site, thread_paths, args.engine)
    print(f"reading a thread page, CPU in one process without a profiler (first 300 thread pages, fastest of 3): "
          f"parse {split['parse']:.1f} ms, engine {split['engine']:.1f} ms, normalize {split['normalize']:.1f} ms")
    if breakdown:
        total, groups = breakdown
        print(f"where the full crawl's time goes (cProfile, first {args.profile_pages} pages read in the crawl "
              f"process itself (FORUMSIFT_WORKERS=0), {total:.1f} s profiled; cumulative time of each part):")
        accounted = 0.0
        for label, seconds in groups:
            print(f"  {label:42} {seconds:7.1f} s  {100 * seconds / total:5.1f} %")
            accounted += seconds
        print(f"  {'everything else (Scrapy, Twisted, HTTP)':42} {total - accounted:7.1f} s  "
              f"{100 * (total - accounted) / total:5.1f} %")
    if args.keep:
        print(f"work folder: {work}")
    else:
        import shutil  # noqa: PLC0415

        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
