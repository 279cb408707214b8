"""An index of the opening posts (position 1) with the columns article searches filter on.

An article search ranks the newest matching opening posts; without this index each match's wide
posts row is read to learn that it is no opening post (19 of 20 are not). The partial index holds
one entry per thread.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 23:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# frozen here (db.models.OPENING_POST_COLUMNS may change later); position too, though it is always 1
# there: SQLite uses an index instead of the table only when it covers every column a query reads
COLUMNS = ["id", "thread_id", "deleted", "position", "lang", "posted_at", "duplicate_of"]


def upgrade() -> None:
    op.create_index("ix_posts_opening", "posts", COLUMNS, sqlite_where=sa.text("position = 1"),
                    postgresql_where=sa.text("position = 1"))


def downgrade() -> None:
    op.drop_index("ix_posts_opening", table_name="posts")
