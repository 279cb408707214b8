"""XenForo 2: every selector matches the fixture's pages, and the quirks (XF 2.3 posts without
`data-content`, the "MessageCard" style, reaction lists, thread prefixes, /page-9999)."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from crawler.engines.base import Engine, Page, select
from crawler.extract import extract_html, read_page_file
from crawler.engines.xenforo2 import XenForo2, reaction_count
from fixtures.content import demo_forum
from fixtures.site import FixtureSite
from fixtures.xenforo2.messagecard import MessageCardSite
from fixtures.xenforo2.site import XenForo2Site

PAGE_SELECTORS = {"post", "title", "title_prefix", "breadcrumbs", "next_page", "last_page", "thread_row", "thread_link",
                  "forum_link"}
ROW_SELECTORS = {"row_link", "row_title", "row_replies", "row_last_post_attr", "row_last_post_text"}
QUOTE_SELECTORS = {"quote_author_attr", "quote_author_text", "quote_post_id_attr", "quote_body"}
OPTIONAL = {"remove"}  # what to remove may well be absent from a page


def fetch(site: FixtureSite, path: str) -> Page:
    """A fixture page as the spider would see it (through the site's router, no socket)."""
    response = site.handle(path)
    assert response.status == 200, path
    return Page.from_html(response.bytes().decode("utf-8"), "http://127.0.0.1" + path)


def unmatched_selectors(engine: Engine, pages: Iterable[Page]) -> set[str]:
    """Names of the engine's selectors that match nothing on any of `pages`: page-level ones on
    the page, row ones inside thread rows, quote ones inside quotes, the rest inside posts."""
    pages = list(pages)
    found: set[str] = set()
    for page in pages:
        posts = engine.post_nodes(page)
        rows = select(page, engine.sel["thread_row"]) if engine.sel.get("thread_row") else []
        quotes = [q for p in posts for q in select(p, engine.sel["quote"])] if engine.sel.get("quote") else []
        for name, query in engine.sel.items():
            if name in PAGE_SELECTORS:
                scopes = [page]
            elif name in ROW_SELECTORS:
                scopes = rows
            elif name in QUOTE_SELECTORS:
                scopes = quotes
            else:
                scopes = posts
            if any(select(scope, query) for scope in scopes):
                found.add(name)
    # a text date selector only backs up a machine date selector, when the engine has one
    backups = {f"{kind}_text" for kind in ("date", "edited") if engine.sel.get(f"{kind}_attr")}
    return set(engine.sel) - found - OPTIONAL - backups


def long_thread_paths(site: XenForo2Site) -> list[str]:
    thread = max(site.forum.threads(), key=lambda t: len(t.posts))
    return [site.thread_url(thread), site.thread_url(thread, 2)]


@pytest.fixture(scope="module")
def site() -> XenForo2Site:
    return XenForo2Site(demo_forum())


def prefixed_thread_page(site: XenForo2Site, h1: str, prefix: str) -> Page:
    """A thread page whose title carries a thread prefix ("Solved"), as moderators set them."""
    thread = demo_forum().thread(105)
    html = site.handle(site.thread_url(thread)).bytes().decode().replace(h1, h1 + prefix + " ", 1)
    return Page.from_html(html, "http://127.0.0.1" + site.thread_url(thread))


def test_every_selector_matches_the_fixture(site):
    news = demo_forum().forum(2)
    pages = [fetch(site, p) for p in ["/", site.forum_url(news), *long_thread_paths(site)]]
    pages.append(prefixed_thread_page(site, '<h1 class="p-title-value">', '<span class="label label--blue">Solved</span>'))
    assert unmatched_selectors(XenForo2(), pages) == set()


def test_thread_page_reads_every_field(site):
    forum = demo_forum()
    thread = max(forum.threads(), key=lambda t: len(t.posts))
    page = fetch(site, site.thread_url(thread, 2))
    result = XenForo2().thread(page)
    assert result.title == thread.title
    assert result.forum_path == ["Forums", "General", "Boats & Gardens"]
    assert result.next_page == "http://127.0.0.1" + site.thread_url(thread, 3)
    assert result.last_page == 4
    expected = thread.posts[5:10]
    assert [p.post_id for p in result.posts] == [str(p.post_id) for p in expected]
    for got, want in zip(result.posts, expected):
        assert (got.author, got.author_title, got.position) == (want.author.name, want.author.title, want.position)
        assert got.posted_at == want.posted_at
        assert got.author_id == str(want.author.user_id)
        assert got.likes == (want.likes or None)
        assert (got.edited_at is not None) == (want.edited_at is not None)
        assert bool(got.signature_html) == bool(want.author.signature)
        if want.quote_of:
            assert [(q.author, q.post_id) for q in got.quotes] == [(want.quote_of.author.name, str(want.quote_of.post_id))]
        assert "Click to expand" not in got.body_html and "said:" not in got.body_html


def test_index_and_forum_pages_give_links_with_reply_counts(site):
    engine = XenForo2()
    index = fetch(site, "/")
    assert "http://127.0.0.1/forums/world-news.5/" in engine.forum_links(index)
    news = demo_forum().forum(2)
    links = engine.thread_links(fetch(site, site.forum_url(news)))
    by_id = {link.thread_id: link for link in links}
    for thread in sorted(news.threads, key=lambda t: t.last_post_at, reverse=True)[:3]:
        link = by_id[str(thread.thread_id)]
        assert link.replies == len(thread.posts) - 1
        assert link.last_post_at == thread.last_post_at
    assert engine.last_page_url(links[0].url).endswith("/page-9999")


def test_messagecard_style_is_read_like_the_stock_style():
    site = MessageCardSite(demo_forum())
    thread = demo_forum().thread(103)
    page = fetch(site, site.thread_url(thread))
    result = XenForo2().thread(page)
    assert [p.post_id for p in result.posts] == [str(p.post_id) for p in thread.posts[:5]]
    for got, want in zip(result.posts, thread.posts):
        assert (got.author, got.position, got.posted_at) == (want.author.name, want.position, want.posted_at)
        assert got.author_id == str(want.author.user_id)
        assert bool(got.signature_html) == bool(want.author.signature)
        assert "Joined" not in got.body_html and "posts" not in re.sub(r"<[^>]+>", "", got.body_html)


def test_xf23_posts_without_data_content_are_found(site):
    thread = demo_forum().thread(104)
    html = site.handle(site.thread_url(thread)).bytes().decode()
    html = re.sub(r' data-(content|author)="[^"]*"', "", html)  # XF 2.3 drops both attributes
    result = XenForo2().thread(Page.from_html(html, "http://127.0.0.1/"))
    assert [(p.post_id, p.author) for p in result.posts] == [(str(p.post_id), p.author.name) for p in thread.posts[:5]]


@pytest.mark.parametrize("text, count", [
    ("kyteflyer , Bobby T , Aviator and 19 others", 22), ("unixfool", 1), ("unixfool and felixen", 2),
    ("Guest 6381 and Irene McC", 2), ("A, B and 1,234 others", 1236), (None, None)])
def test_reaction_lists_are_counted(text, count):
    assert reaction_count(text) == count


def test_thread_prefix_is_not_part_of_the_title(site):
    page = prefixed_thread_page(site, '<h1 class="p-title-value">', '<span class="label label--blue">Solved</span>')
    assert XenForo2().thread(page).title == demo_forum().thread(105).title


def test_detects_its_own_pages_only(site):
    engine = XenForo2()
    assert engine.detect(fetch(site, "/")) >= 0.8
    xf1 = Page.from_html('<html id="XenForo"><body><ol id="messageList"></ol></body></html>', "http://x/")
    assert engine.detect(xf1) == 0.0


def test_styles_with_text_dates_fall_back_to_the_microdata_date(site):
    thread = demo_forum().thread(104)
    html = site.handle(site.thread_url(thread)).bytes().decode()
    html = re.sub(r'<ul class="message-attribution-main.*?</ul>', "", html, flags=re.S)  # as head-fi's style
    html = html.replace('<span class="u-anchorTarget"', '<meta itemprop="datePublished" content="2016-01-05T09:30:00+00:00" /><span class="u-anchorTarget"')
    posts = XenForo2().thread(Page.from_html(html, "http://127.0.0.1/")).posts
    assert {p.posted_at.isoformat() for p in posts} == {"2016-01-05T09:30:00+00:00"}


_UNFURL = """<div class="bbCodeBlock bbCodeBlock--unfurl    js-unfurl fauxBlockLink"
\tdata-unfurl="true" data-result-id="47863" data-url="https://support.example.com/HT208532" data-host="support.example.com" data-pending="false">
\t<div class="contentRow"><div class="contentRow-figure contentRow-figure--fixedSmall js-unfurl-figure"><img src="/proxy.php?image=x" alt="support.example.com" data-onerror="hide-parent"/></div>
\t\t<div class="contentRow-main"><h3 class="contentRow-header js-unfurl-title"><a href="https://support.example.com/HT208532"
\t\t\t\tclass="link link--external fauxBlockLink-blockLink" target="_blank" rel="nofollow ugc noopener" data-proxy-href="">
\t\t\t\tSet up the chart plotter</a></h3>
\t\t\t<div class="contentRow-snippet js-unfurl-desc">Learn how to set up the plotter and its charts on every device.</div>
\t\t\t<div class="contentRow-minor contentRow-minor--hideLinks"><span class="js-unfurl-favicon"><img src="/proxy.php?image=f" alt="support.example.com" class="bbCodeBlockUnfurl-icon" data-onerror="hide-parent"/></span>
\t\t\t\tsupport.example.com</div></div></div></div>"""


def test_embeds_on_the_fixture_keep_the_link_title_not_their_chrome(site):
    """The fixture's link card (thread 109, quoted on its second page) and embedded videos with
    their "View: URL" line: the card's title and link stay, its snippet and host and the View line
    go, in posts and in quotes."""
    thread = demo_forum().thread(109)
    posts = [p for n in (1, 2) for p in XenForo2().thread(fetch(site, site.thread_url(thread, n))).posts]
    htmls = [p.body_html for p in posts] + [q.html for p in posts for q in p.quotes]
    assert sum("bbMediaWrapper" in h for h in htmls) >= 2 and sum("Standing rigging checklist" in h for h in htmls) == 2
    assert not [h for h in htmls if "View:" in h or "What the linked page" in h or "example.org</" in h]


def test_a_link_preview_card_keeps_the_link_not_the_linked_pages_snippet(site):
    thread = demo_forum().thread(105)
    html = site.handle(site.thread_url(thread)).bytes().decode().replace('<div class="bbWrapper">', '<div class="bbWrapper">' + _UNFURL, 1)
    post = XenForo2().thread(Page.from_html(html, "http://127.0.0.1" + site.thread_url(thread))).posts[0]
    assert "Set up the chart plotter" in post.body_html and 'href="https://support.example.com/HT208532"' in post.body_html
    assert "Learn how" not in post.body_html and "support.example.com</" not in post.body_html


# a tweet embedded by the s9e media add-on: an empty placeholder the browser fills, then the line
_S9E_TWEET = ("""<span data-s9e-mediaembed="twitter" style="height:350px;width:550px" data-s9e-mediaembed-iframe='["src","https:\\/\\/s9e.github.io\\/iframe\\/2\\/twitter.min.html#1807756"]'></span><br />\n"""
              """<i><span style="font-size: 10px"><a href="https://x.com/harbourmaster/status/1807756" target="_blank" class="link link--external" """
              """rel="nofollow ugc noopener">View: https://x.com/harbourmaster/status/1807756</a></span></i><br />\n<br />\n""")


def test_the_view_line_under_an_s9e_media_embed_is_left_out(site):
    thread = demo_forum().thread(105)
    html = site.handle(site.thread_url(thread)).bytes().decode().replace('<div class="bbWrapper">', '<div class="bbWrapper">' + _S9E_TWEET, 1)
    post = XenForo2().thread(Page.from_html(html, "http://127.0.0.1" + site.thread_url(thread))).posts[0]
    assert "View:" not in post.body_html and "harbourmaster" not in post.body_html
    assert demo_forum().thread(105).posts[0].body_html[:40] in post.body_html  # the post's own words stay


def test_the_lightbox_caption_dates_posts_of_styles_without_any_date_element(site):
    thread = demo_forum().thread(104)
    html = site.handle(site.thread_url(thread)).bytes().decode()
    html = re.sub(r'<ul class="message-attribution-main.*?</ul>', "", html, flags=re.S)
    html = html.replace('class="message-userContent ', 'data-lb-caption-desc="Harald &middot; Jan 5, 2016 at 9:30 AM" class="message-userContent ')
    posts = XenForo2().thread(Page.from_html(html, "http://127.0.0.1/")).posts
    assert {p.posted_at.isoformat() for p in posts} == {"2016-01-05T09:30:00+00:00"}


CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "wcxb-forum-dev"
# the corpus's XenForo pages (stock, UI.X, XF 2.3 without data-content, MessageCard, text-date styles)
CORPUS_PAGES = {"xenforo2": "0403 0513 0514 0515 0516 0518 0519 0521 0522 0523 0524 0528 0529 0530 0532 0534 0537 "
                            "1350 1674 2081 2797 4311 4312 4317 4320 4492",
                "xenforo1": "0517 0520"}


def corpus_page(page_id: str) -> dict:
    """`forumsift extract`'s document for a corpus page, and the page's ground truth under 'gt'."""
    doc = extract_html(read_page_file(CORPUS / "html" / f"{page_id}.html.gz"))
    doc["gt"] = json.loads((CORPUS / "ground-truth" / f"{page_id}.json").read_text())["ground_truth"]
    return doc


def check_corpus_page(doc: dict, engine: str) -> None:
    """What every real page of an engine must give: the engine, posts with ids, authors and dates,
    the ground truth's `with` snippets, no quote chrome in the text."""
    assert doc["engine"] == engine and doc["title"] and doc["forum_path"]
    ids = [p["post_id"] for p in doc["posts"]]
    assert ids and len(ids) == len(set(ids))
    assert all(p["author"] and p["posted_at"] for p in doc["posts"][1:])  # an opening post may carry no date
    text = " ".join(" ".join([p["text"], *(q["text"] for q in p["quotes"])]) for p in doc["posts"])
    flat = re.sub(r"\s+", " ", text).lower().replace("’", "'")
    for snippet in doc["gt"].get("with") or []:
        assert re.sub(r"\s+", " ", snippet).lower().replace("’", "'") in flat, snippet
    assert "click to expand" not in flat and " said:" not in flat


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus beside the project")
@pytest.mark.parametrize("engine, page_id", [(e, p) for e, ids in CORPUS_PAGES.items() for p in ids.split()])
def test_real_xenforo_pages(engine, page_id):
    check_corpus_page(corpus_page(page_id), engine)
