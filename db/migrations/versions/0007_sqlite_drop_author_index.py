"""SQLite: posts lose the index on author_id, which no query reads and which cost most of what a
write grew by with the table.

A post's author is a random place in an index ordered by author: each batch of 1,000 new posts
dirtied about as many of its pages, every one written to the WAL at commit and again at the
checkpoint (4 MB a batch at a million posts, more than the posts themselves). Searches, exports
and reports find a post's author through the post (EXPLAIN QUERY PLAN of db/search.py, db/export.py
and db/report.py: none uses the index; an --author filter reads authors by their key). What it
served: deleting an author (SET NULL on its posts, which forumsift never does) and counting an
author's posts by hand, both now a scan of posts. PostgreSQL keeps its index.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 04:40:00
"""
from __future__ import annotations

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("posts") as batch_op:  # an index alone: no table copy
            batch_op.drop_index("ix_posts_author_id")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("posts") as batch_op:
            batch_op.create_index("ix_posts_author_id", ["author_id"])
