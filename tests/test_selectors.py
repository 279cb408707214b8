"""Every selector of every engine that has a fixture forum matches something on that forum's pages:
a selector that silently matches nothing is the most common scraper failure.

Each selector is tried where the engine uses it: page selectors on pages, post selectors inside
posts, row selectors inside thread rows, quote selectors inside quotes. Alternatives (`a || b`)
count as matching when one of them does. Selectors that may rightly match nothing on a fixture
are listed in EXCEPTIONS with the reason.
"""
from __future__ import annotations

import pytest
from parsel import Selector

from crawler.engines import get_engine
from crawler.engines.base import select
from fixtures.server import site_engines
from tests.fixture_pages import site_pages

PAGE = {"title", "breadcrumbs", "next_page", "thread_row", "thread_link", "forum_link", "post"}
ROW = {"row_link", "row_title", "row_replies", "row_last_post_attr", "row_last_post_text"}
QUOTE = {"quote_author_attr", "quote_author_text", "quote_post_id_attr", "quote_body"}
POST = {"post_id", "author", "author_id", "author_url", "author_title", "likes", "post_title", "date_attr",
        "date_text", "edited_attr", "edited_text", "body", "signature", "position"}
# (engine or "*", selector name) -> why it may match nothing on the fixture
EXCEPTIONS = {
    ("*", "remove"): "lists chrome to drop when present; a fixture needn't render every kind",
    ("*", "date_text"): "the fallback for a missing machine date; fixtures render the machine date",
    ("*", "quote_author_text"): "the fallback when a quote has no author attribute",
    ("*", "row_last_post_text"): "the fallback for a missing machine date on thread rows",
    ("xenforo1", "date_attr"): "XF1 prints abbr.DateTime[data-time] only for posts of the last week; "
                               "the fixture's posts are older (span.DateTime[title], read by date_text)",
    ("xenforo1", "edited_attr"): "as date_attr: the fixture's edits are older than a week",
    ("xenforo1", "title_prefix"): "no fixture thread has a prefix",
    ("xenforo2", "title_prefix"): "no fixture thread has a prefix",
    ("discourse", "linked_topic"): "no fixture post links another topic (test_engine_discourse injects one)",
    ("discourse", "linked_topic_avatar"): "as linked_topic",
}


def _scopes(engine_name: str) -> dict[str, list[Selector]]:
    engine = get_engine(engine_name)
    pages = [p.selector for p in site_pages(engine_name)]
    posts = [n for p in pages for n in (select(p, engine.sel["post"]) if engine.sel.get("post") else [])]
    bodies = [b for n in posts for b in (select(n, engine.sel["body"])[:1] if engine.sel.get("body") else [])]
    rows = [r for p in pages for r in (select(p, engine.sel["thread_row"]) if engine.sel.get("thread_row") else [])]
    quotes = [q for b in bodies for q in (select(b, engine.sel["quote"]) if engine.sel.get("quote") else [])]
    return {"page": pages, "post": posts, "row": rows, "quote": quotes, "body": bodies,
            "any": pages + posts + rows + quotes}


def _scope_of(name: str) -> str:
    """Where the base engine runs a selector; "any" for an engine's own names."""
    if name in PAGE:
        return "page"
    if name in ROW:
        return "row"
    if name in QUOTE:
        return "quote"
    if name == "quote":
        return "body"
    return "post" if name in POST else "any"


def _matches(nodes: list[Selector], query: str) -> bool:
    return any(_select(node, alt) for node in nodes for alt in query.split(" || "))


def _select(node: Selector, query: str) -> bool:
    try:
        return bool(select(node, query))
    except ValueError:  # a comma list mixing XPath and CSS, which the engine splits itself
        return any(select(node, part.strip()) for part in query.split(","))


@pytest.mark.parametrize("engine_name", site_engines())
def test_every_selector_matches_on_the_fixture(engine_name):
    engine = get_engine(engine_name)
    scopes = _scopes(engine_name)
    silent = []
    for name, query in engine.sel.items():
        if (engine_name, name) in EXCEPTIONS or ("*", name) in EXCEPTIONS:
            continue
        if not _matches(scopes[_scope_of(name)], query):
            silent.append(f"{name} = {query!r} (in {len(scopes[_scope_of(name)])} {_scope_of(name)} nodes)")
    assert not silent, f"{engine_name} selectors that match nothing on its fixture forum:\n" + "\n".join(silent)


def test_a_selector_that_matches_nothing_is_reported():
    """The check itself: a misspelt class is caught."""
    page = Selector(text="<div class='post'><p class='body'>hi</p></div>")
    assert _matches([page], "div.post")
    assert not _matches([page], "div.posts || .nothing")
