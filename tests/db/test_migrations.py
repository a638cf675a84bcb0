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
    assert migrate.all_revisions() == [
        "0001_foundation",
        "0002_library",
        "0003_scheduling",
        "0004_discussion",
        "0005_shard_leases",
        "0006_members",
        "0007_organisers",
        "0008_search",
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


async def test_existing_polls_get_numbers_per_server(tmp_path) -> None:
    """0005 numbers the polls made before it 1, 2, 3... per server, in the order made."""
    engine = create_engine(database_url(tmp_path))
    try:
        await _reset(engine)
        await migrate.upgrade(engine, "0004_discussion")
        async with engine.begin() as conn:
            for poll_id, guild_id in [(1, 10), (2, 20), (3, 10), (4, 10)]:
                await conn.execute(
                    text(
                        "INSERT INTO polls (id, guild_id, channel_id, question, kind, anonymous, "
                        "hide_results, created_at, closes_at) VALUES (:id, :guild, 1, 'q', "
                        "'single', false, false, '2026-01-01 00:00:00+00:00', "
                        "'2026-01-02 00:00:00+00:00')"
                    ),
                    {"id": poll_id, "guild": guild_id},
                )
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id, number FROM polls ORDER BY id"))).all()
        assert [tuple(row) for row in rows] == [(1, 1), (2, 1), (3, 2), (4, 3)]
    finally:
        await _reset(engine)
        await engine.dispose()
