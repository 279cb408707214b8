"""The generic engine: posts of forums no engine knows, from schema.org microdata (the fixture
forum) or from the page's structure (repeated records with an author and a date)."""
from __future__ import annotations

import re

import pytest

from crawler.engines import DETECT_THRESHOLD, Page, detect_engine
from crawler.engines.generic import DETECTED, INDEX_DETECTED, Generic
from fixtures.content import demo_forum
from fixtures.server import make_site
from tests.fixture_pages import BASE
from tests.test_not_a_forum import LOGIN_WALL

SITE = make_site("generic")

# a custom forum without microdata: table rows, author links to /u/NAME, text dates, signatures
STRUCTURE_ONLY = """<html><head><title>Is my mast step rotten? - Dockside Talk</title></head><body>
<div id="top"><a href="/">Dockside Talk</a> | <a href="/login">Log in</a></div>
<div class="crumbs"><a href="/">Index</a> &gt; <a href="/f/3">Repairs</a></div>
<h1>Is my mast step rotten?</h1>
<div class="thread">
 <div class="entry" id="e881"><div class="who"><a href="/u/kestrel">kestrel</a><br><span class="rank">Deckhand</span></div>
  <div class="when">Posted 3 March 2021, 14:05</div>
  <div class="content">The step under the mast has gone soft and dark around the bolts. I pushed a screwdriver in and it
   went nearly a centimetre. Is this the end of the boat or a winter job?</div>
  <div class="sig">-- kestrel, Solent</div></div>
 <div class="entry" id="e882"><div class="who"><a href="/u/bosun_bill">bosun_bill</a><br><span class="rank">Old hand</span></div>
  <div class="when">Posted 3 March 2021, 16:40</div>
  <div class="content"><blockquote><div>kestrel wrote:</div>went nearly a centimetre</blockquote>
   That is rot, but it is a winter job. Cut back to sound wood, epoxy a new block in, and glass over it.</div></div>
 <div class="entry" id="e883"><div class="who"><a href="/u/marlin">marlin</a><br><span class="rank">Deckhand</span></div>
  <div class="when">Posted 4 March 2021, 09:12</div>
  <div class="content">Check the keel bolts while you are there, the water that rotted the step went somewhere.</div></div>
</div>
<div class="foot"><a href="/rules">Rules</a> <a href="/contact">Contact</a></div></body></html>"""


def _page(path: str) -> Page:
    return Page.from_html(SITE.handle(path).bytes().decode(), BASE + path)


def test_microdata_posts_with_every_field():
    thread = demo_forum().thread(107)
    page = _page(f"/discussion/107-{thread.slug}")
    result = Generic().thread(page)
    assert result.title == thread.title
    assert result.forum_path == ["Home", "General", "Boats & Gardens"]
    assert result.next_page == BASE + f"/discussion/107-{thread.slug}?page=2"
    assert [p.post_id for p in result.posts] == [str(p.post_id) for p in thread.posts[:5]]
    for got, want in zip(result.posts, thread.posts):
        assert (got.author, got.author_title, got.position) == (want.author.name, want.author.title, want.position)
        assert got.author_url == BASE + f"/people/{want.author.user_id}"
        assert got.posted_at == want.posted_at
        assert got.edited_at == want.edited_at
        assert got.likes == want.likes
        assert bool(got.signature_html) == bool(want.author.signature)
        assert "signature" not in got.body_html and "wrote:" not in got.body_html
        if want.quote_of:
            assert [(q.author, q.post_id) for q in got.quotes] == [(want.quote_of.author.name, str(want.quote_of.post_id))]


def test_german_text_dates_are_read_in_utc():
    thread = demo_forum().thread(110)
    posts = Generic().thread(_page(f"/discussion/110-{thread.slug}")).posts
    assert [p.posted_at for p in posts] == [p.posted_at for p in thread.posts]
    assert posts[0].posted_at_raw.endswith(f"{thread.posts[0].posted_at:%Y, %H:%M}")


