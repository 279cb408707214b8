"""The database commands of `forumsift`: query, show, export, stats, dedupe and `db upgrade`.

A thin layer over `db.open(url) -> Store`. Every command takes `--db` (or FORUMSIFT_DB): a
SQLAlchemy URL, or a plain path for an SQLite file. A database that is missing, unreachable or not
forumsift's ends the command with one line on stderr and exit status 1.
"""
from __future__ import annotations

import csv
import functools
import json
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NoReturn

import click

import db
from db import export as exporter
from db.search import HIGHLIGHT, HIT_COLUMNS

DB_HELP = "database URL (SQLAlchemy) or SQLite file, e.g. forum.db or postgresql+psycopg://user@host/db"
DATE = click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"])


class UntilDate(click.DateTime):
    """`--until`'s date: a day on its own counts whole ("--until 2016-10-23" keeps that day's posts,
    as a user reads it), a date with a time is the moment posts must come before."""

    name = "until"

    def __init__(self) -> None:
        super().__init__(DATE.formats)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        moment = super().convert(value, param, ctx)
        day_only = isinstance(value, str) and len(value.strip()) == len("2016-10-23")
        return moment + timedelta(days=1) if day_only else moment


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _open(db_value: str | None, create: bool = False) -> db.Store:
    try:
        return db.open(db.url_from(db_value), create=create)
    except db.StoreError as exc:
        hint = " (run `forumsift crawl URL --db ...` first)" if isinstance(exc, db.NoDatabase) else ""
        _fail(f"{exc}{hint}")


# the largest id (and LIMIT) the databases take: a larger number ended in an OverflowError traceback
ROW_ID_MAX = 2**63 - 1


