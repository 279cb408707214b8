"""Schema versions: Alembic, configured in code so that it works from an installed package.

`upgrade(engine)` brings any forumsift database to the newest revision (a new, empty database
included); `check(engine)` says whether a database is a forumsift one at all. The revisions live in
db/migrations/versions (shipped as package data).

Alembic (with what it imports: ~15 MB and 0.2 s) loads only when a database needs a migration: a
database already at the newest revision is recognised from its `alembic_version` row (SQL) and the
revision files' `revision` / `down_revision` lines (`_plain_head`), so a re-crawl's process never
holds it.
"""
from __future__ import annotations

import ast
import tempfile
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from db.errors import NotForumsiftDatabase

if TYPE_CHECKING:
    from alembic.config import Config

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
    from alembic.config import Config  # noqa: PLC0415 (see the module's docstring)

    config = Config()
    config.set_main_option("script_location", str(_migrations_dir()))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head, "no migrations shipped"
    return head


@lru_cache(maxsize=1)
def _plain_head() -> str | None:
    """The newest revision read from the revision files without Alembic: the one no other revision
    names as its `down_revision`. None when a file is not that simple (branches, merges): ask Alembic."""
    revisions: dict[str, str | None] = {}
    for path in sorted((_migrations_dir() / "versions").glob("*.py")):
        names: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    names[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    names[node.targets[0].id] = node
        revision, down = names.get("revision"), names.get("down_revision")
        if not isinstance(revision, str) or not (down is None or isinstance(down, str)) or names.get("depends_on") \
                or names.get("branch_labels"):
            return None
        revisions[revision] = down
    heads = set(revisions) - set(revisions.values())
    return heads.pop() if len(heads) == 1 else None


def current_revision(engine: Engine) -> str | None:
    """The database's revision, None when it has none: its `alembic_version` row, read with SQL."""
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) <= 1:
        return rows[0] if rows else None
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415 (several heads: Alembic says what)

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


def needs_upgrade(engine: Engine) -> bool:
    """True when `upgrade` has something to apply (or Alembic must tell): without Alembic."""
    head = _plain_head()
    return head is None or check(engine) != head


def upgrade(engine: Engine) -> bool:
    """Bring the database to the newest revision; True when something was applied."""
    if check(engine) == (_plain_head() or head_revision()):
        return False
    from alembic import command  # noqa: PLC0415

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return True


def empty_postgresql(engine: Engine) -> None:
    """Drop everything in a PostgreSQL database's public schema (tests and benchmarks start clean)."""
    assert engine.dialect.name == "postgresql", "only for PostgreSQL"
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
