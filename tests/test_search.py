"""Search on SQLite (FTS5) and PostgreSQL (tsvector): the same posts found for the same words,
filters, the query language, highlighted snippets, articles, and near-duplicates hidden by --unique."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import text

import db
from db.duplicates import MIN_WORDS
from tests.test_store import db_url, demo_records, store  # noqa: F401 (fixtures)

# typical queries, and the engine post ids each must find on either database
QUERIES = ["antifouling", "harbour wall", '"bilge pump"', "mooring OR antifouling", "press -ministry",
           "Winter maintenance"]


def _engine_ids(store: db.Store, hits: list[dict]) -> set[str]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, engine_post_id FROM posts")).all()
    by_id = dict(rows)
    return {by_id[h["id"]] for h in hits}


def _containing(records, *words: str, without: str | None = None) -> set[str]:
    def has(r, w):
        return w.lower() in f"{r.clean_text} {r.thread_title}".lower()
    return {r.post_id for r in records if all(has(r, w) for w in words) and not (without and has(r, without))}


def _with(records, word: str) -> list:
    return [r for r in records if word in r.clean_text.lower().replace(".", " ").split()]


@pytest.fixture
def filled(store: db.Store) -> db.Store:
    store.write_posts(demo_records())
    return store


def test_typical_queries_find_exactly_the_posts_with_those_words(filled):
    records = demo_records()
    expected = {
        "antifouling": _containing(records, "antifouling"),
        "harbour wall": _containing(records, "harbour", "wall"),
        '"bilge pump"': _containing(records, "bilge pump"),
        "mooring OR antifouling": _containing(records, "mooring") | _containing(records, "antifouling"),
        "press -ministry": _containing(records, "press", without="ministry"),
        "Winter maintenance": _containing(records, "winter", "maintenance"),
    }
    for query in QUERIES:
        assert expected[query], query
        hits = filled.search(query, limit=500)
        assert _engine_ids(filled, hits) == expected[query], query


def test_hits_are_ranked_and_carry_highlighted_snippets(filled):
    hits = filled.search("antifouling", limit=3)
    assert len(hits) == 3
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    for hit in hits:
        assert "**antifouling**" in hit["snippet"].lower()
        assert {"id", "title", "author", "posted_at", "lang", "url", "snippet"} <= set(hit)
        assert hit["posted_at"].tzinfo is not None


def test_snippets_mark_where_the_text_was_cut_and_title_matches_show_the_post_s_start(filled):
    # On PostgreSQL ts_headline marked no cut ("…the envoy … can still" read as the whole post),
    # dropped words before the first match without saying so, and gave a post matched by its
    # thread's title only ten words; FTS5's snippet() marks both ends with "…".
    with filled.engine.connect() as conn:
        texts = dict(conn.execute(text("SELECT id, clean_text FROM posts")).all())
    for query in ("harbour", "Winter maintenance"):
        hits = filled.search(query, limit=100)
        assert hits, query
        for hit in hits:
            snippet = hit["snippet"]
            bare = snippet.replace("**", "").strip("…")
            whole = " ".join(texts[hit["id"]].replace("**", "").split())
            assert bare and bare in whole, (query, snippet)
            assert snippet.startswith("…") == (not whole.startswith(bare)), (query, snippet)
            assert snippet.endswith("…") == (not whole.endswith(bare)), (query, snippet)
            if "**" not in snippet:  # matched by the title only: the post's start, not ten words of it
                assert len(bare.split()) >= min(15, len(whole.split())), (query, snippet)


def test_title_words_find_the_thread_s_posts(filled):
    thread = next(r for r in demo_records() if r.thread_title.startswith("Winter maintenance"))
    hits = filled.search("Winter maintenance", limit=500)
    assert {h["title"] for h in hits} == {thread.thread_title}


def test_a_post_that_says_the_words_ranks_above_replies_under_the_same_title(filled):
    # The demo's news thread: its title says "envoy", and so does the long opening post, while the
    # short replies below it don't. A title may help, but a post's own words must win.
    records = demo_records()
    opening = next(r for r in records if "envoy" in r.thread_title.lower() and r.position == 1)
    assert "envoy" in opening.clean_text.lower()
    replies = [r for r in records if r.thread_title == opening.thread_title and "envoy" not in r.clean_text.lower()]
    assert replies and all(len(r.clean_text) < len(opening.clean_text) for r in replies)
    for query in ("envoy", "harbour talks"):
        hits = filled.search(query, limit=10)
        assert _engine_ids(filled, hits[:1]) == {opening.post_id}, query


def test_filters_narrow_the_hits(filled):
    records = demo_records()
    word = "last"  # in many posts, and no stopword (PostgreSQL does not index stopwords)
    everything = filled.search(word, limit=1000)
    assert len(everything) > 20

    by_author = filled.search(word, limit=1000, filters=db.Filters(author="oldsalt"))
    assert by_author and {h["author"] for h in by_author} == {"OldSalt"}

    german = {r.post_id for r in records if r.lang == "de"}
    assert _engine_ids(filled, filled.search("und", limit=100, filters=db.Filters(lang="de"))) <= german

    cut = datetime(2016, 11, 12)
    later = filled.search(word, limit=1000, filters=db.Filters(since=cut))
    earlier = filled.search(word, limit=1000, filters=db.Filters(until=cut))
    assert later and earlier and len(later) + len(earlier) == len(everything)
    assert all(h["posted_at"].replace(tzinfo=None) >= cut for h in later)

    one_thread = everything[0]["thread_id"]
    in_thread = filled.search(word, limit=1000, filters=db.Filters(thread=str(one_thread)))
    assert in_thread and {h["thread_id"] for h in in_thread} == {one_thread}
    assert filled.search(word, limit=1000, filters=db.Filters(site="no-such-site")) == []

    forum = records[0].forum_path[-1]  # a forum and its sub-forums
    in_forum = filled.search(word, limit=1000, filters=db.Filters(forum=forum.lower()))
    assert in_forum and _engine_ids(filled, in_forum) == {r.post_id for r in _with(records, word)
                                                          if forum in r.forum_path}


def test_articles_are_searched_as_opening_posts_under_their_headlines(filled):
    hits = filled.search("last", limit=100, filters=db.Filters(articles=True))
    openers = {r.post_id: r.thread_title for r in demo_records() if r.position == 1}
    ids = _engine_ids(filled, hits)
    assert ids and ids <= set(openers)
    assert {h["title"] for h in hits} <= set(openers.values())


def test_a_word_with_more_matches_than_candidates_is_ranked_among_the_newest(filled, monkeypatch):
    import db.search

    for filters in (db.Filters(), db.Filters(articles=True), db.Filters(lang="en")):
        every = {h["id"] for h in filled.search("last", limit=1000, filters=filters)}
        assert len(every) > 1
        monkeypatch.setattr(db.search, "CANDIDATES", 1)
        hits = filled.search("last", limit=1000, filters=filters)
        monkeypatch.undo()
        assert [h["id"] for h in hits] == [max(every)], filters


def test_narrow_windows_of_newest_posts_give_the_same_hits(filled, monkeypatch):
    """PostgreSQL reads the newest matches in windows of ids, widened by how many matches the first
    held: however small the windows, every query finds the same posts with the same scores, and a
    word found only in the oldest posts is still found."""
    import db.search

    queries = [*QUERIES, "last", "Harbour"]
    oldest = min(demo_records(), key=lambda r: int(r.post_id) if r.post_id.isdigit() else 0)
    queries.append(max(oldest.clean_text.split(), key=len).strip(".,;:!?()«»\"'"))
    for filters in (db.Filters(), db.Filters(articles=True), db.Filters(unique=True)):
        whole = {q: [(h["id"], h["score"]) for h in filled.search(q, limit=500, filters=filters)] for q in queries}
        for first_window, candidates in ((1, 3000), (2, 3), (1, 1)):
            monkeypatch.setattr(db.search, "FIRST_WINDOW", first_window)
            monkeypatch.setattr(db.search, "CANDIDATES", candidates)
            for query in queries:
                hits = [(h["id"], h["score"]) for h in filled.search(query, limit=500, filters=filters)]
                if candidates >= len(whole[query]):
                    assert sorted(hits) == sorted(whole[query]), (query, filters, first_window)
                else:  # the newest `candidates` matches, as before
                    newest = sorted(whole[query], reverse=True)[:candidates]
                    assert sorted(hits) == sorted(newest), (query, filters, first_window)
            monkeypatch.undo()


def test_queries_of_only_operators_or_punctuation_find_nothing_without_error(filled):
    for query in ["", "   ", '"', "OR", "-", "()", "-*", "OR OR"]:
        assert filled.search(query) == []


def test_a_pasted_article_is_linked_to_its_first_copy_and_hidden_by_unique(store):
    records = demo_records()
    article = ("The regional harbour authority announced on Monday that berth fees will rise by eight percent "
               "next season, citing dredging costs, new pontoons at the northern basin and higher insurance. "
               "Owners of boats longer than twelve metres face a further surcharge, and the winter storage "
               "tariff is to be reviewed in March after complaints from the sailing clubs along the estuary.")
    assert len(article.split()) > MIN_WORDS
    first = replace(records[0], post_id="9001", clean_text=article, position=50)
    pasted = replace(records[-1], post_id="9002", clean_text="Seen in the paper today: " + article, position=50,
                     posted_at=records[-1].posted_at)
    store.write_posts([*records, first, pasted])
    linked = store.dedupe()
    assert linked >= 1
    assert store.dedupe() == linked, "dedupe is repeatable"

    hits = store.search("dredging pontoons", limit=10)
    assert len(hits) == 2
    copy = next(h for h in hits if h["duplicate_of"])
    original = next(h for h in hits if not h["duplicate_of"])
    assert copy["duplicate_of"] == original["id"]
    assert _engine_ids(store, [original]) == {"9001"}
    unique = store.search("dredging pontoons", limit=10, filters=db.Filters(unique=True))
    assert [h["id"] for h in unique] == [original["id"]]
    # short posts are never near-duplicates of each other
    with store.engine.connect() as conn:
        short_linked = conn.execute(text(
            "SELECT count(*) FROM posts WHERE duplicate_of IS NOT NULL AND length(clean_text) < 100")).scalar()
    assert short_linked == 0


def test_words_are_read_in_the_languages_of_the_stored_posts(store):
    # PostgreSQL reads the query with the configurations of the languages present (an unused
    # language's stems could match many posts only to be thrown away); the hits stay the same
    base = demo_records()[0]
    store.write_posts([replace(base, post_id="de1", lang="de", clean_text="Die Häfen im Norden sind voll."),
                       replace(base, post_id="xx1", lang=None, clean_text="Harbours and Häfen alike.")])
    assert {h["id"] for h in store.search("Häfen")} == {h["id"] for h in store.search("häfen", limit=50)}
    assert _engine_ids(store, store.search("Häfen")) == {"de1", "xx1"}
    if store.dialect == "postgresql":
        from db.search import _pg_configs_in_use

        with store.engine.connect() as conn:
            assert _pg_configs_in_use(conn) == {"german", "simple"}
    assert store.search("Häfen", filters=db.Filters(lang="en")) == []


def test_an_empty_database_finds_nothing(store):
    assert store.search("anything") == [] and store.search("anything OR else", filters=db.Filters(unique=True)) == []
