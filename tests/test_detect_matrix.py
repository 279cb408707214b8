"""Every engine's `detect` on every fixture forum's pages (N x N): on each page the engine that made
it must win, so no engine claims another's pages and the generic engine never beats a specific one."""
from __future__ import annotations

import pytest

from crawler.engines import all_engines, detect_engine
from fixtures.server import site_engines
from tests.fixture_pages import site_pages


@pytest.mark.parametrize("site", site_engines())
def test_the_sites_own_engine_wins_on_every_page(site):
    pages = site_pages(site)
    assert pages, f"the {site} fixture forum served no HTML page"
    wrong = {}
    for page in pages:
        chosen, score, scores = detect_engine(page)
        if chosen is None or chosen.name != site:
            wrong[page.url] = {name: round(s, 2) for name, s in scores.items() if s}
    assert not wrong, f"pages of the {site} fixture where another engine (or none) wins: {wrong}"


@pytest.mark.parametrize("site", site_engines())
def test_no_other_engine_ties_the_sites_own(site):
    """Another engine may see some markers (SMF 1 and 2 share many), but always scores below the
    page's own engine, the fallback included: a tie would make the choice depend on dict order."""
    close = {}
    for page in site_pages(site):
        own = all_engines()[site]().detect(page)
        for name, cls in all_engines().items():
            if name != site and cls().detect(page) >= own:
                close.setdefault(name, []).append(page.url)
    assert not close, f"engines scoring as high as {site} on its own pages: {close}"
