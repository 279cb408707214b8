"""Invision Community 4/5: the fixture forum's topics read in full, and the quirks: positions from
the page number and posts per page, the "Edited … by …" line, signatures, IPS 5 markup."""
from __future__ import annotations

from crawler.engines import Page
from crawler.engines.invision import Invision
from crawler.extract import extract_html
from fixtures.content import demo_forum
from fixtures.invision4.site import Invision4Site

ROOT = "http://forum.test"
LONG = max(demo_forum().threads(), key=lambda t: len(t.posts))


def page(path: str) -> Page:
    response = Invision4Site().handle(path)
    assert response.status == 200, path
    return Page.from_html(response.bytes().decode("utf-8"), ROOT + path)


def test_topic_pages_give_every_post_in_order_with_metadata():
    engine, per = Invision(), demo_forum().posts_per_page
    read, url = [], f"/topic/{LONG.thread_id}-{LONG.slug}/"
    while url:
        thread = engine.thread(page(url))
        assert thread.title == LONG.title and thread.forum_path == [LONG.forum.title]
        assert thread.thread_id == str(LONG.thread_id)
        assert engine.canonical_thread_url(thread.url) == f"{ROOT}/topic/{LONG.thread_id}-{LONG.slug}/"
        read += thread.posts
        url = thread.next_page[len(ROOT):] if thread.next_page else None
    assert [p.post_id for p in read] == [str(p.post_id) for p in LONG.posts]
    assert [p.position for p in read] == list(range(1, len(LONG.posts) + 1))
    assert thread.last_page == -(-len(LONG.posts) // per)
    for got, want in zip(read, LONG.posts):
        assert (got.author, got.author_title, got.author_id) == (want.author.name, want.author.title,
                                                                 str(want.author.user_id))
        assert got.posted_at == want.posted_at
        assert got.edited_at == (want.edited_at.replace(second=0) if want.edited_at else None)
        assert "Edited" not in got.body_html
        assert bool(got.signature_html) == bool(want.author.signature)
        assert (got.likes or 0) == want.likes
        if want.quote_of:
            assert [(q.author, q.post_id) for q in got.quotes] == [(want.quote_of.author.name, str(want.quote_of.post_id))]
            assert "said:" not in got.quotes[0].html
        else:
            assert got.quotes == []


def test_forum_pages_list_topics_with_replies_and_last_post_time_and_subforums():
    engine = Invision()
    news = demo_forum().forum(2)
    listing = page(f"/forum/{news.forum_id}-{news.slug}/")
    links = engine.thread_links(listing)
    newest = max(news.threads, key=lambda t: t.last_post_at)
    assert (links[0].thread_id, links[0].replies, links[0].last_post_at) == (
        str(newest.thread_id), len(newest.posts) - 1, newest.last_post_at)
    assert engine.forum_links(listing) == [f"{ROOT}/forum/{c.forum_id}-{c.slug}/" for c in news.children]
    assert engine.next_page(listing) == f"{ROOT}/forum/{news.forum_id}-{news.slug}/page/2/"
    assert len(engine.forum_links(page("/"))) == len(demo_forum().forums())  # sub-forums listed on the index too


IPS5_POST = """<!DOCTYPE html><html lang="en-US"><head><title>A question - Example Forum</title></head>
<body data-ips-hook="body" class="ipsApp ipsApp_front " data-pageapp="forums" data-pagecontroller="topic">
<nav class="ipsBreadcrumb ipsBreadcrumb--top" aria-label="Breadcrumbs"><ol class="ipsBreadcrumb__list">
 <li><a title="Home" href="/"><span>Home</span></a></li><li><a href="/forum/3-help/"><span>Help </span></a></li></ol></nav>
<h1 class="ipsPageHeader__title" data-ips-hook="title">A question</h1>
<ul class='ipsPagination' data-ipsPagination-pages="3" data-ipsPagination-perPage='2'>
 <li class='ipsPagination__next'><a href='/topic/9-a-question/page/3/' rel="next" data-page='3'>Next</a></li></ul>
<article data-ips-hook="postWrapper" id="elComment_501" class="ipsEntry js-ipsEntry ipsEntry--post">
 <aside data-ips-hook="topicAuthorColumn" class="ipsEntry__author-column">
  <h3 data-ips-hook="postUsername" class="ipsEntry__username"><a href="/profile/77-kit/">kit</a></h3>
  <div data-ips-hook="postUserGroup" class="ipsEntry__group">Silver Member</div></aside>
 <div id="comment-501_wrap" data-commentid="501"><div class="ipsEntry__post">
  <div class="ipsEntry__meta"><span class="ipsEntry__date"><time datetime='2024-08-26T16:29:31Z'
    class='ipsTime ipsTime--long'><span class='ipsTime__long'>August 26, 2024</span></time></span></div>
  <div data-ips-hook="postContent" class="ipsRichText ipsRichText--user" data-role="commentContent">
   <p>The answer is in the manual.</p>
   <p class='i-color_soft ipsEdited' data-excludequote data-el='edited'><strong>Edited <time
    datetime='2024-08-27T10:00:00Z'>August 27</time> by kit</strong></p></div></div></div>
</article></body></html>"""


def test_ips5_markup():
    doc = extract_html(IPS5_POST, url="https://example.org/topic/9-a-question/page/2/")
    assert doc["engine"] == "invision4"
    assert doc["title"] == "A question" and doc["forum_path"] == ["Help"]
    assert doc["next_page"] == "https://example.org/topic/9-a-question/page/3/"
    (post,) = doc["posts"]
    assert (post["post_id"], post["position"], post["author"], post["author_title"]) == ("501", 3, "kit", "Silver Member")
    assert post["posted_at"] == "2024-08-26T16:29:31+00:00" and post["edited_at"] == "2024-08-27T10:00:00+00:00"
    assert post["text"] == "The answer is in the manual."


def test_advert_inside_a_post_is_not_text():
    html = Invision4Site().handle(f"/topic/{LONG.thread_id}-{LONG.slug}/").bytes().decode("utf-8").replace(
        'data-controller="core.front.core.lightboxedImages">',
        'data-controller="core.front.core.lightboxedImages"><div class="ad" data-nosnippet data-nbEnhAdv="">'
        '<p>Advertisement (gone after <a href="/register/">registration</a>)</p></div>', 1)
    doc = extract_html(html, url=f"{ROOT}/topic/{LONG.thread_id}-{LONG.slug}/")
    assert "Advertisement" not in doc["posts"][0]["text"]


def test_ips5_topic_pages_are_read_like_ips4():
    from fixtures.invision4.ips5 import Invision5Site

    engine, site, read, url = Invision(), Invision5Site(), [], f"/topic/{LONG.thread_id}-{LONG.slug}/"
    while url:
        html = site.handle(url).bytes().decode("utf-8")
        assert "ipsEntry__post" in html and "ipsComment_meta" not in html
        thread = engine.thread(Page.from_html(html, ROOT + url))
        assert thread.title == LONG.title and thread.forum_path == [LONG.forum.title]
        read += thread.posts
        url = thread.next_page[len(ROOT):].split("#")[0] if thread.next_page else None
    assert [(p.post_id, p.position, p.author, p.author_title) for p in read] == \
        [(str(p.post_id), p.position, p.author.name, p.author.title) for p in LONG.posts]
    for got, want in zip(read, LONG.posts):
        assert got.posted_at == want.posted_at and (got.likes or 0) == want.likes
        assert got.edited_at == (want.edited_at.replace(second=0) if want.edited_at else None)
        assert bool(got.signature_html) == bool(want.author.signature) and "Edited" not in got.body_html
