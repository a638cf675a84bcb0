"""The per-server cache: loaded once, kept in step with the writes, mirrored into search."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db.models.library import LibraryAssignment, LibraryExcerpt, LibraryReading
from bot.library.guild_cache import GuildCache
from bot.library.records import ReadingCard, server_quote
from bot.library.search import SearchIndex

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


async def test_loads_every_server_once_into_memory_and_the_index(session_factory) -> None:
    await _store(session_factory)
    index = SearchIndex()
    cache = GuildCache(session_factory, index)
    entries = await cache.entries(G1)  # the first look-up loads everything
    assert list(entries.readings) == ["voline"]
    assert [q.author for q in entries.excerpts.values()] == ["Ida Mett"]
    assert entries.assignments == {"voline": 4}
    assert entries.scheduled(entries.readings["voline"]).week == 4
    assert (await cache.entries(G2)).readings == {}
    await cache.load()  # already loaded: nothing doubles
    assert len(index) == 2
    assert [h.ref for h in index.search("Voline", guild_id=G1)] == ["voline"]
    assert index.search("Voline", guild_id=G2) == []


async def test_reported_writes_keep_memory_and_index_in_step(session_factory) -> None:
    index = SearchIndex()
    cache = GuildCache(session_factory, index)
    await cache.load()
    card = ReadingCard("anarchy-works", "Anarchy Works", "Peter Gelderloos", 2010, None)
    cache.reading_added(G2, card)
    cache.reading_assigned(G2, card.id, 2)
    entries = await cache.entries(G2)
    assert entries.scheduled(card).week == 2
    assert [h.ref for h in index.search("Gelderloos", guild_id=G2)] == ["anarchy-works"]

    row = LibraryExcerpt(
        id=5,
        guild_id=G2,
        author="Ida Mett",
        work="The Kronstadt Uprising",
        date_text="1938",
        text="The sailors wanted free soviets.",
        added_by=1,
        created_at=NOW,
    )
    cache.excerpt_added(G2, 5, server_quote(row))
    assert [h.ref for h in index.search("Mett", guild_id=G2)] == ["g5"]
    cache.excerpt_removed(G2, 5)
    assert entries.excerpts == {}
    assert index.search("Mett", guild_id=G2) == []