def test_posts_found_by_structure_alone():
    page = Page.from_html(STRUCTURE_ONLY, "https://dockside.example/t/77-mast-step")
    engine, score, _ = detect_engine(page)
    assert engine is not None and engine.name == "generic" and score == DETECTED
    result = engine.thread(page)
    assert result.title == "Is my mast step rotten?"
    assert [(p.post_id, p.author) for p in result.posts] == [("881", "kestrel"), ("882", "bosun_bill"), ("883", "marlin")]
    assert result.posts[0].posted_at.isoformat() == "2021-03-03T14:05:00+00:00"
    first, second = result.posts[0], result.posts[1]
    assert "screwdriver" in first.body_html and "kestrel" not in first.body_html and "Posted" not in first.body_html
    assert first.signature_html and "Solent" in first.signature_html and "Solent" not in first.body_html
    assert [q.author for q in second.quotes] == ["kestrel"] and "centimetre" not in second.body_html


@pytest.mark.parametrize("quote", [
    # permies.com (JForum): the <cite> header inside the quoted paragraph
    "<blockquote><p><cite>kestrel wrote:</cite>went nearly a centimetre</p></blockquote>",
    # The Student Room: a React quote container, "Original post by X" beside the quoted words
    '<div data-testid="quote-container"><svg></svg><div><span><div><div role="link">Original post</div> by kestrel'
    '</div></span><div>went nearly a centimetre</div></div></div>',
    # Warrior Forum (vBulletin quotes in a custom skin): "Originally Posted by <strong>X</strong>" in a table
    '<div class="VBEditorContent-quote"><table><tr><td><div>Originally Posted by <strong>kestrel</strong> '
    '<a href="#post881"><img alt="View Post"></a></div><div>went nearly a centimetre</div></td></tr></table></div>',
    # GameFAQs: "X posted..." in a <cite> above the quote, a line break between
    '<cite data-quote-id="881">kestrel posted... </cite><br><blockquote>went nearly a centimetre</blockquote>',
])
def test_quote_markups_give_the_quoted_author_and_words(quote):
    quoted = STRUCTURE_ONLY.replace("<blockquote><div>kestrel wrote:</div>went nearly a centimetre</blockquote>", quote)
    second = Generic().thread(Page.from_html(quoted, "https://dockside.example/t/77-mast-step")).posts[1]
    assert [q.author for q in second.quotes] == ["kestrel"]
    html = second.quotes[0].html
    assert "went nearly a centimetre" in html and not re.search("wrote|Original", html)
    assert "centimetre" not in second.body_html and "winter job" in second.body_html
    assert "posted" not in second.body_html


# a site menu (a block of links) above an opening post styled apart from its replies, names as plain text
_REPLY = '<div class="reply"><div class="head"><div>{who}</div><div>{when}</div></div><div class="text">{text}</div></div>'
MENU_ABOVE = f"""<html><body><div><header><nav>{" ".join(f'<a href="/topics/{n}">Parenting topic number {n}</a>'
                                                          for n in range(30))}</nav></header></div>
<div class="opening"><div class="head"><div>Mod Sharon</div><div>28/11/2025 at 7:07 pm</div></div>
 <div class="text"><p>We would love to hear your thoughts. If you have ever thought about working in early years
 nurseries, preschool or childcare roles, what would make you consider it, and what would put you off?</p></div></div>
{_REPLY.format(who="Judith C", when="28/11/2025 at 7:16 pm", text="The answer for me would be no, the pay is too low.")}
{_REPLY.format(who="Otterlie B", when="28/11/2025 at 7:22 pm", text="I did work in childcare once and I loved it.")}
{_REPLY.format(who="Indi I", when="28/11/2025 at 7:28 pm", text="I would love a career working with the little ones.")}
</body></html>"""


def test_an_opening_post_below_a_site_menu():
    posts = Generic().thread(Page.from_html(MENU_ABOVE, "https://www.netmums.com/coffeehouse/1-early-years")).posts
    assert "love to hear your thoughts" in posts[0].body_html and "Parenting topic" not in posts[0].body_html
    assert [p.author for p in posts[1:]] == ["Judith C", "Otterlie B", "Indi I"]


def _records_page(title: str, record: str, rows: list[tuple[str, ...]], fields: tuple[str, ...]) -> str:
    """A page headed `title` with one `record` (a template) a row: the row's fields by name, {n} its number."""
    return (f"<html><body><h1>{title}</h1>"
            + "".join(record.format(n=n, **dict(zip(fields, row))) for n, row in enumerate(rows, 1))
            + "</body></html>")


