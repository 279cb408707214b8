"""The Stack Exchange engine on a question page written in Stack Exchange's markup (question,
answers, owner and editor signatures, comments that are no posts)."""
from __future__ import annotations

from datetime import datetime, timezone

from crawler.engines import Page, detect_engine
from crawler.engines.stackexchange import StackExchange
from crawler.extract import extract_html


def _signature(verb: str, when: str, name: str | None, rep: str = "1,204", owner: bool = True) -> str:
    user = (f'<div class="user-details" itemprop="author" itemscope itemtype="http://schema.org/Person">'
            f'<a href="/users/7/{name}">{name}</a><div class="-flair"><span class="reputation-score">{rep}</span></div></div>'
            if name else '<div class="user-details"></div>')
    return (f'<div class="post-signature{" owner" if owner else ""} flex--item"><div class="user-info">'
            f'<div class="user-action-time">{verb} <span title="{when}" class="relativetime">then</span></div>{user}</div></div>')


def _post(kind: str, pid: int, body: str, signatures: str, votes: int) -> str:
    attrs = (f'id="question" class="question js-question" data-questionid="{pid}"' if kind == "q" else
             f'id="answer-{pid}" class="answer js-answer" data-answerid="{pid}" itemprop="suggestedAnswer" '
             f'itemscope itemtype="https://schema.org/Answer"')
    return (f'<div {attrs}><div class="post-layout"><div class="votecell"><div class="js-vote-count" data-value="{votes}">'
            f'{votes}</div><a class="js-post-issue" href="/posts/{pid}/timeline"></a></div>'
            f'<div class="postcell"><div class="s-prose js-post-body" itemprop="text">{body}</div>'
            f'<div class="mt24"><div class="d-flex">{signatures}</div></div></div>'
            f'<div class="comments"><ul><li id="comment-9{pid}" class="comment js-comment"><div class="comment-body">'
            f'<span class="comment-copy">Have you tried turning it off?</span></div></li></ul></div></div></div>')


PAGE = f"""<!DOCTYPE html><html itemscope itemtype="https://schema.org/QAPage" class="html__responsive"><head>
<title>Why does my anchor drag? - Sailing Stack Exchange</title></head><body class="question-page">
<div id="question-header"><h1 itemprop="name"><a href="/questions/412/why-does-my-anchor-drag" class="question-hyperlink">Why does my anchor drag?</a></h1></div>
{_post("q", 412, "<p>Every time the wind shifts the anchor drags.</p>",
       _signature("edited", "2021-05-02 10:00:00Z", "mod_ann", owner=False) + _signature("asked", "2021-05-01 08:30:00Z", "skipper_jo"), 5)}
<div class="post-taglist"><a class="post-tag" href="/questions/tagged/anchoring">anchoring</a></div>
<div id="answers">
{_post("a", 415, "<p>Let out more scope: seven to one in a blow.</p>", _signature("answered", "2021-05-01 09:45:12Z", "old_salt", "30.5k"), 12)}
{_post("a", 420, "<p>Check the bottom on the chart; weed holds badly.</p>", _signature("answered", "2021-05-03 18:00:00Z", None), 0)}
</div></body></html>"""


def test_markdown_quotes_in_answers_are_quotes_not_lost_words():
    quoting = PAGE.replace("<p>Let out more scope: seven to one in a blow.</p>",
                           "<blockquote><p>Scope is the length of rode over the depth.</p></blockquote>"
                           "<p>Let out more scope: seven to one in a blow.</p>")
    answer = extract_html(quoting, url="https://sailing.stackexchange.com/questions/412/why-does-my-anchor-drag")["posts"][1]
    assert answer["text"] == "Let out more scope: seven to one in a blow."
    assert [q["text"] for q in answer["quotes"]] == ["Scope is the length of rode over the depth."]


def test_question_and_answers_are_the_posts():
    page = Page.from_html(PAGE, "https://sailing.stackexchange.com/questions/412/why-does-my-anchor-drag")
    engine, _, _ = detect_engine(page)
    assert isinstance(engine, StackExchange)
    thread = engine.thread(page)
    assert thread.title == "Why does my anchor drag?"
    assert thread.forum_path == ["anchoring"]
    assert thread.thread_id == "412"
    posts = thread.posts
    assert [(p.post_id, p.author, p.author_title, p.likes) for p in posts] == [
        ("412", "skipper_jo", "1,204", 5), ("415", "old_salt", "30.5k", 12), ("420", None, None, 0)]
    assert posts[0].posted_at == datetime(2021, 5, 1, 8, 30, tzinfo=timezone.utc)
    assert posts[0].edited_at == datetime(2021, 5, 2, 10, 0, tzinfo=timezone.utc)  # the editor's signature
    assert posts[1].edited_at is None
    assert all("turning it off" not in p.body_html for p in posts)  # comments are not posts
    assert [p.position for p in posts] == [1, 2, 3]


def test_detect_needs_a_question_page():
    assert StackExchange().detect(Page.from_html(PAGE, "https://example.org/q/412")) >= 0.7
    assert StackExchange().detect(Page.from_html("<html><body><div id='question'>hi</div></body></html>",
                                                 "https://example.org/")) == 0.0


def test_canonical_thread_url_drops_the_slug_and_answer_anchors():
    engine = StackExchange()
    assert engine.canonical_thread_url("https://superuser.com/questions/442960/windows-7?page=2#answer-9") == \
        "https://superuser.com/questions/442960"


def test_next_page_from_the_pagination_block_or_rel_next():
    url = "https://sailing.stackexchange.com/questions/412/why-does-my-anchor-drag"
    assert StackExchange().next_page(Page.from_html(PAGE, url)) is None
    paged = PAGE.replace('<div id="answers">', '<div id="answers"><div class="s-pagination">'
                         '<a class="s-pagination--item" rel="next" href="/questions/412?page=2">Next</a></div>')
    assert StackExchange().next_page(Page.from_html(paged, url)) == "https://sailing.stackexchange.com/questions/412?page=2"
    linked = PAGE.replace("</head>", '<link rel="next" href="/questions/412?page=3"></head>')
    assert StackExchange().next_page(Page.from_html(linked, url)) == "https://sailing.stackexchange.com/questions/412?page=3"


def test_signature_fields_yield_to_overrides_and_the_date_falls_back_to_the_post():
    page = Page.from_html(PAGE, "https://sailing.stackexchange.com/questions/412/why-does-my-anchor-drag")
    posts = StackExchange(overrides={"author": ".//a[contains(@class,'js-post-issue')]/@href"}).thread(page).posts
    assert [p.author for p in posts] == ["/posts/412/timeline", "/posts/415/timeline", "/posts/420/timeline"]
    assert posts[0].author_title == "1,204"  # the fields not overridden still come from the signature
    undated = PAGE.replace('<span title="2021-05-03 18:00:00Z" class="relativetime">then</span>',
                           '<time itemprop="dateCreated" datetime="2021-05-03T18:00:00Z">then</time>')
    last = StackExchange().thread(Page.from_html(undated, page.url)).posts[-1]
    assert last.posted_at == datetime(2021, 5, 3, 18, 0, tzinfo=timezone.utc)
