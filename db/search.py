"""Ranked full-text search over posts (or articles) with filters, per dialect.

SQLite: the FTS5 table `posts_fts` (text and thread title), ranked by bm25 with the title counting
half as much as the text, snippets by FTS5's `snippet()`. PostgreSQL: the generated `posts.search_vector`, matched by
the user's words read with every language configuration the posts were indexed with (a German post
is indexed with German stems, so "Häfen" must be read the German way too), the newest matches read
in windows of ids, ranked by `ts_rank`, snippets by `ts_headline`. Both read the same query language: words (all must match), "quoted
phrases", `OR` between two terms, and `-word` to exclude a word.

Matched words in snippets are wrapped in HIGHLIGHT (`**word**`), which reads well as plain text,
JSON or CSV; the table view turns it into bold.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import ColumnElement, FromClause, bindparam, case, cast, column, func, literal, literal_column, select, table, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from db.models import Author, Forum, Post, Site, Thread, articles

HIGHLIGHT = "**"
SNIPPET_WORDS = 24
# Only the newest CANDIDATES posts that match are ranked: ranking every match of a common word
# costs a lookup per match (tens of milliseconds at a million posts), and among thousands of matches
# the best of the newest ones serve a reader of forums well.
CANDIDATES = 3000

# The language → text search configuration map the PostgreSQL index was built with (migration 0002).
PG_CONFIGS = {"da": "danish", "de": "german", "en": "english", "es": "spanish", "fi": "finnish", "fr": "french",
              "hu": "hungarian", "it": "italian", "nl": "dutch", "no": "norwegian", "pt": "portuguese",
              "ro": "romanian", "ru": "russian", "sv": "swedish", "tr": "turkish"}


@dataclass
class Filters:
    """Which posts a query or an export covers. Text filters match case-insensitively."""

    lang: str | None = None
    site: str | None = None  # part of the site's base URL
    forum: str | None = None  # part of the forum's breadcrumb path ("Boats > Engines")
    thread: str | None = None  # the thread's id in the database, or its URL
    author: str | None = None  # the author's name
    since: datetime | None = None
    until: datetime | None = None
    unique: bool = False  # hide near-duplicates (posts with a duplicate_of link)
    articles: bool = False  # only threads' opening posts, from the `articles` view


def source(filters: Filters, minimal: bool = False) -> tuple[FromClause, dict[str, ColumnElement[Any]]]:
    """The FROM clause and the uniformly named columns of posts (or articles) a filter applies to;
    `minimal` joins only the tables the filters need (for ranking every match, where each join
    costs a lookup per matching post: for articles that is posts at position 1, which is what the
    `articles` view holds, without the view's joins)."""
    if filters.articles and not minimal:
        a = articles.c
        return articles, {"id": a.post_id, "thread_id": a.thread_id, "site": a.site, "forum": a.forum,
                          "forum_path": a.forum_path, "title": a.headline, "author": a.author,
                          "posted_at": a.posted_at, "lang": a.lang, "url": a.url, "duplicate_of": a.duplicate_of,
                          "clean_text": a.clean_text}
    joined: FromClause = Post.__table__
    if not minimal or filters.forum:
        joined = joined.join(Thread, Thread.id == Post.thread_id)
    if not minimal or filters.site:
        joined = joined.join(Site, Site.id == Post.site_id)
    if not minimal or filters.forum:
        joined = joined.outerjoin(Forum, Forum.id == Thread.forum_id)
    if not minimal or filters.author:
        joined = joined.outerjoin(Author, Author.id == Post.author_id)
    return joined, {"id": Post.id, "thread_id": Post.thread_id, "site": Site.base_url, "forum": Forum.title,
                    "forum_path": Forum.path_key, "title": Thread.title, "author": Author.name,
                    "posted_at": Post.posted_at, "lang": Post.lang, "url": Post.page_url,
                    "duplicate_of": Post.duplicate_of, "clean_text": Post.clean_text, "deleted": Post.deleted,
                    "position": Post.position}


def where(filters: Filters, cols: Mapping[str, ColumnElement[Any]]) -> list[ColumnElement[bool]]:
    """The WHERE conditions of `filters` over `cols` (from `source`)."""
    conds: list[ColumnElement[bool]] = []
    if "deleted" in cols:
        conds.append(cols["deleted"].is_(False))
    if filters.articles and "position" in cols:  # posts standing for the articles view (`source`)
        # a literal 1, so that the planner may use the partial index of opening posts (0005)
        conds += [cols["position"] == literal_column("1"), cols["thread_id"].is_not(None)]
    if filters.lang:
        conds.append(cols["lang"] == filters.lang)
    if filters.site:
        conds.append(cols["site"].ilike(f"%{filters.site}%"))
    if filters.forum:
        conds.append(cols["forum_path"].ilike(f"%{filters.forum}%"))
    if filters.thread:
        # an id is digits that fit a 64-bit integer; anything else is looked up as the thread's URL
        is_id = filters.thread.isdigit() and int(filters.thread) < 2**63
        conds.append(cols["thread_id"] == int(filters.thread) if is_id
                     else cols["thread_id"].in_(select(Thread.id).where(Thread.url == filters.thread)))
    if filters.author:
        conds.append(func.lower(cols["author"]) == filters.author.lower())
    if filters.since:
        conds.append(cols["posted_at"] >= _utc(filters.since))
    if filters.until:
        conds.append(cols["posted_at"] < _utc(filters.until))
    if filters.unique:
        conds.append(cols["duplicate_of"].is_(None))
    return conds


HIT_COLUMNS = ("id", "thread_id", "site", "forum", "title", "author", "posted_at", "lang", "url", "duplicate_of")


def search(conn: Connection, query: str, filters: Filters | None = None, limit: int = 10) -> list[dict[str, Any]]:
    """The `limit` best posts matching `query`, each a dict of HIT_COLUMNS plus snippet and score."""
    filters = filters or Filters()
    if not query.strip():
        return []
    if conn.dialect.name == "postgresql":
        rows = _pg_search(conn, query, filters, limit)
    else:
        fts_query = fts5_query(query)
        if not fts_query:
            return []
        rows = [row._mapping for row in conn.execute(_sqlite_search(filters, limit), {"q": fts_query})]
    return [_hit(row) for row in rows]


# -- SQLite -------------------------------------------------------------------------------------
def _sqlite_search(filters: Filters, limit: int) -> Select:
    fts = table("posts_fts", column("rowid"))
    match = text("posts_fts MATCH :q")
    # FTS5's bm25 divides by the length of the whole row, title and text together: a title weighted
    # above the text ranked every short reply under a thread's title above the long opening post
    # that says the words itself ("envoy" found the article last). At half weight, a post's own words win.
    rank = literal_column("bm25(posts_fts, 1.0, 0.5)")
    # rank the newest CANDIDATES matches (FTS5 reads them newest first and stops there), join
    # the rest and make snippets for the best few only
    narrow, narrow_cols = source(filters, minimal=True)
    candidates = (select(fts.c.rowid.label("id"), rank.label("rank"))
                  .select_from(fts.join(narrow, narrow_cols["id"] == fts.c.rowid))
                  .where(match, *where(filters, narrow_cols)).order_by(fts.c.rowid.desc()).limit(CANDIDATES)
                  .subquery("candidates"))
    ranked = select(candidates).order_by(candidates.c.rank).limit(limit).cte("ranked")
    from_, cols = source(filters)
    snippet = literal_column(f"snippet(posts_fts, 0, '{HIGHLIGHT}', '{HIGHLIGHT}', '…', {SNIPPET_WORDS})")
    return (select(*(cols[c].label(c) for c in HIT_COLUMNS), snippet.label("snippet"), (-ranked.c.rank).label("score"))
            .select_from(ranked.join(fts, fts.c.rowid == ranked.c.id).join(from_, cols["id"] == ranked.c.id))
            .where(match).order_by(ranked.c.rank))


_TERM = re.compile(r'(-?)"([^"]*)"|(\S+)')


def fts5_query(query: str) -> str:
    """The user's query in FTS5 syntax, every term quoted so that no character is an operator."""
    positive: list[str] = []
    negative: list[str] = []
    pending_or = False
    for m in _TERM.finditer(query):
        negated, phrase, word = m.group(1), m.group(2), m.group(3)
        if word == "OR":
            pending_or = bool(positive)
            continue
        if word and word.startswith("-") and len(word) > 1:
            negated, word = "-", word[1:]
        words = re.findall(r"\w+", phrase if phrase is not None else word)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if negated:
            negative.append(term)
        elif pending_or:
            positive[-1] = f"({positive[-1]} OR {term})"
        else:
            positive.append(term)
        pending_or = False
    if not positive:
        return ""
    out = " AND ".join(positive)
    return f"{out} NOT ({' OR '.join(negative)})" if negative else out


# -- PostgreSQL ---------------------------------------------------------------------------------
def _pg_config(lang: ColumnElement[Any]) -> ColumnElement[Any]:
    return case({k: literal_column(f"'{v}'::regconfig") for k, v in PG_CONFIGS.items()}, value=lang,
                else_=literal_column("'simple'::regconfig"))


def _pg_search(conn: Connection, query: str, filters: Filters, limit: int) -> list[Mapping[str, Any]]:
    vector = literal_column("posts.search_vector")
    # The query read once with each configuration the index uses; the OR of the distinct readings
    # (most languages stem most words alike) lets the GIN index find candidates, then each post is
    # matched with the reading in its own language's configuration (an exclusion read with other
    # stems would exclude nothing). The readings go back as constants, so the planner sees them.
    configs = sorted({PG_CONFIGS.get(filters.lang, "simple")} if filters.lang else _pg_configs_in_use(conn))
    if not configs:  # no posts at all
        return []
    texts = conn.execute(select(*(func.websearch_to_tsquery(literal_column(f"'{c}'::regconfig"), query)
                                  for c in configs))).one()
    reading = {c: cast(literal(t), TSQUERY) for c, t in zip(configs, texts)}
    distinct = sorted({t for t in texts if t})
    if not distinct:  # only stopwords in every language
        return []
    any_reading = cast(literal(distinct[0]), TSQUERY)
    for text_ in distinct[1:]:
        any_reading = any_reading.op("||")(cast(literal(text_), TSQUERY))

    def own(lang: ColumnElement[Any]) -> ColumnElement[Any]:
        """The reading of the query in the configuration a post of language `lang` was indexed with."""
        return case({code: reading[c] for code, c in PG_CONFIGS.items() if c in configs}, value=lang,
                    else_=reading[configs[0]] if filters.lang else reading.get("simple", cast(literal(None), TSQUERY)))

    # as on SQLite: the newest CANDIDATES matches are ranked, then the best few joined and headlined
    narrow, narrow_cols = source(filters, minimal=True)
    ids = narrow_cols["id"]

    def newest_in_window(count: int) -> Select:
        """The newest `count` matches with `floor` < id <= `ceiling`, ranked (the rank reads each
        post's vector, so only these are ranked)."""
        matches = (select(ids.label("id"), vector.label("vector"), own(narrow_cols["lang"]).label("tsq"))
                   .select_from(narrow)
                   .where(vector.op("@@")(any_reading), vector.op("@@")(own(narrow_cols["lang"])),
                          *where(filters, narrow_cols), ids > bindparam("floor"), ids <= bindparam("ceiling"))
                   .order_by(ids.desc()).limit(count).subquery("matches"))
        return select(matches.c.id, func.ts_rank(matches.c.vector, matches.c.tsq).label("score"))

    candidates = _newest_matches(conn, newest_in_window)
    best = sorted(candidates, key=lambda c: (-c[1], -c[0]))[:limit]
    if not best:
        return []
    from_, cols = source(filters)
    # MinWords is what a post matched by its thread's title alone shows: its start, as long as FTS5's
    options = (f"StartSel={HIGHLIGHT}, StopSel={HIGHLIGHT}, MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS - 4}, "
               "MaxFragments=1, FragmentDelimiter=…")
    headline = func.ts_headline(_pg_config(cols["lang"]), cols["clean_text"], own(cols["lang"]), options)
    # the text comes along for the best few only, to mark the snippet's cuts (`_hit`)
    rows = conn.execute(select(*(cols[c].label(c) for c in HIT_COLUMNS), headline.label("snippet"),
                               cols["clean_text"].label("text"))
                        .select_from(from_).where(cols["id"].in_([c[0] for c in best])))
    by_id = {row.id: row._mapping for row in rows}
    return [{**by_id[id_], "score": score} for id_, score in best if id_ in by_id]


# The first window of ids a PostgreSQL search looks in, and how many windows it takes before the rest
# of the table. A GIN index cannot give its matches newest first, so finding the newest CANDIDATES
# matches of a common word read every match's row (30,000 rows, 0.3-0.8 s at a million posts);
# ANDed with a range of the primary key, only the rows in the window are read.
FIRST_WINDOW = 20_000
WINDOWS = 4


def _newest_matches(conn: Connection, newest_in_window: Callable[[int], Select]) -> list[tuple[int, float]]:
    """(id, score) of the newest CANDIDATES matches, `newest_in_window(n)` giving the newest n with
    `floor` < id <= `ceiling` (parameters), newest first: read in windows of ids from the newest back, each window
    sized by how many matches the ones before held, the last one the rest of the table."""
    top = ceiling = conn.execute(select(func.max(Post.id))).scalar() or 0
    window = FIRST_WINDOW
    found: list[tuple[int, float]] = []
    for step in range(WINDOWS):
        floor = 0 if step == WINDOWS - 1 else max(0, ceiling - window)
        found += [(row.id, float(row.score or 0)) for row in conn.execute(
            newest_in_window(CANDIDATES - len(found)), {"floor": floor, "ceiling": ceiling})]
        if len(found) >= CANDIDATES or floor == 0:
            break
        # the next window: where the matches seen so far say the rest are, at least 4 times wider
        density = max(len(found), 1) / (top - floor)
        window = max(4 * window, int(1.5 * (CANDIDATES - len(found)) / density))
        ceiling = floor
    return found


_LANGUAGES_IN_USE = text("""WITH RECURSIVE present(lang) AS (
    SELECT min(lang) FROM posts
    UNION ALL SELECT (SELECT min(lang) FROM posts WHERE lang > present.lang) FROM present WHERE lang IS NOT NULL)
SELECT lang FROM present WHERE lang IS NOT NULL
UNION ALL SELECT NULL WHERE EXISTS (SELECT 1 FROM posts WHERE lang IS NULL)""")


def _pg_configs_in_use(conn: Connection) -> set[str]:
    """The text search configurations the stored posts were indexed with: the query is read only
    with these (a reading in a language no post has finds nothing true, but its stems can match
    many posts of other languages that the per-post check then throws away). The distinct languages
    come from ix_posts_lang, one index probe each."""
    return {PG_CONFIGS.get(lang, "simple") if lang else "simple" for lang in conn.execute(_LANGUAGES_IN_USE).scalars()}


# -- shared -------------------------------------------------------------------------------------
def _utc(value: datetime) -> datetime:
    """Aware values in UTC; naive ones are taken as UTC already (posts are stored in UTC)."""
    return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)


def utc_or_none(value: Any) -> Any:
    """A stored timestamp as an aware UTC datetime (SQLite hands them back naive)."""
    return _utc(value) if isinstance(value, datetime) else value


def _hit(row: Mapping[str, Any]) -> dict[str, Any]:
    hit = {c: row[c] for c in HIT_COLUMNS}
    hit["posted_at"] = utc_or_none(hit["posted_at"])
    hit["snippet"] = " ".join((row["snippet"] or "").split())
    if "text" in row:
        hit["snippet"] = _mark_cuts(hit["snippet"], row["text"] or "")
    hit["score"] = round(float(row["score"] or 0), 4)
    return hit


def _mark_cuts(snippet: str, text: str) -> str:
    """`snippet` with "…" where it starts after the text's start or ends before its end, as FTS5's
    snippet() writes it (PostgreSQL's ts_headline marks no cut, and starts a fragment at a match)."""
    bare = snippet.replace(HIGHLIGHT, "")
    whole = " ".join(text.replace(HIGHLIGHT, "").split())
    if not bare:
        return snippet
    return ("" if whole.startswith(bare) else "…") + snippet + ("" if whole.endswith(bare) else "…")