# Wall Street Oasis (Drupal forum): the post's wrapper holds its text and a footer of links and votes
_WSO = ('<div class="post-wrap"><div class="post-head"><a href="/user/{n}">{who}</a> <span>Jun {n}, 2024</span></div>'
        '<div class="post-body__outer-wrapper"><div class="comment-content"><p>{text}</p></div>'
        '<div class="post-footer__outer-wrapper"><a href="/login">Reply</a> <a href="/login">Quote</a> '
        '<a href="/login">Report</a> <a href="/login">Other</a> <span>- 3 -</span></div></div></div>')
WSO = _records_page("Is consulting worth it?", _WSO, [
    ("AtlanG", "I am doing my Bachelor's in IT and wonder whether consulting is worth the hours it takes."),
    ("DrApeman", "Worth it, as long as you know what you want out of it and leave before it burns you out."),
    ("padam", "A note on work-life balance in the DACH region: it is notably worse than in other offices."),
], ("who", "text"))


def test_a_post_footer_inside_the_body_wrapper_is_left_out():
    posts = Generic().thread(Page.from_html(WSO, "https://www.wallstreetoasis.com/forum/consulting/x")).posts
    assert [p.author for p in posts] == ["AtlanG", "DrApeman", "padam"]
    assert "Bachelor" in posts[0].body_html
    assert all("Reply" not in p.body_html and "Other" not in p.body_html for p in posts)


# Fine Woodworking: the question and its comments in one <main>, the question's byline above its body
_ANSWER = ('<li class="comment"><div class="comment-copy"><a class="author" href="/profile/{who}">{who}</a> '
           '<time datetime="{when}">{when}</time><p>{text}</p></div></li>')
QUESTION_AND_COMMENTS = f"""<html><body><main><h1>How did you get started?</h1>
<div class="question__header"><div class="question__info"><a class="author" href="/profile/Fitzg">Fitzg</a>
 | Posted in <a href="/forum/general">General Discussion</a> on <time datetime="2006-02-24T02:01:00">February 24, 2006</time>
</div></div>
<div class="question__body"><p>I am interested to know how people get into woodworking as a hobby. I have done a lot
 of home improvement work such as crown molding and building a deck, so I have a circular saw and a miter saw.</p></div>
<ol class="comments">
{_ANSWER.format(who="BMilton", when="2006-02-24T09:00:00", text="I started as a college student with expensive taste in furniture.")}
{_ANSWER.format(who="Napie", when="2006-02-24T11:30:00", text="Great question! My grandfather had a shop in the barn.")}
</ol></main></body></html>"""


def test_a_question_whose_block_holds_its_comments_too():
    posts = Generic().thread(Page.from_html(QUESTION_AND_COMMENTS, "https://www.finewoodworking.com/forum/x")).posts
    assert [p.author for p in posts] == ["Fitzg", "BMilton", "Napie"]
    assert "crown molding" in posts[0].body_html and "college student" not in posts[0].body_html
    assert posts[0].posted_at.isoformat() == "2006-02-24T02:01:00+00:00"


# a story above its comment tree, as Slashdot shows it: the submitter named in the story's text, replies
# that the site collapsed ("comment oneline") show their author but no date
_COMMENT = ('<li class="comment {state}"><div class="cw" id="comment_{n}"><div class="details">by <a href="/~{who}">{who}</a>'
            '{when}</div><div class="commentBody">{text}</div></div></li>')
STORY = f"""<html><head><title>Kernel in C++? - Slashdot</title></head><body>
<article class="story"><header><h2>A six year old discussion is back</h2><span>Posted by msmash
 <time>on Friday January 12, 2024 @11:40AM</time></span></header>
 <div class="body"><div class="p"><a href="/~serviscope">serviscope</a> shares a post: A six year old Linux kernel
 mailing list discussion has been reignited over the prospects of converting the Linux kernel to supporting modern
 C++ code, with patches that began the conversion back in 2018 and a long thread of opinions since.</div></div>
</article><ul class="comments">
{_COMMENT.format(state="full contain", n=1, who="david", when=' <span class="otherdetails">on Friday January 12, 2024 @11:45AM</span>',
                 text="The problems with C++ are pretty well known, and a rewrite is a poor return on investment.")}
{_COMMENT.format(state="oneline", n=2, who="flatulus", when="", text="Hear hear! Assembler and C are plenty for me.")}
{_COMMENT.format(state="full contain", n=3, who="caseih", when=' <span class="otherdetails">on Friday January 12, 2024 @12:10PM</span>',
                 text="There was a fascinating talk on using C++ for embedded kernels a few years ago.")}
{_COMMENT.format(state="oneline", n=4, who="John Allsup", when="", text="I love using Qt from Python for small simple apps.")
   .replace('href="/~John Allsup"', 'href="/~John+Allsup"')}
<li class="comment oneline"><div class="cw" id="comment_5"><div class="details"><span class="by"><span class="byby">by </span>Anonymous Coward</span></div>
 <div class="commentBody">It is not bloated. It is just unreadable: three thousand odd files to hold in your head.</div></div></li>
</ul></body></html>"""


