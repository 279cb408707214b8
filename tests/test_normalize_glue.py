"""The glued-word step on words real forum pages use that look like glue but are not: terms and
names ("semver", "modlog", "allowlist", "dullbananas") and misspellings ("marketars"), next to
the glue it must still repair."""
import pytest

import normalize
from normalize.fixlog import Context
from normalize.glue import split_glued_words, split_token, vocabulary
from normalize.model import RawPost


def _glue(text: str, known: frozenset[str] = frozenset()) -> str:
    return split_glued_words(text, Context(lang="en", known_names=known))


@pytest.mark.parametrize("token,expected", [
    ("arguedthat", "argued that"), ("sitefrom", "site from"), ("formovie", "for movie"),
    ("regurgitationof", "regurgitation of"), ("walnutboard", "walnut board"), ("aboutthis", "about this"),
])
def test_glue_is_still_split(token, expected):
    assert split_token(token, vocabulary("en"), "en") == expected


@pytest.mark.parametrize("token", [
    "semver", "modlog", "gnucash", "refcounting",  # a three-letter half beside a content word: a term
    "marketars", "causalties", "discused", "sholders",  # one letter from a word: misspelt, not glued
    "cutdowns", "clickbaiting",  # a known word with an ending
])
def test_terms_and_misspellings_are_not_split(token):
    assert split_token(token, vocabulary("en"), "en") is None


def test_real_page_sentences_keep_their_words():
    # 0504, 0526, 0573 of the wcxb-forum-dev corpus (sentences reworded, same words)
    for text in ("Raising the MSRV is rarely treated as a semver breaking change.",
                 "Most successful marketars who earn real money buy traffic.",
                 "Add modlog entries for bulk removals."):
        assert _glue(text) == text


def test_a_name_on_a_line_by_itself_or_between_colons_is_not_split():
    text = ("Contributors this month:\n\n## dullbananas\n\n- Apply the post limit to scheduled posts\n\n"
            "Great :biggrin: thanks")
    assert _glue(text) == text
    assert _glue("the dullbananas patch landed") == "the dull bananas patch landed"  # running text: glue


def test_a_token_the_post_writes_again_in_another_form_is_a_name():
    text = "I cannot follow the openbeta topics (mail openbeta@community.example.org)."
    assert _glue(text) == text
    text = "use an allowlist of servers, or allowlists per instance"
    assert _glue(text) == text


def test_thread_names_match_whatever_the_case_or_plural():
    posts = ["<p>You can use an allowlist of servers for voting.</p>",
             "<p>Maintaining allowlists for every instance is work.</p>",
             "<p>SemVer says nothing about that.</p>"]
    known = normalize.shared_words(posts) | normalize.thread_names(["Does SemVer cover the MSRV?"])
    first = normalize.clean_post(RawPost("1", posts[0]), detect_language=False, known_names=known).text
    assert "allowlist of servers" in first
    assert _glue("a semver breaking change", known) == "a semver breaking change"


def _clean_html(html: str) -> normalize.CleanPost:
    return normalize.clean_post(RawPost("1", html))


_SENTENCE = " when the committee met again to talk about the budget for next year."


@pytest.mark.parametrize("html,expected", [
    ("We read the<a href='/r'>report</a>yesterday", "We read the report yesterday"),
    ("It was said to<a href='/r'>Reuters</a>", "It was said to Reuters"),
    ("See<a href='/t'>this</a>", "See this"),
    ("Ask on<a href='/so'>Stack</a>Overflow", "Ask on StackOverflow"),  # a name inside: only its outer edge
])
def test_a_word_glued_to_a_link_is_split_at_the_link_edge(html, expected):
    post = _clean_html(html + _SENTENCE)
    assert post.text == expected + _SENTENCE
    glue = [f for f in post.fixes if f.kind == "glue"]
    assert len(glue) == 1 and glue[0].after in expected  # logged as the glue step logs its splits


@pytest.mark.parametrize("html", [
    "Two <a href='/p'>iPhone</a>s", "the <a href='/g'>Google</a>'s maps", "please re<a href='/p'>port</a> it",
    "on Wiki<a href='/w'>pedia</a>", "a <a href='/p'>Python</a>ic way", "the <a href='/b'>book</a>mark",
    "see<a href='/u'>https://example.org/page</a> now", "version<a href='/v'>2</a> now",
])
def test_a_link_inside_a_word_or_an_address_is_left_alone(html):
    post = _clean_html(html + _SENTENCE)
    assert not [f for f in post.fixes if f.kind == "glue"], post.text


def test_link_edges_in_compounds_and_scripts_without_spaces_are_left_alone():
    german = ("Ich bin gestern den Fahrrad<a href='/w'>weg</a> am Fluss entlang gefahren, "
              "wie es in der<a href='/z'>Zeitung</a> stand, und es war wirklich sehr schön.")
    post = _clean_html(german)
    assert post.lang == "de"
    assert "Fahrradweg" in post.text and "der Zeitung" in post.text  # a capital after a word is case glue
    chinese = "我昨天在<a href='/x'>网站</a>上看到了这个消息，真的很有意思。我们明天再讨论这个问题吧。"
    assert _clean_html(chinese).text == "我昨天在网站上看到了这个消息，真的很有意思。我们明天再讨论这个问题吧。"


def test_a_word_the_post_also_writes_without_a_link_is_a_name():
    post = _clean_html("<a href='/t'>The</a>Register reported it, as TheRegister always does" + _SENTENCE)
    assert "TheRegister reported" in post.text
