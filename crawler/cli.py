"""The `forumsift` command: a thin layer over crawler.run, crawler.extract, normalize and db.

Every command has --help with an example. Errors a user can cause (a bad URL, an unreachable
database) end with one line on stderr and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

DB_HELP = "database URL (SQLAlchemy), e.g. sqlite:///forum.db or postgresql+psycopg://user@host/db"


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _db_url(value: str | None) -> str:
    if not value:
        import db  # noqa: PLC0415

        return db.DEFAULT_URL
    if "://" not in value:  # a plain path means an SQLite file
        return f"sqlite:///{value}"
    return value


class LazyGroup(click.Group):
    """A group whose commands that live beside their code (db/, normalize/) are imported only
    when used: `forumsift extract` must not pay for SQLAlchemy and Alembic on every start."""

    LAZY = {
        "query": "db.cli:query", "show": "db.cli:show", "export": "db.cli:export_command",
        "stats": "db.cli:stats", "dedupe": "db.cli:dedupe", "db": "db.cli:db_group",
        "normalize": "normalize.cli:normalize_command",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY and name not in self.commands:
            import importlib  # noqa: PLC0415

            module, attr = self.LAZY[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="forumsift")
def cli() -> None:
    """forumsift: crawl web forums into a clean, searchable SQL corpus.

    \b
    Try it on the bundled fixture forum:
      forumsift demo
      forumsift query "harbour talks" --db forumsift-demo.db
    """


# -- crawl ---------------------------------------------------------------------------------------
def _parse_settings(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            _fail(f"--set takes NAME=VALUE, got {pair!r}")
        out[name.strip()] = value
    return out


def _crawl_with_progress(url: str, db_url: str, settings: dict[str, Any], spider_args: dict[str, Any],
                         quiet: bool = False) -> Any:
    from rich.console import Console  # noqa: PLC0415
    from rich.live import Live  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    from crawler.run import run_crawl  # noqa: PLC0415

    console = Console(stderr=True)
    state: dict[str, Any] = {"stats": {}}
    import time  # noqa: PLC0415

    started = time.monotonic()

    def render() -> Text:
        s = state["stats"]
        pages = s.get("response_received_count", 0)
        rate = pages / max(time.monotonic() - started, 1e-6)
        errors = s.get("log_count/ERROR", 0) + s.get("forumsift/pages_not_forum", 0)
        return Text(f"pages {pages}  posts {s.get('forumsift/posts_found', 0)}  "
                    f"threads {s.get('forumsift/threads_found', 0)}  errors {errors}  {rate:.1f} pages/s")

    if quiet or not console.is_terminal:
        return run_crawl(url, db_url, settings, spider_args)
    with Live(render(), console=console, refresh_per_second=4, transient=True) as live:
        def on_progress(stats: dict[str, Any]) -> None:
            state["stats"] = stats
            live.update(render())
        return run_crawl(url, db_url, settings, spider_args, on_progress=on_progress)


def _post_counts(s: dict[str, Any]) -> str:
    """What became of the posts read: new, changed, and (when any) unchanged, so that the parts add up
    to the posts read; and posts gone from a re-read page, flagged deleted."""
    counts = f"{s.get('forumsift/posts_stored', 0)} new, {s.get('forumsift/posts_updated', 0)} changed"
    if s.get("forumsift/posts_unchanged"):  # an incremental crawl re-reads a grown thread's last stored page
        counts += f", {s['forumsift/posts_unchanged']} unchanged"
    if s.get("forumsift/posts_deleted"):
        counts += f"; {s['forumsift/posts_deleted']} gone from the forum, flagged deleted"
    return counts


def _summary(result: Any, db_url: str) -> None:
    s = result.stats
    click.echo(f"crawl {result.finish_reason}: {result.pages} pages, {s.get('forumsift/threads_found', 0)} threads, "
               f"{s.get('forumsift/posts_found', 0)} posts ({_post_counts(s)}) in {result.seconds:.1f} s "
               f"({result.pages / max(result.seconds, 1e-6):.1f} pages/s) into {db_url}")
    skipped = {k.split("/", 1)[1]: v for k, v in s.items()
               if k.startswith("forumsift/") and any(w in k for w in ("not_", "skipped", "empty", "too_", "trap"))}
    if skipped:
        click.echo("skipped: " + ", ".join(f"{k} {v}" for k, v in sorted(skipped.items())))


@cli.command()
@click.argument("url")
@click.option("--db", "db", envvar="FORUMSIFT_DB", help=DB_HELP)
@click.option("--engine", help="force an engine instead of detecting it (see `forumsift engines`)")
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False), help="selector overrides (TOML)")
@click.option("--set", "-s", "settings", multiple=True, metavar="NAME=VALUE", help="a Scrapy/forumsift setting")
@click.option("--verbose", "-v", is_flag=True, help="show Scrapy's log")
@click.option("--full", is_flag=True, help="fetch every thread whole, even when the site is already in the database")
@click.option("--since", metavar="DATE", help="leave threads alone whose last post is older (2024-01-31, '3 days ago')")
@click.option("--job-dir", type=click.Path(file_okay=False), help="keep the crawl's queue here to resume it (Scrapy JOBDIR)")
@click.option("--cookies", type=click.Path(exists=True, dir_okay=False),
              help="a logged-in browser's cookies (Netscape cookies.txt) for forums that hide threads from guests")
def crawl(url: str, db: str | None, engine: str | None, overrides: str | None, settings: tuple[str, ...],
          verbose: bool, full: bool, since: str | None, job_dir: str | None, cookies: str | None) -> None:
    """Crawl the forum at URL (index, sub-forums, every page of every thread) into the database.
    A forum already in the database is re-crawled incrementally: new threads, new pages only.

    \b
    Example:
      forumsift crawl https://forum.example.org/ --db sqlite:///example.db
      forumsift crawl https://forum.example.org/ --job-dir ~/.forumsift/example --cookies cookies.txt
    """
    db_url = _db_url(db)
    _check_database(db_url)
    _check_engine_and_overrides(url, engine, overrides)
    if cookies:
        _check_cookies(cookies)
    if since:
        from crawler.incremental import parse_since  # noqa: PLC0415

        try:
            parse_since(since)
        except ValueError as exc:
            _fail(str(exc))
    extra = _parse_settings(settings)
    extra.setdefault("LOG_LEVEL", "INFO" if verbose else "CRITICAL")  # the summary says what went wrong
    extra.update({k: v for k, v in {"JOBDIR": job_dir, "FORUMSIFT_COOKIES": cookies}.items() if v})
    args = {k: v for k, v in {"engine": engine, "overrides": overrides, "full": "1" if full else None,
                              "since": since}.items() if v}
    result = _crawl_with_progress(url, db_url, extra, args, quiet=verbose)
    if result.failure:
        _fail(result.failure)
    _summary(result, db_url)
    s = result.stats
    click.echo(f"threads ({s.get('forumsift/mode', 'full')} crawl): {s.get('forumsift/threads_new', 0)} new, "
               f"{s.get('forumsift/threads_grown', 0)} grown, {s.get('forumsift/threads_skipped', 0)} unchanged")
    if not result.ok:
        _fail(f"the crawl did not finish (finish reason: {result.finish_reason})")


def _check_database(db_url: str) -> None:
    """Say why the database cannot take the posts (unreachable, not a forumsift database) before the
    crawl starts: opened inside Scrapy, the error ends as a Twisted traceback and a crawl of 0 pages."""
    from db.errors import StoreError  # noqa: PLC0415
    from db.store import check_usable  # noqa: PLC0415

    try:
        check_usable(db_url)
    except StoreError as exc:
        _fail(str(exc))


def _check_cookies(path: str) -> None:
    """Say which line of a cookies file is wrong before the crawl starts (read by a downloader
    middleware, the error ended as a Twisted traceback and a crawl of 0 pages)."""
    from crawler.cookies import read_cookies_txt  # noqa: PLC0415

    try:
        read_cookies_txt(path)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        _fail(str(exc))


def _check_engine_and_overrides(url: str, engine: str | None, overrides: str | None) -> None:
    """Say what is wrong with --engine / --overrides before the crawl starts."""
    from crawler.engines import all_engines  # noqa: PLC0415
    from crawler.engines.overrides import OverridesError, load_overrides  # noqa: PLC0415

    if engine and engine not in all_engines():
        _fail(f"unknown engine {engine!r}; known engines: {', '.join(all_engines())}")
    if overrides:
        try:
            load_overrides(overrides, url if "://" in url else f"https://{url}", engine)
        except OverridesError as exc:
            _fail(str(exc))


# -- demo ----------------------------------------------------------------------------------------
@cli.command()
@click.option("--db", "db_path", default="forumsift-demo.db", show_default=True, help="SQLite file to create")
@click.option("--engine", default="xenforo2", show_default=True, help="which fixture forum to serve")
def demo(db_path: str, engine: str) -> None:
    """Serve the bundled fixture forum on 127.0.0.1, crawl all of it into SQLite, query it.

    \b
    Example:
      forumsift demo --db /tmp/demo.db
    """
    from fixtures.server import serve  # noqa: PLC0415

    db_url = _db_url(db_path)
    for suffix in ("", "-wal", "-shm"):
        Path(db_path + suffix).unlink(missing_ok=True)
    with serve(engine) as server:
        click.echo(f"serving the {engine} fixture forum at {server.url}")
        # our own server on loopback: no need to be slow; robots.txt is still obeyed
        result = _crawl_with_progress(server.url, db_url, {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                                                           "LOG_LEVEL": "CRITICAL"}, {})
    if result.failure:
        _fail(result.failure)
    _summary(result, db_url)
    import db  # noqa: PLC0415

    store = db.open(db_url)
    counts = store.counts()
    langs = store.languages()
    click.echo(f"database: {counts['threads']} threads, {counts['posts']} posts, {counts['authors']} authors; "
               f"languages: " + ", ".join(f"{k} {v}" for k, v in langs.items()))
    query = "harbour talks"
    click.echo(f'\nforumsift query "{query}" --db {db_path}')
    _print_hits(store.search(query, limit=5))
    store.close()
    if not result.ok:
        _fail(f"the crawl did not finish (finish reason: {result.finish_reason})")


# -- query ---------------------------------------------------------------------------------------
def _snippet(text: str, words: list[str], width: int = 160) -> str:
    lower = text.lower()
    at = min((lower.find(w.lower()) for w in words if lower.find(w.lower()) >= 0), default=0)
    start = max(0, at - width // 3)
    snippet = text[start:start + width].replace("\n", " ")
    return ("…" if start else "") + snippet + ("…" if start + width < len(text) else "")


def _print_hits(hits: list[dict[str, Any]], words: list[str] | None = None) -> None:
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    table = Table(show_lines=False, expand=False)
    for col in ("post", "thread", "author", "date", "snippet"):
        table.add_column(col, overflow="fold")
    for hit in hits:
        text = hit.get("snippet") or _snippet(hit.get("clean_text") or "", words or [])
        posted = hit.get("posted_at")
        table.add_row(str(hit.get("id")), hit.get("title") or "", hit.get("author") or "",
                      posted.strftime("%Y-%m-%d") if hasattr(posted, "strftime") else str(posted or ""), text)
    Console(width=160).print(table)
    click.echo(f"{len(hits)} posts")


# -- extract -------------------------------------------------------------------------------------
@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--url", help="the page's URL (default: its canonical / og:url link)")
@click.option("--engine", help="force an engine instead of detecting it")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json", show_default=True)
@click.option("--lang", is_flag=True, help="also detect each post's language (slower)")
@click.option("--fixes", is_flag=True, help="also list what the normalizer changed in each post")
def extract(files: tuple[str, ...], url: str | None, engine: str | None, fmt: str, lang: bool,
            fixes: bool) -> None:
    """Run the engines and the normalizer on saved pages (plain or .gz): one JSON document a page.

    \b
    Example:
      forumsift extract saved/thread-page-2.html.gz --format jsonl
      forumsift extract saved/*.html.gz --fixes --format jsonl   # every glue split, punctuation fix ...
    """
    from crawler.extract import extract_html, read_page_file  # noqa: PLC0415

    failed = 0
    for path in files:
        try:
            doc = {"file": path, **extract_html(read_page_file(path), url=url, engine=engine, detect_language=lang,
                                                fixes=fixes)}
        except ValueError as exc:
            _fail(str(exc))
        except Exception as exc:  # noqa: BLE001 (one bad page must not stop an archive run)
            failed += 1
            doc = {"file": path, "error": f"{type(exc).__name__}: {exc}", "posts": []}
        if fmt == "jsonl":
            click.echo(json.dumps(doc, ensure_ascii=False, default=str))
        else:
            click.echo(json.dumps(doc, ensure_ascii=False, default=str, indent=2))
    if failed:
        click.echo(f"{failed} of {len(files)} pages failed", err=True)


# -- engines -------------------------------------------------------------------------------------
@cli.command()
def engines() -> None:
    """List the forum engines forumsift knows.

    \b
    Example:
      forumsift engines
    """
    from crawler.engines import all_engines  # noqa: PLC0415

    for name, cls in all_engines().items():
        click.echo(f"{name:12} {cls.label}")


def main() -> None:
    cli(prog_name="forumsift")


if __name__ == "__main__":
    main()
