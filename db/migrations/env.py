"""Alembic environment for forumsift: runs on the connection db.migrate hands over (or on the URL
of `sqlalchemy.url` when called from the alembic command line).

SQLite gets batch mode (ALTER TABLE is limited there). The full-text structures (FTS5 table and its
triggers on SQLite, the tsvector column on PostgreSQL) and the `articles` view are written by hand in
the revisions: autogenerate must never see them, or it would offer to drop them.
"""
from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from db.models import Base

HAND_WRITTEN_PREFIXES = ("posts_fts", "articles", "search_bulk_load")
HAND_WRITTEN_COLUMNS = {("posts", "search_vector")}
SQLITE_ONLY_INDEXES = {"ix_posts_search_filters"}  # made on SQLite alone (models: ddl_if)
POSTGRESQL_ONLY_INDEXES = {"ix_posts_author_id"}  # dropped on SQLite by 0007


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave the hand-written search structures and views out of autogenerate."""
    if type_ == "table" and name and name.startswith(HAND_WRITTEN_PREFIXES):
        return False
    if type_ == "column" and (obj.table.name, name) in HAND_WRITTEN_COLUMNS:
        return False
    if type_ == "index" and name == "ix_posts_search_vector":
        return False
    if type_ == "index" and name in SQLITE_ONLY_INDEXES:
        return context.get_bind().dialect.name == "sqlite"
    if type_ == "index" and name in POSTGRESQL_ONLY_INDEXES:
        return context.get_bind().dialect.name == "postgresql"
    return True


def run(connection: Any) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, include_object=include_object,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        run(conn)
    engine.dispose()
