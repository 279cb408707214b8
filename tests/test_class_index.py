"""A post's class index (crawler/engines/base.py `_ClassIndex`) answers a field selector exactly as
the XPath walk of the whole post does: on every engine's fixture pages, and on the cases where it
must step aside (nested elements of the same class, sibling combinators, repeated class tokens)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from parsel import Selector

from crawler.engines import base, get_engine
from fixtures.server import site_engines
from tests.fixture_pages import site_pages


@contextmanager
def _no_index(node: Selector):
    yield


@pytest.mark.parametrize("engine_name", site_engines())
def test_thread_pages_read_the_same_with_and_without_the_index(engine_name, monkeypatch):
    engine = get_engine(engine_name)
    pages = [p for p in site_pages(engine_name) if engine.is_thread_page(p)]
    with_index = [repr(engine.thread(p)) for p in pages]
    monkeypatch.setattr(base, "_indexed", _no_index)
    assert with_index == [repr(engine.thread(p)) for p in pages]


POST = """<article class="post x"><div class="head a"><span class="name">Ann</span>
<div class="a"><b class="name">inner</b></div></div><p class="dup dup">one</p>
<i class="sib">s</i><u class="after">t</u><div class="body"><span class="name">in body</span></div></article>"""

_HAS = "[contains(concat(' ', normalize-space(@class), ' '), ' {} ')]"
QUERIES = [".name", ".a .name", ".a > .name::text", ".dup", "p.dup::text", ".sib + .after", ".post .body .name",
           ".post", "article.post.x > .head", ".missing", "span.name::text", ".head b", "div.a:not(.head) b",
           ".//*" + _HAS.format("post"), ".//*" + _HAS.format("head") + "//span/text()",
           ".//div" + _HAS.format("a") + "//b", ".//*" + _HAS.format("a") + "//*[starts-with(normalize-space(), 'in')]",
           ".//*" + _HAS.format("sib") + "/following-sibling::u", ".//*" + _HAS.format("name") + "/.."]


@pytest.mark.parametrize("query", QUERIES)
def test_a_selector_matches_what_the_xpath_walk_matches(query):
    post = Selector(text=f"<html><body>{POST}</body></html>").css("article")[0]
    plain = base._matches(post, query)
    with base._indexed(post):
        indexed = base._matches(post, query)
    assert [base._as_string(m) for m in indexed] == [base._as_string(m) for m in plain]
