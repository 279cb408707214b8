"""The Reddit engine on comment pages written in new reddit's (shreddit) and old reddit's markup."""
from __future__ import annotations

from datetime import datetime, timezone

from crawler.engines import Page, detect_engine
from crawler.engines.reddit import Reddit
from crawler.extract import extract_html

NEW = """<!DOCTYPE html><html lang="en"><head><title>Best knot for a mooring line? : r/sailing</title></head><body>
<shreddit-app><shreddit-post id="t3_abc123" author="knotty_nora" created-timestamp="2025-03-04T18:58:32.845000+0000"
 post-title="Best knot for a mooring line?" subreddit-prefixed-name="r/sailing" score="42" domain="self.sailing"
 permalink="/r/sailing/comments/abc123/best_knot_for_a_mooring_line/">
 <a href="/r/sailing">r/sailing</a> <a href="/user/knotty_nora/">knotty_nora</a>
 <h1 slot="title">Best knot for a mooring line?</h1>
 <div slot="text-body"><div class="md"><p>Bowline or round turn and two half hitches?</p></div></div>
</shreddit-post>
<shreddit-post id="t3_link77" author="tidewatcher" created-timestamp="2025-03-05T07:00:00+0000" post-title="Harbour dues to rise"
 domain="example.org" score="7"><h1 slot="title">Harbour dues to rise</h1></shreddit-post></shreddit-app></body></html>"""

OLD = """<!DOCTYPE html><html><head><title>Best knot for a mooring line? : sailing</title></head><body>
<div class="side"><span class="redditname"><a href="/r/sailing/">sailing</a></span></div>
<div id="siteTable"><div class=" thing id-t3_abc123 link " data-fullname="t3_abc123" data-type="link" data-author="knotty_nora"
 data-timestamp="1741114712000" data-score="42" data-domain="self.sailing"><div class="entry"><div class="top-matter">
 <p class="title"><a class="title" href="/r/sailing/comments/abc123/best_knot/">Best knot for a mooring line?</a></p>
 <p class="tagline">submitted by <a class="author" href="/user/knotty_nora">knotty_nora</a></p></div>
 <div class="expando"><form><div class="usertext-body"><div class="md"><p>Bowline or round turn and two half hitches?</p></div></div></form></div>
</div></div></div>
<div class="commentarea"><div class="sitetable nestedlisting">
 <div class=" thing id-t1_c1 comment " data-fullname="t1_c1" data-type="comment" data-author="old_salt"><div class="entry">
  <p class="tagline"><a class="author" href="/user/old_salt">old_salt</a> <span class="score">12 points</span>
  <time datetime="2025-03-04T19:34:47+00:00">1 hour ago</time></p>
  <form><div class="usertext-body"><div class="md"><p>Round turn and two half hitches: you can undo it under load.</p></div></div></form></div>
  <div class="child"><div class="sitetable listing">
   <div class=" thing id-t1_c2 comment " data-fullname="t1_c2" data-type="comment" data-author="knotty_nora"><div class="entry">
    <p class="tagline"><a class="author" href="/user/knotty_nora">knotty_nora</a>
    <time datetime="2025-03-04T20:01:00+00:00">50 minutes ago</time></p>
    <form><div class="usertext-body"><div class="md"><p>Thanks, that settles it.</p></div></div></form></div></div>
  </div></div></div>
</div></div></body></html>"""


def test_new_reddit_submissions():
    page = Page.from_html(NEW, "https://www.reddit.com/r/sailing/comments/abc123/best_knot_for_a_mooring_line/")
    engine, _, _ = detect_engine(page)
    assert isinstance(engine, Reddit)
    thread = engine.thread(page)
    assert thread.title == "Best knot for a mooring line?" and thread.forum_path == ["r/sailing"]
    self_post, link_post = thread.posts
    assert (self_post.post_id, self_post.author, self_post.likes) == ("t3_abc123", "knotty_nora", 42)
    assert self_post.posted_at.replace(microsecond=0) == datetime(2025, 3, 4, 18, 58, 32, tzinfo=timezone.utc)
    assert self_post.body_html == "<p>Best knot for a mooring line?</p><p>Bowline or round turn and two half hitches?</p>"
    # a link post says its headline and where it links to
    assert link_post.body_html == "<p>Harbour dues to rise</p><p>example.org</p>"


def test_old_reddit_comment_tree():
    page = Page.from_html(OLD, "https://old.reddit.com/r/sailing/comments/abc123/best_knot/")
    engine, _, _ = detect_engine(page)
    assert isinstance(engine, Reddit)
    thread = engine.thread(page)
    assert thread.forum_path == ["sailing"]
    assert [(p.post_id, p.author) for p in thread.posts] == [("t3_abc123", "knotty_nora"), ("t1_c1", "old_salt"),
                                                            ("t1_c2", "knotty_nora")]
    reply = thread.posts[1]
    assert "undo it under load" in reply.body_html and "settles it" not in reply.body_html  # its own words only
    assert reply.posted_at == datetime(2025, 3, 4, 19, 34, 47, tzinfo=timezone.utc)
    assert engine.canonical_thread_url(page.url + "?sort=top") == "https://old.reddit.com/r/sailing/comments/abc123/"


def test_a_comment_that_quotes_keeps_the_quoted_words():
    # a Markdown `>` quote: the reply's only words may be the quote (of the linked article)
    quoting = OLD.replace("<p>Thanks, that settles it.</p>",
                          "<blockquote><p>Round turn and two half hitches</p></blockquote><p>Thanks, that settles it.</p>")
    doc = extract_html(quoting, url="https://old.reddit.com/r/sailing/comments/abc123/best_knot/")
    reply = doc["posts"][2]
    assert reply["text"] == "Thanks, that settles it."
    assert [(q["author"], q["text"]) for q in reply["quotes"]] == [(None, "Round turn and two half hitches")]
