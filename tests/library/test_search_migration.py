"""Upgrading to 0008 indexes what servers had already added: their excerpts and readings are
found by search at once, in their own server only."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bot.db import create_engine, migrate
from bot.library.loader import load_pack
from bot.library.search import SearchEngine
from tests.conftest import database_url

CONTENT = Path(__file__).resolve().parents[2] / "content"


async def _reset(engine) -> None:
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))


async def test_existing_excerpts_and_readings_are_indexed_by_the_upgrade(tmp_path) -> None:
    engine = create_engine(database_url(tmp_path))
    try:
        await _reset(engine)
        await migrate.upgrade(engine, "0007_organisers")
        now = datetime(2025, 1, 1, tzinfo=UTC)
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO library_excerpts (guild_id, author, work, date_text, text, "
                    "added_by, created_at) VALUES (5, 'Ida Mett', 'Notes', '1938', "
                    "'The zemstvo met on Tuesdays.', 1, :now)"
                ),
                {"now": now},
            )
            await conn.execute(
                text(
                    "INSERT INTO library_readings (guild_id, slug, title, authors, added_by, "
                    "created_at) VALUES (5, 'anarchy-works', 'Anarchy Works', "
                    "'Peter Gelderloos', 1, :now)"
                ),
                {"now": now},
            )
        await migrate.upgrade(engine)
        search = SearchEngine(engine, load_pack(CONTENT))
        assert [h.citation.author for h in await search.search(5, "zemstvo")] == ["Ida Mett"]
        assert [h.ref for h in await search.search(5, "Gelderloos")] == ["anarchy-works"]
        assert await search.search(6, "zemstvo") == []
    finally:
        await _reset(engine)
        await engine.dispose()
