"""Full-text search and the articles view.

SQLite: an FTS5 table `posts_fts` over posts.clean_text and posts.thread_title (external content
`[posts]`, the form Datasette detects), kept in step by triggers; the update trigger fires only when
the text or title changes, so the `last_seen` touches of a re-crawl cost nothing.
PostgreSQL: a generated `search_vector` column (thread title weighted A, text B) built with the text
search configuration of the post's language (`simple` when unknown), under a GIN index.
Both: the `articles` view, one row per thread's opening post.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 21:00:00
"""
from __future__ import annotations

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# frozen here on purpose: a later change of db.search must not rewrite an applied migration
PG_CONFIGS = {"da": "danish", "de": "german", "en": "english", "es": "spanish", "fi": "finnish", "fr": "french",
              "hu": "hungarian", "it": "italian", "nl": "dutch", "no": "norwegian", "pt": "portuguese",
              "ro": "romanian", "ru": "russian", "sv": "swedish", "tr": "turkish"}

FTS_COLUMNS = "clean_text, thread_title"

SQLITE_FTS = [
    f"CREATE VIRTUAL TABLE posts_fts USING fts5({FTS_COLUMNS}, content=[posts], content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER posts_fts_ai AFTER INSERT ON posts BEGIN
        INSERT INTO posts_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, new.clean_text, new.thread_title);
    END""",
    f"""CREATE TRIGGER posts_fts_ad AFTER DELETE ON posts BEGIN
        INSERT INTO posts_fts(posts_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, old.clean_text, old.thread_title);
    END""",
    f"""CREATE TRIGGER posts_fts_au AFTER UPDATE OF clean_text, thread_title ON posts BEGIN
        INSERT INTO posts_fts(posts_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, old.clean_text, old.thread_title);
        INSERT INTO posts_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, new.clean_text, new.thread_title);
    END""",
    "INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')",
]


def pg_config_sql(lang_column: str) -> str:
    cases = " ".join(f"WHEN '{lang}' THEN '{config}'::regconfig" for lang, config in PG_CONFIGS.items())
    return f"(CASE {lang_column} {cases} ELSE 'simple'::regconfig END)"


PG_FTS = [
    f"""ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector({pg_config_sql('lang')}, coalesce(thread_title, '')), 'A') ||
        setweight(to_tsvector({pg_config_sql('lang')}, coalesce(clean_text, '')), 'B')) STORED""",
    "CREATE INDEX ix_posts_search_vector ON posts USING gin (search_vector)",
]

ARTICLES_VIEW = """CREATE VIEW articles AS
SELECT p.id AS post_id, t.id AS thread_id, s.base_url AS site, f.title AS forum, f.path_key AS forum_path,
       t.title AS headline,
       a.name AS author, p.posted_at, p.lang, p.clean_text, t.url, p.duplicate_of
FROM posts p
JOIN threads t ON t.id = p.thread_id
JOIN sites s ON s.id = p.site_id
LEFT JOIN forums f ON f.id = t.forum_id
LEFT JOIN authors a ON a.id = p.author_id
WHERE p.position = 1 AND NOT p.deleted"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for sql in SQLITE_FTS if dialect == "sqlite" else PG_FTS if dialect == "postgresql" else []:
        op.execute(sql)
    op.execute(ARTICLES_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW articles")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("posts_fts_ai", "posts_fts_ad", "posts_fts_au"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE posts_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX ix_posts_search_vector")
        op.execute("ALTER TABLE posts DROP COLUMN search_vector")
