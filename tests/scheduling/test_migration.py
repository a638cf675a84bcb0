"""The hand-written 0003 migration creates exactly the scheduling tables of the models."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations

import bot.db.models as models
from bot.db.models import scheduling

MIGRATION = (
    Path(__file__).parents[2] / "bot" / "db" / "migrations" / "versions" / "0003_scheduling.py"
)
TABLES = {
    getattr(scheduling, name).__tablename__
    for name in dir(scheduling)
    if hasattr(getattr(scheduling, name), "__tablename__")
}


def load_migration():
    spec = importlib.util.spec_from_file_location("m0003", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_revision_ids():
    module = load_migration()
    assert module.revision == "0003_scheduling"
    assert module.down_revision == "0002_library"


def test_upgrade_matches_models_and_downgrade_removes_them(tmp_path):
    assert "timers" in TABLES
    assert "session_rsvps" in TABLES
    module = load_migration()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    with engine.begin() as conn:
        ctx = MigrationContext.configure(conn)
        with Operations.context(ctx):
            module.upgrade()
        ours = sa.MetaData()
        for table in models.Base.metadata.sorted_tables:
            if table.name in TABLES:
                table.to_metadata(ours)
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, ours)
        assert diff == []
        assert set(sa.inspect(conn).get_table_names()) >= TABLES
        ctx = MigrationContext.configure(conn)
        with Operations.context(ctx):
            module.downgrade()
        assert not TABLES & set(sa.inspect(conn).get_table_names())
