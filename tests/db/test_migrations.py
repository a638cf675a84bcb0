"""Migrations build exactly the schema the models describe, and step down again."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.db import create_engine, migrate
from bot.db.models import Base
from bot.db.models.search import engine_owned
from tests.conftest import database_url


async def _reset(engine) -> None:
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        else:
            await conn.run_sync(Base.metadata.drop_all)


async def test_upgrade_to_head_matches_models(tmp_path) -> None:
    engine = create_engine(database_url(tmp_path))
    try:
        await _reset(engine)
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"include_name": engine_owned}),
                    Base.metadata,
                )
            )
        assert diff == []
    finally:
        await _reset(engine)
        await engine.dispose()


def test_revisions_keep_the_agreed_ids_in_one_line() -> None:
    # Each revision's down_revision is the one before it: the order below is the chain.
    assert migrate.all_revisions()[:5] == [
        "0001_foundation",
        "0002_library",
        "0003_scheduling",
        "0004_discussion",
        "0005_search",
    ]


async def test_every_revision_downgrades_one_step_and_back(tmp_path) -> None:
    engine = create_engine(database_url(tmp_path))
    try:
        await _reset(engine)
        revisions = migrate.all_revisions()
        assert revisions[0] == "0001_foundation"
        await migrate.upgrade(engine)
        for revision in reversed(revisions):
            await migrate.downgrade(engine, "-1")
            assert await migrate.current_revision(engine) != revision
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        assert set(tables) <= {"alembic_version"}
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await _reset(engine)
        await engine.dispose()