def test_a_story_above_a_comment_tree_with_collapsed_replies():
    posts = Generic().thread(Page.from_html(STORY, "https://linux.slashdot.org/story/24/01/12/1")).posts
    # a name with a space is a "+" in its profile link ("/~John+Allsup"); an anonymous reply is named
    # by its byline alone, with no link
    assert [p.author for p in posts[1:]] == ["david", "flatulus", "caseih", "John Allsup", "Anonymous Coward"]
    assert "three thousand odd files" in posts[5].body_html and "Anonymous" not in posts[5].body_html
    assert "six year old Linux kernel" in posts[0].body_html
    assert "Hear hear!" in posts[2].body_html and posts[2].posted_at is None


def test_detect_scores_below_every_specific_engine_and_never_claims_walls():
    thread_page = _page("/discussion/109-rigging-questions")
    assert DETECT_THRESHOLD < Generic().detect(thread_page) == DETECTED < 0.6
    assert DETECT_THRESHOLD <= Generic().detect(_page("/")) < DETECTED  # the index: links, no posts
    wall = Page.from_html(LOGIN_WALL, "https://forum.example.org/topic/12")
    assert Generic().detect(wall) == 0.0
    article = Page.from_html("<html><body><h1>Tide tables</h1><p>" + "High water is at noon. " * 40 + "</p></body></html>",
                             "https://tides.example/")
    assert Generic().detect(article) == 0.0


def test_index_pages_give_boards_and_threads():
    engine = Generic()
    index = _page("/")
    assert not engine.is_thread_page(index)
    forums = engine.forum_links(index)
    assert BASE + "/board/2-news-politics" in forums and BASE + "/board/5-world-news" in forums
    assert not any("/login" in u or "/register" in u for u in forums)
    board = _page("/board/3-boats-gardens")
    threads = [link.url for link in engine.thread_links(board)]
    assert BASE + "/discussion/107-winter-maintenance-log-long-thread" in threads
    assert engine.canonical_thread_url(threads[0] + "?page=3") == threads[0]


def test_a_per_site_post_selector_replaces_the_search():
    page = Page.from_html(STRUCTURE_ONLY, "https://dockside.example/t/77-mast-step")
    engine = Generic(overrides={"post": "div.entry", "post_id": "@id", "author": ".who a", "body": ".content",
                                "author_title": ".rank", "date_text": ".when"})
    posts = engine.thread(page).posts
    assert [(p.author, p.author_title) for p in posts] == [("kestrel", "Deckhand"), ("bosun_bill", "Old hand"),
                                                          ("marlin", "Deckhand")]


QA_JSONLD = """<html><head><title>How do I stop a halyard slapping?</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "QAPage", "mainEntity": {
  "@type": "Question", "@id": "https://qa.example/q/41", "name": "How do I stop a halyard slapping?",
  "text": "Every night at anchor the halyard slaps the mast.\\n\\nWhat do people do about it?",
  "author": {"@type": "Person", "name": "nightwatch", "url": "https://qa.example/u/9"},
  "dateCreated": "2022-06-01T21:10:00Z",
  "acceptedAnswer": {"@type": "Answer", "@id": "https://qa.example/a/77", "text": "Tie it off to a shroud with a bungee.",
    "author": {"@type": "Person", "name": "rigger"}, "dateCreated": "2022-06-01T22:00:00Z", "upvoteCount": 12},
  "suggestedAnswer": [{"@type": "Answer", "@id": "https://qa.example/a/78", "text": "A halyard hanger works too.",
    "author": "deckhand", "dateCreated": "2022-06-02T07:30:00Z", "upvoteCount": 3}]}}</script></head>
<body><div id="app"><h1>How do I stop a halyard slapping?</h1><p>Loading answers...</p></div></body></html>"""


