"""The per-server cache: readings and assignments loaded once and kept in step with the
writes; excerpts are never held in memory (they are read from the database when needed)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db.models.library import LibraryAssignment, LibraryExcerpt, LibraryReading
from bot.library.guild_cache import GuildCache, GuildEntries
from bot.library.records import ReadingCard

NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)
G1, G2 = 111, 222


async def _store(session_factory) -> None:
    async with session_factory() as session, session.begin():
        session.add(
            LibraryReading(
                guild_id=G1,
                slug="voline",
                title="The Unknown Revolution",
                authors="Voline",
                added_by=1,
                created_at=NOW,
            )
        )
        session.add(
            LibraryExcerpt(
                guild_id=G1,
                author="Ida Mett",
                work="The Kronstadt Uprising",
                date_text="1938",
                text="The sailors wanted free soviets.",
                added_by=1,
                created_at=NOW,
            )
        )
        session.add(LibraryAssignment(guild_id=G1, reading_id="voline", week=4, assigned_at=NOW))


async def test_loads_every_servers_readings_once_and_no_excerpts(session_factory) -> None:
    await _store(session_factory)
    cache = GuildCache(session_factory)
    entries = await cache.entries(G1)  # the first look-up loads everything
    assert list(entries.readings) == ["voline"]
    assert entries.assignments == {"voline": 4}
    assert entries.scheduled(entries.readings["voline"]).week == 4
    assert not hasattr(entries, "excerpts")  # memory does not grow with excerpts
    # Only per-server settings are held: readings, weeks and hidden pack readings.
    assert set(vars(GuildEntries())) == {"readings", "assignments", "hidden"}
    assert (await cache.entries(G2)).readings == {}
    await cache.load()  # already loaded: nothing doubles
    assert list((await cache.entries(G1)).readings) == ["voline"]


async def test_reported_writes_keep_memory_in_step(session_factory) -> None:
    cache = GuildCache(session_factory)
    await cache.load()
    card = ReadingCard("anarchy-works", "Anarchy Works", "Peter Gelderloos", 2010, None)
    cache.reading_added(G2, card)
    cache.reading_assigned(G2, card.id, 2)
    entries = await cache.entries(G2)
    assert entries.readings == {"anarchy-works": card}
    assert entries.scheduled(card).week == 2
    assert (await cache.entries(G1)).readings == {}
