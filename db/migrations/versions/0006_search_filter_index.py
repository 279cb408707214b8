"""SQLite: an index of what a search's filters read from each post, so ranking reads it instead of
the posts row; both dialects: the index of near-duplicate links holds only the posts that have one.

A search ranks the newest 3,000 posts that match; each was checked for `deleted` (and whatever
filter is given: `duplicate_of`, language, date, site, thread, author) in its posts row, a random
read of a wide row (at a million posts, 2 GB of rows: 20–30 ms a query). A covering index over the
id and those columns answers the same from a few MB of narrow entries (SQLite takes it by itself);
PostgreSQL reads its heap rows in its bitmap scan anyway and does not get it. `ix_posts_duplicate_of`
serves the lookups of the posts linked to one (the foreign key, `dedupe`): new posts have no link,
so a partial index skips them instead of adding an entry for every post.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 01:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# frozen here (db.models.SEARCH_FILTER_COLUMNS may change later)
COLUMNS = ["id", "deleted", "duplicate_of", "lang", "posted_at", "site_id", "thread_id", "author_id"]
LINKED = sa.text("duplicate_of IS NOT NULL")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_index("ix_posts_search_filters", "posts", COLUMNS)
    op.drop_index("ix_posts_duplicate_of", table_name="posts")
    op.create_index("ix_posts_duplicate_of", "posts", ["duplicate_of"], sqlite_where=LINKED, postgresql_where=LINKED)


def downgrade() -> None:
    op.drop_index("ix_posts_duplicate_of", table_name="posts")
    op.create_index("ix_posts_duplicate_of", "posts", ["duplicate_of"])
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_posts_search_filters", table_name="posts")