def test_posts_from_json_ld_when_the_page_renders_none():
    page = Page.from_html(QA_JSONLD, "https://qa.example/q/41")
    posts = Generic().thread(page).posts
    assert [(p.post_id, p.author, p.likes) for p in posts] == [("41", "nightwatch", None), ("77", "rigger", 12),
                                                                ("78", "deckhand", 3)]
    assert posts[0].body_html == "<p>Every night at anchor the halyard slaps the mast.</p><p>What do people do about it?</p>"
    assert posts[0].author_url == "https://qa.example/u/9"
    assert posts[1].posted_at.isoformat() == "2022-06-01T22:00:00+00:00"


THREAD_LIST = """<html><head><title>Repairs - Dockside Talk</title></head><body><h1>Repairs</h1><table class="topics">""" + "".join(
    f'<tr class="topic"><td><a class="title" href="/t/{n}-mast-step-question-number-{n}">Mast step question number {n} '
    f'and what to do about the soft wood under it</a></td><td>by <a href="/u/user{n}">user{n}</a></td>'
    f'<td class="last">3 March 2021, 14:0{n}</td><td><a href="/u/last{n}">last{n}</a></td></tr>' for n in range(1, 8)) + \
    "</table></body></html>"


def test_a_thread_list_is_no_thread():
    page = Page.from_html(THREAD_LIST, "https://dockside.example/f/3-repairs")
    engine = Generic()
    assert not engine.is_thread_page(page)
    assert engine.detect(page) == INDEX_DETECTED
    assert [link.url for link in engine.thread_links(page)][:2] == ["https://dockside.example/t/1-mast-step-question-number-1",
                                                                   "https://dockside.example/t/2-mast-step-question-number-2"]


# Quora: every block is a div.q-box (utility classes beside it), so the page's wrapper can be of the
# records' kind; a CSS class "qu-userSelect--text" is no user; an answer's date is "3y" in
# a.answer_timestamp, the only hint its class gives
_QBOX = ('<div class="q-box qu-pt--medium"><div class="q-box qu-flex"><a class="q-box" href="/profile/{who}">{who}</a> · '
         '<a class="q-box answer_timestamp" href="/answer/{n}">{age}</a></div>'
         '<div class="q-box qu-text"><p>{text}</p></div></div>')
QBOX_ANSWERS = """<html><body><div><div class="q-box qu-pt--medium"><a href="/">Skip to content</a> <a href="/login">Sign In</a>
<span class="q-box qu-userSelect--text">Was 1963 that cold?</span>
<div>""" + "".join(_QBOX.format(n=n, who=who, age=age, text=text) for n, (who, age, text) in enumerate([
    ("Greg-Kemnitz", "3y", "It was. The sea froze along the coast of Kent and the ground stayed hard until March."),
    ("Mats-Andersson", "1y", "Thanks for the A2A. It was far worse than the winters people remember as bad ones."),
    ("Ben-Michael", "2y", "Yes. Around the country the snow lay for over sixty days, a record that still stands."),
], 1)) + """</div><div class="q-box"><a href="/about">About</a> · <a href="/careers">Careers</a></div></div></div></body></html>"""


def test_answers_dated_only_by_their_class_and_no_post_for_the_page_wrapper():
    page = Page.from_html(QBOX_ANSWERS, "https://www.quora.com/Was-the-winter-of-1963-really-that-cold")
    posts = Generic().thread(page).posts
    assert [p.author for p in posts] == ["Greg-Kemnitz", "Mats-Andersson", "Ben-Michael"]
    assert "sea froze" in posts[0].body_html and "Sign In" not in posts[0].body_html
    assert posts[0].posted_at_raw == "3y"


# Quora again: an answer shows cut short ("… Continue Reading") with its whole text in a hidden block
# after the preview; a short answer's preview is its whole text, with the button all the same
_CUT = ('<div class="q-box qu-text"><div class="q-relative"><div class="q-box qu-overflow--hidden" style="max-height: 300px;">'
        '<p>{shown}</p><div class="q-box qu-cursor--pointer">Continue Reading</div></div></div>'
        '<div class="q-box qu-display--none"><p>{whole}</p></div></div>')