def db_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--db", "db_value", envvar="FORUMSIFT_DB", help=DB_HELP)(command)


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that choose posts, shared by query and export; they arrive as `filters`."""
    options = [
        # codes are stored as langdetect writes them, lower case ("en", "zh-cn"): "EN" finds them too
        click.option("--lang", help="only posts in this language (ISO code, e.g. en)",
                     callback=lambda _ctx, _param, value: value.lower() if value else value),
        click.option("--site", help="only sites whose base URL contains this"),
        click.option("--forum", help="only forums whose path (\"Boats > Engines\") contains this"),
        click.option("--thread", help="only this thread (its id in the database, or its URL)"),
        click.option("--author", help="only posts by this author (name, any case)"),
        click.option("--since", type=DATE, help="only posts from this date (UTC) on"),
        click.option("--until", type=UntilDate(),
                     help="only posts up to this day (UTC), that day included; with a time, before that time"),
        click.option("--unique", is_flag=True, help="hide near-duplicates (see `forumsift dedupe`)"),
        click.option("--articles", is_flag=True, help="only threads' opening posts, titled by their thread"),
    ]
    names = ("lang", "site", "forum", "thread", "author", "since", "until", "unique", "articles")

    @functools.wraps(command)  # keeps the options declared below this decorator
    def wrapped(**kwargs: Any) -> Any:
        kwargs["filters"] = db.Filters(**{n: kwargs.pop(n) for n in names})
        return command(**kwargs)

    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped


def _date(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else ""


def _highlighted(snippet: str) -> Any:
    from rich.text import Text  # noqa: PLC0415

    out = Text()
    for i, part in enumerate(snippet.split(HIGHLIGHT)):
        out.append(part, style="bold yellow" if i % 2 else "")
    return out


def _print_table(hits: list[dict[str, Any]]) -> None:
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    table = Table(expand=False)
    for name in ("post", "date", "author", "thread", "snippet"):
        table.add_column(name, overflow="fold")
    for hit in hits:
        table.add_row(str(hit["id"]), _date(hit["posted_at"]), hit["author"] or "", hit["title"] or "",
                      _highlighted(hit["snippet"]))
    Console(width=160).print(table)


@click.command()
@click.argument("text")
@db_option
@filter_options
@click.option("--limit", type=click.IntRange(0, ROW_ID_MAX), default=10, show_default=True, help="how many posts at most")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def query(text: str, db_value: str | None, filters: db.Filters, limit: int, fmt: str) -> None:
    """Search the posts for TEXT, best first, with the matching words highlighted.

    TEXT: words (all must match), "a phrase", `harbour OR marina`, `-word` to exclude.

    \b
    Example:
      forumsift query "harbour talks" --db forumsift-demo.db --lang en --since 2015-01-01
      forumsift query antifouling --articles --format json
    """
    store = _open(db_value)
    hits = store.search(text, limit=limit, filters=filters)
    store.close()
    if fmt == "json":
        click.echo(json.dumps(hits, ensure_ascii=False, default=exporter.json_default, indent=2))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=[*HIT_COLUMNS, "snippet", "score"])
        writer.writeheader()
        writer.writerows({k: v.isoformat() if isinstance(v, datetime) else v for k, v in h.items()} for h in hits)
    else:
        _print_table(hits)
        click.echo(f"{len(hits)} posts")


@click.command()
@click.argument("post_id", type=click.IntRange(1, ROW_ID_MAX))
@db_option
@click.option("--fixes", is_flag=True, help="list what the normalizer changed")
@click.option("--raw", is_flag=True, help="also print the raw text and the raw HTML the post was read from")
@click.option("--revisions", is_flag=True, help="also print every earlier version of the text")
def show(post_id: int, db_value: str | None, fixes: bool, raw: bool, revisions: bool) -> None:
    """Print one post (POST_ID as `query` shows it) with its metadata and clean text.

    \b
    Example:
      forumsift show 42 --revisions --fixes --db forumsift-demo.db
    """
    store = _open(db_value)
    post = store.post(post_id, raw=raw)
    earlier = store.revisions(post_id) if revisions and post else []
    store.close()
    if post is None:
        _fail(f"no post {post_id}")
    author = post["author"] + (f" ({post['author_title']})" if post["author_title"] else "") if post["author"] else "?"
    lines = [f"post {post['id']}  {post['site']}  {post['forum'] or ''}",
             f"thread: {post['thread']}  {post['thread_url']}",
             f"author: {author}",
             f"posted: {_date(post['posted_at'])} UTC (page said {post['posted_at_raw']!r})"
             + (f", edited {_date(post['edited_at'])}" if post["edited_at"] else ""),
             f"language: {post['lang'] or 'unknown'}"
             + (f" ({post['lang_confidence']:.2f})" if post["lang_confidence"] is not None else "")
             + (f", mt score {post['mt_score']:.2f}" if post["mt_score"] is not None else ""),
             f"seen: {_date(post['first_seen'])} to {_date(post['last_seen'])}, page {post['page_url']}"]
    if post["duplicate_of"]:
        lines.append(f"near-duplicate of post {post['duplicate_of']}")
    if post["deleted"]:
        lines.append("deleted on the forum")
    click.echo("\n".join(lines) + "\n\n" + post["clean_text"] + "\n")
    for quote in post["quotes"]:
        click.echo(f"quotes {quote.get('author') or 'someone'}: {(quote.get('text') or '')[:200]}")
    if post["signature"]:
        click.echo(f"signature: {post['signature']}")
    if fixes:
        click.echo(f"\nfixes ({len(post['fixes'])}):")
        for fix in post["fixes"]:
            click.echo("  " + json.dumps(fix, ensure_ascii=False))
    if raw:
        click.echo(f"\nraw text:\n{post['raw_text'] or ''}\n\nraw HTML:\n{post['raw_html'] or ''}")
    if revisions:
        click.echo(f"\nrevisions ({len(earlier)}):")
        for rev in earlier:
            click.echo(f"-- seen {_date(rev['seen_from'])}, replaced {_date(rev['replaced_at'])}\n{rev['clean_text']}")


@click.command("export")
@db_option
@filter_options
@click.option("--format", "fmt", type=click.Choice(exporter.FORMATS), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="file to write (default: stdout)")
def export_command(db_value: str | None, filters: db.Filters, fmt: str, output: str | None) -> None:
    """Write posts (or, with --articles, one article a thread) as JSON lines, CSV or Parquet.

    Streams: memory stays flat however large the database. Parquet needs pyarrow
    (pip install 'forumsift[parquet]') and -o.

    \b
    Example:
      forumsift export --articles --lang en --format csv -o articles.csv --db forumsift-demo.db
    """
    if fmt == "parquet" and not output:
        _fail("Parquet is binary: give a file with -o")
    store = _open(db_value)
    names = exporter.columns(filters)
    try:
        if output:
            with open(output, "wb" if fmt == "parquet" else "w", **({} if fmt == "parquet" else
                                                                     {"encoding": "utf-8", "newline": ""})) as out:
                count = exporter.write(store.export_rows(filters), names, fmt, out)
        else:
            count = exporter.write(store.export_rows(filters), names, fmt, sys.stdout)
    except exporter.ExportError as exc:
        _fail(str(exc))
    finally:
        store.close()
    click.echo(f"exported {count} {'articles' if filters.articles else 'posts'}", err=True)


@click.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(db_value: str | None, fmt: str) -> None:
    """Posts per site, forum and language, and the latest crawl runs with their outcome.

    \b
    Example:
      forumsift stats --db forumsift-demo.db
    """
    store = _open(db_value)
    report = store.stats()
    store.close()
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, default=exporter.json_default, indent=2))
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    console = Console(width=160)
    for title, rows in report.items():
        table = Table(title=title, title_justify="left", expand=False)
        columns = list(rows[0]) if rows else ["(none)"]
        for name in columns:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*(_date(v) if isinstance(v, datetime) else "" if v is None else str(v)
                            for v in row.values()))
        console.print(table)


@click.command()
@db_option
def dedupe(db_value: str | None) -> None:
    """Link near-duplicate posts (the same text pasted in several threads) to the earliest copy.

    Run after a crawl; `query --unique` and `export --unique` then hide the copies.

    \b
    Example:
      forumsift dedupe --db forumsift-demo.db
    """
    store = _open(db_value)
    linked = store.dedupe()
    store.close()
    click.echo(f"{linked} near-duplicate posts linked to their original")


@click.group("db")
def db_group() -> None:
    """Manage the database schema.

    \b
    Example:
      forumsift db upgrade --db postgresql+psycopg://forumsift@localhost/forums
    """


@db_group.command()
@db_option
def upgrade(db_value: str | None) -> None:
    """Create the forumsift schema, or bring an existing database to the newest version.

    \b
    Example:
      forumsift db upgrade --db forum.db
    """
    from db.migrate import head_revision  # noqa: PLC0415

    store = _open(db_value, create=True)
    store.close()
    click.echo(f"database {db.url_from(db_value)} is at schema revision {head_revision()}")


COMMANDS = {"query": query, "show": show, "export": export_command, "stats": stats, "dedupe": dedupe,
            "db": db_group}
