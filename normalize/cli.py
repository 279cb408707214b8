"""`forumsift normalize FILE|- [--html] [--format text|json] [--explain]`: the normalizer from the
command line, over the same functions the crawl pipeline uses (`clean_text`, `clean_post`).

Registered by the main CLI with `cli.add_command(normalize_command, "normalize")`; runnable on its
own as `python -m normalize.cli`.
"""
from __future__ import annotations

import json
import sys

import click


@click.command("normalize")
@click.argument("file", type=click.File("r", encoding="utf-8", errors="surrogateescape"), default="-")
@click.option("--html", "is_html", is_flag=True, help="FILE is a post body in HTML, not flattened text.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the clean text; json: text, metadata, language, mt_score and every fix.")
@click.option("--explain", is_flag=True, help="Also list every fix made, in order (on stderr with --format json).")
@click.option("--typographic-quotes", is_flag=True, help="Keep « » „ “ ” ‘ ’ instead of plain quotes.")
@click.option("--no-lang", is_flag=True, help="Skip language detection.")
def normalize_command(file, is_html: bool, fmt: str, explain: bool, typographic_quotes: bool, no_lang: bool) -> None:
    """Clean one post: HTML or flattened text in, clean text (or JSON) out.

    \b
    Examples:
      forumsift normalize thread.txt --format json
      curl -s URL | forumsift normalize - --html --explain
    """
    from normalize import RawPost, Settings, clean_post, clean_text

    raw = file.read().encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    settings = Settings(typographic_quotes=typographic_quotes, detect_language=not no_lang)
    post = clean_post(RawPost(post_id="-", body_html=raw), settings=settings) if is_html else clean_text(raw, settings=settings)
    if fmt == "json":
        click.echo(json.dumps(post.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(post.text)
    if explain:
        _explain(post, to_stderr=fmt == "json")


def _explain(post, to_stderr: bool) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(stderr=to_stderr, highlight=False, soft_wrap=True)
    console.print(f"[bold]{len(post.fixes)} fixes[/bold] (lang {post.lang} {post.lang_confidence:.2f}, "
                  f"mt_score {post.mt_score:.2f} {dict(post.mt_evidence)})")
    for i, f in enumerate(post.fixes, 1):
        console.print(f"{i:4}. [cyan]{f.kind:<14}[/cyan] @{f.offset:<6} "
                      f"[red]{escape(repr(f.before)[:80])}[/red] -> [green]{escape(repr(f.after)[:80])}[/green]")


if __name__ == "__main__":
    normalize_command(sys.argv[1:])