_LONG = ("It was. The sea froze along the coast of Kent and the ground stayed hard until March.",
         " Farmers lost whole flocks in the drifts on the downs, and the trains stopped for days.")
QBOX_CUT = QBOX_ANSWERS.replace(
    f'<div class="q-box qu-text"><p>{_LONG[0]}</p></div>',
    _CUT.format(shown=_LONG[0] + " Farmers lost who", whole="".join(_LONG))).replace(
    '<div class="q-box qu-text"><p>Yes. Around the country the snow lay for over sixty days, a record that still stands.</p></div>',
    _CUT.format(shown="Yes. Around the country the snow lay for over sixty days, a record.",
                whole="Yes. Around the country the snow lay for over sixty days, a record."))


def test_an_answer_cut_short_with_its_whole_text_hidden_is_read_once_whole():
    posts = Generic().thread(Page.from_html(QBOX_CUT, "https://www.quora.com/Was-the-winter-of-1963-really-that-cold")).posts
    assert [p.author for p in posts] == ["Greg-Kemnitz", "Mats-Andersson", "Ben-Michael"]
    assert posts[0].body_html.count("sea froze") == 1 and "trains stopped for days" in posts[0].body_html
    assert posts[2].body_html.count("snow lay") == 1
    assert not [p for p in posts if "Continue Reading" in p.body_html or "who</p>" in p.body_html]


# Wall Street Oasis: JSON-LD gives the question cut after its second sentence, the page shows it whole
# in a block without a date of its own; each author box holds the profile link and the user's badge
_BOX = ('<div class="author-details"><a class="username" href="/user/{n}">{who}</a> '
        '<a href="/status-key" title="Consulting"><span>CO</span></a></div>')
WSO_JSONLD = ("""<html><head><script type="application/ld+json">{"@type": "QAPage", "mainEntity": {"@type": "Question",
 "text": "Dear fellow monkeys, I am doing my Bachelor's in IT. I also focus on one goal and try everything to reach it.",
 "author": {"@type": "Person", "name": "AtlanG"}, "dateCreated": "2023-08-13 13:21"}}</script></head><body>
<article class="node-forum"><h1>Consulting - is it worth it?</h1>""" + _BOX.format(n=1, who="AtlanG") + """
<div class="content"><div class="formatted-text"><p>Dear fellow monkeys, I am doing my Bachelor's in IT. I also focus on
 one goal and try everything to reach it. My goal is MBB since this is what I figured would be the pinnacle.</p>
<p>Would you go into consulting again if you had to start over?</p></div></div></article>"""
              + "".join(f'<div class="post-wrap">{_BOX.format(n=n, who=who)}<span class="post-when" title="Aug {n}, 2023">{n}y'
                        f'</span><div class="comment-content"><p>{text}</p></div></div>' for n, (who, text) in enumerate([
                            ("DrApeman", "Worth it, as long as you know what you want out of it and leave in time."),
                            ("padam", "A note on work-life balance in the DACH region: it is notably worse there."),
                        ], 2)) + "</body></html>")


def test_an_opening_post_cut_short_in_json_ld_is_read_whole_from_the_page():
    posts = Generic().thread(Page.from_html(WSO_JSONLD, "https://www.wallstreetoasis.com/forum/consulting/x")).posts
    assert [p.author for p in posts] == ["AtlanG", "DrApeman", "padam"]  # the name, not "DrApeman CO"
    assert "pinnacle" in posts[0].body_html and "start over" in posts[0].body_html
    assert posts[0].posted_at.isoformat() == "2023-08-13T13:21:00+00:00"


# Permies: the name is plain text in div.name (no profile link for guests); the rank beside it sits in
# a class that says "user" too ("userRankStatus": "pollinator"; above the name here) and is no name
_PERMIES = ('<div class="postItem"><div class="lcontent"><div class="status userRankStatus">pollinator</div>'
            '<div class="name"><span title="You must login">{who}</span></div><div class="posts">Posts: 4958</div></div>'
            '<div class="rcontent"><span class="postdate"><span title="Sep {n}, 2019 05:07:00">posted 6 years ago</span></span>'
            '<div class="postBody">{text}</div></div></div>')
