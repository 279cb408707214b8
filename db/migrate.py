"""Schema versions: Alembic, configured in code so that it works from an installed package.

`upgrade(engine)` brings any forumsift database to the newest revision (a new, empty database
included); `check(engine)` says whether a database is a forumsift one at all. The revisions live in
db/migrations/versions (shipped as package data).
"""
from __future__ import annotations

import tempfile
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from db.errors import NotForumsiftDatabase

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@lru_cache(maxsize=1)
def _migrations_dir() -> Path:
    """MIGRATIONS, or a temporary copy of it when the package runs from a zip (a scrapyd egg):
    Alembic reads its scripts from a real folder."""
    if MIGRATIONS.is_dir():
        return MIGRATIONS
    target = Path(tempfile.mkdtemp(prefix="forumsift-migrations-"))

    def copy(node: Traversable, into: Path) -> None:
        for child in node.iterdir():
            if child.is_dir():
                (into / child.name).mkdir()
                copy(child, into / child.name)
            else:
                (into / child.name).write_bytes(child.read_bytes())

    copy(resources.files("db") / "migrations", target)
    return target


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at forumsift's migrations (for `alembic` API calls)."""
    config = Config()
    config.set_main_option("script_location", str(_migrations_dir()))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head, "no migrations shipped"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check(engine: Engine) -> str | None:
    """The database's revision (None when empty); NotForumsiftDatabase when it holds other tables."""
    revision = current_revision(engine)
    if revision is None:
        tables = set(inspect(engine).get_table_names())
        if tables:
            raise NotForumsiftDatabase(f"not a forumsift database (it has tables {', '.join(sorted(tables)[:5])}"
                                       f"{', …' if len(tables) > 5 else ''} but no forumsift schema version)")
    return revision


def upgrade(engine: Engine) -> bool:
    """Bring the database to the newest revision; True when something was applied."""
    if check(engine) == head_revision():
        return False
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return True


def empty_postgresql(engine: Engine) -> None:
    """Drop everything in a PostgreSQL database's public schema (tests and benchmarks start clean)."""
    from sqlalchemy import text  # noqa: PLC0415

    assert engine.dialect.name == "postgresql", "only for PostgreSQL"
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
