"""Alembic loads only when a database needs a migration (db/migrate.py): a crawl of a database that
is up to date never holds it."""
from __future__ import annotations

import subprocess
import sys

import db
from db.migrate import _plain_head, head_revision


def test_the_revision_files_name_alembics_head():
    assert _plain_head() == head_revision()


def test_an_up_to_date_database_opens_without_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'up.db'}"
    db.open(url).close()  # created: Alembic runs here
    code = ("import sys, db; store = db.open(sys.argv[1]); store.close(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_crawl_creates_its_database_without_alembic_in_the_crawl_process(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    code = ("import sys; from crawler.crawl_store import _schema_in_child; import db; _schema_in_child(sys.argv[1]); "
            "db.open(sys.argv[1]).close(); print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    from db.migrate import current_revision
    from db.store import make_engine

    assert current_revision(make_engine(url)) == head_revision()