PERMIES = _records_page("A year in a tiny house", _PERMIES, [
    ("Travis Johnson", "So, what is life really like in a tiny house? For the past year, we have found out."),
    ("Kathleen Sanderson", "Travis, what are the dimensions of your tiny house? Some relatives of mine had four children."),
    ("Travis Johnson", "Our current tiny house is 18 x 22 feet, while my first one in 1994 was 24 x 24 feet."),
], ("who", "text"))


def test_a_user_rank_is_no_author_name():
    posts = Generic().thread(Page.from_html(PERMIES, "https://permies.com/t/123270/tiny-house")).posts
    assert [p.author for p in posts] == ["Travis Johnson", "Kathleen Sanderson", "Travis Johnson"]


# Warrior Forum: the replies are schema.org Comments, the question above them carries no microdata;
# its byline sits in the thread's <header>, a level above the block that holds question and replies
_COMMENT_ITEM = ('<div class="DiscussionBoard-content" itemscope itemtype="http://schema.org/Comment">'
                 '<span itemprop="author" itemscope itemtype="http://schema.org/Person"><a itemprop="url" '
                 'href="/members/{who}.html"><span itemprop="name">{who}</span></a></span>'
                 '<meta itemprop="dateCreated" content="2024-05-28T1{n}:24:43Z"><div itemprop="text">{text}</div></div>')
MICRODATA_REPLIES = """<html><body><main><article class="ThreadView"><header><h1>Will this simple method work?</h1>
<div class="ThreadView-author-group">by <a href="/members/Shancock.html">Shancock</a></div>
<time class="ThreadView-published">Posted: May 27, 2024</time></header>
<div class="ThreadView-content"><div id="main-post" class="ThreadView-post">Could it be as simple as finding a product with
 medium gravity, using the landing pages the affiliate page provides, and running ads on a cheap domain?</div>
<div class="replies">""" + "".join(_COMMENT_ITEM.format(n=n, who=who, text=text) for n, (who, text) in enumerate([
    ("spartan14", "It is an old classic method that will work for many years, but it became competitive."),
    ("cooler1", "It is possible that the method could work in 2024, but it is difficult for various reasons."),
], 1)) + "</div></div></article></main></body></html>"


def test_an_opening_post_without_microdata_above_microdata_replies():
    posts = Generic().thread(Page.from_html(MICRODATA_REPLIES, "https://www.warriorforum.com/beginners-area/1-x.html")).posts
    assert [p.author for p in posts] == ["Shancock", "spartan14", "cooler1"]
    assert "medium gravity" in posts[0].body_html and "classic method" not in posts[0].body_html
    assert posts[0].posted_at.isoformat() == "2024-05-27T00:00:00+00:00"


def test_a_reply_shown_to_members_only_is_no_post():
    walled = _WSO.format(n=4, who="hmmmmmph", when="Jun 4, 2024", text=(
        'Fugit incidunt id sit et.</p><h2>See All Comments - 100% Free</h2><form action="/register">'
        '<input type="email" name="mail" placeholder="Type your email address"><input type="submit" value="Unlock"></form><p>'))
    page = Page.from_html(WSO.replace("</body>", walled + "</body>"), "https://www.wallstreetoasis.com/forum/consulting/x")
    assert [p.author for p in Generic().thread(page).posts] == ["AtlanG", "DrApeman", "padam"]


# Cookshack (Hivebrite): the author box starts with an avatar drawn in <svg> that prints the initials
_SVG_AVATAR = ('<div class="post-box"><div class="post-author"><span class="circle-avatar"><svg viewBox="0 0 10 10"><text>{ini}</text>'
               '</svg></span>{who}</div><time datetime="2019-04-0{n}T10:00:00Z">Apr {n}, 2019</time>'
               '<div class="post-body">{text}</div></div>')
SVG_AVATARS = _records_page("Catering tips", _SVG_AVATAR, [
    ("FM", "Former Member", "Here is an idea to increase your tips: a line item called discretionary gratuity."),
    ("MH", "mnhogfarmer", "That is a great idea! Clients rarely think of tipping the caterer on their own."),
], ("ini", "who", "text"))


def test_an_avatars_initials_are_not_part_of_the_name():
    posts = Generic().thread(Page.from_html(SVG_AVATARS, "https://forum.cookshack.com/topic/catering-tips")).posts
    assert [p.author for p in posts] == ["Former Member", "mnhogfarmer"]
