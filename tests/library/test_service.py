"""LibraryService against a real database: syllabus, assignments, progress, excerpts, quotes,
citations, resolution, timeline and autocomplete, always per server."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.errors import NotFound, UserError
from bot.library.loader import load_pack
from bot.library.service import LibraryService

CONTENT = Path(__file__).resolve().parents[2] / "content"
NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)  # a Wednesday
G1, G2 = 111, 222


@pytest.fixture(scope="module")
def pack():
    return load_pack(CONTENT)


@pytest.fixture
def service(pack, session_factory) -> LibraryService:
    return LibraryService(pack, session_factory, clock=lambda: NOW)


class FixedCalendar:
    def __init__(self, dates: list[date]) -> None:
        self.dates = dates

    async def week_starts(self, guild_id: int) -> list[date] | None:
        return self.dates if guild_id == G1 else None


async def test_syllabus_follows_pack_order_and_start_is_set_on_first_use(service) -> None:
    syllabus = await service.syllabus(G1)
    assert [w.number for w in syllabus.weeks] == list(range(1, 11))
    assert syllabus.weeks[0].readings[0].id == "maximoff-1917"
    assert syllabus.weeks[0].label == "Soviets, 1917"
    assert syllabus.weeks[0].starts == date(2024, 3, 4)  # Monday of the first-use week
    assert syllabus.weeks[2].starts == date(2024, 3, 18)
    assert await service.current_week(G1, date(2024, 3, 20)) == 3
    assert (await service.current(G1, date(2024, 3, 20))).readings[0].id == "jones-1984"
    assert await service.current_week(G1, date(2024, 1, 1)) == 1  # before the start


async def test_week_dates_come_from_the_calendar_when_there_is_one(pack, session_factory) -> None:
    calendar = FixedCalendar([date(2024, 5, 2), date(2024, 5, 9), date(2024, 5, 20)])
    service = LibraryService(pack, session_factory, clock=lambda: NOW, calendar=calendar)
    # "This week" is the week of the next session, or of today's.
    assert await service.current_week(G1, date(2024, 5, 1)) == 1
    assert await service.current_week(G1, date(2024, 5, 9)) == 2
    assert await service.current_week(G1, date(2024, 5, 10)) == 3
    assert await service.current_week(G1, date(2024, 6, 30)) == 3  # past the last session
    syllabus = await service.syllabus(G1, date(2024, 5, 10))
    assert [w.starts for w in syllabus.weeks[:4]] == [
        date(2024, 5, 2),
        date(2024, 5, 9),
        date(2024, 5, 20),
        None,
    ]
    assert await service.current_week(G2, date(2024, 3, 13)) == 1  # no schedule: start set now
    await service.set_start_date(G2, date(2024, 3, 4))
    assert await service.current_week(G2, date(2024, 3, 13)) == 2


async def test_assign_overrides_per_guild_only(service, pack, session_factory) -> None:
    card = await service.assign(G1, "Piriani", 1, by=5)
    assert (card.id, card.week) == ("pirani-2008", 1)
    week1 = await service.week(G1, 1)
    assert {c.id for c in week1.readings} == {"maximoff-1917", "pirani-2008"}
    assert {c.id for c in (await service.week(G2, 1)).readings} == {"maximoff-1917"}
    # persisted: a fresh service sees it
    fresh = LibraryService(pack, session_factory, clock=lambda: NOW)
    assert (await fresh.reading(G1, "pirani-2008")).week == 1
    with pytest.raises(UserError, match="1 to 52"):
        await service.assign(G1, "pirani-2008", 0)
    with pytest.raises(NotFound):
        await service.assign(G1, "no such book at all", 2)


async def test_reading_lookup_tolerates_aliases_and_reports_ambiguity(service) -> None:
    assert (await service.reading(G1, "Anarchpac")).id == "anarchopac-2019"
    assert (await service.reading(G1, "14 point list")).id == "kronstadt-resolution-1921"
    with pytest.raises(UserError, match="matches several readings"):
        await service.reading(G1, "mckay")
    with pytest.raises(UserError):
        await service.reading(G1, "   ")


async def test_add_reading_validates_and_is_per_guild(service) -> None:
    card = await service.add_reading(
        G1,
        9,
        "The Unknown Revolution",
        "Voline",
        1947,
        "https://example.org/v",
        "A history.",
        week=11,
    )
    assert (card.id, card.source, card.week) == ("the-unknown-revolution", "server", 11)
    assert (await service.reading(G1, "unknown revolution")).id == card.id
    with pytest.raises(NotFound):
        await service.reading(G2, "the-unknown-revolution")
    again = await service.add_reading(G1, 9, "The Unknown Revolution", "Voline")
    assert again.id == "the-unknown-revolution-2"
    assert any(h.ref == card.id for h in await service.search(G1, "Voline"))
    assert not any(h.ref == card.id for h in await service.search(G2, "Voline"))
    for kwargs, message in [
        ({"title": "", "authors": "X"}, "title"),
        ({"title": "T", "authors": " "}, "author"),
        ({"title": "T", "authors": "X", "year": 3000}, "year"),
        ({"title": "T", "authors": "X", "url": "ftp://x"}, "http"),
        ({"title": "T" * 201, "authors": "X"}, "too long"),
        ({"title": "T", "authors": "X", "week": 53}, "1 to 52"),
    ]:
        with pytest.raises(UserError, match=message):
            await service.add_reading(G1, 9, **kwargs)
    assert len([c for c in await service.readings(G1) if c.source == "server"]) == 2


async def test_progress(service) -> None:
    card, new = await service.mark_done(G1, 42, "Brinton")
    assert card.id == "brinton-1970"
    assert new
    assert (await service.mark_done(G1, 42, "brinton-1970"))[1] is False
    progress = await service.progress(G1, 42)
    assert [e.reading.id for e in progress.done] == ["brinton-1970"]
    assert progress.done[0].done_at == NOW
    assert progress.total == 10
    assert (await service.progress(G2, 42)).done == ()
    assert await service.done_count(G1, "brinton-1970") == 1


async def test_excerpts_are_per_guild_and_loaded_at_start(service, pack, session_factory) -> None:
    quote = await service.add_excerpt(
        G1,
        7,
        "Nestor Makhno",
        "The Russian Revolution in Ukraine",
        "1929",
        "Kronstadt fell today. Thousands of sailors and workers lie dead.",
    )
    assert quote.ref.startswith("g")
    assert quote.source == "server"
    assert any(h.ref == quote.ref for h in await service.search(G1, "Makhno"))
    assert not any(h.ref == quote.ref for h in await service.search(G2, "Makhno"))
    fresh = LibraryService(pack, session_factory, clock=lambda: NOW)
    await fresh.start()
    assert any(h.ref == quote.ref for h in await fresh.search(G1, "Makhno"))
    assert (await fresh.quote(G1, "makhnno")).ref == quote.ref
    with pytest.raises(NotFound):
        await fresh.quote(G2, "Makhno")
    with pytest.raises(NotFound):
        await service.remove_excerpt(G2, quote.ref)
    await service.remove_excerpt(G1, quote.ref)
    assert not any(h.ref == quote.ref for h in await service.search(G1, "Makhno"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"author": "", "work": "W", "date": "1921", "text": "long enough text"}, "author"),
        ({"author": "A", "work": "W", "date": "1921", "text": "short"}, "too short"),
        ({"author": "A", "work": "W", "date": "1921", "text": "x" * 1801}, "too long"),
        (
            {"author": "A", "work": "W", "date": "1" * 65, "text": "long enough text"},
            "date is too long",
        ),
        (
            {
                "author": "A",
                "work": "W",
                "date": "1921",
                "text": "long enough text",
                "reading_id": "nope nope",
            },
            "No reading",
        ),
    ],
)
async def test_bad_excerpts_change_nothing(service, kwargs, message) -> None:
    with pytest.raises(UserError, match=message):
        await service.add_excerpt(G1, 7, **kwargs)
    assert len(await service.quotes(G1)) == 33


async def test_quote_by_fuzzy_author(service) -> None:
    quote = await service.quote(G1, "Malatesa", rng=random.Random(1))
    assert quote.author == "Errico Malatesta"
    assert quote.date == "30 July 1919"
    assert (await service.quote(G1, rng=random.Random(3))).source == "pack"
    with pytest.raises(NotFound):
        await service.quote(G1, "Zzyzx")


async def test_cite_pack_and_server_readings(service) -> None:
    assert (await service.cite(G1, "Piriani", "mla")).startswith("Pirani, Simon. *The Russian")
    await service.add_reading(
        G1, 1, "Anarchy Works", "Peter Gelderloos", 2010, "https://example.org/aw"
    )
    assert await service.cite(G1, "anarchy-works", "chicago") == (
        "Gelderloos, Peter. “Anarchy Works.” Online, 2010. https://example.org/aw."
    )
    with pytest.raises(UserError):
        await service.cite(G1, "pirani-2008", "harvard")


def test_points_and_timeline(service) -> None:
    assert service.point(15).number == 15
    for bad in (0, 16, -1):
        with pytest.raises(UserError, match="points 1 to 15"):
            service.point(bad)
    assert {e.year for e in service.timeline(1921)} == {1921}
    assert len(service.timeline()) == 60
    with pytest.raises(NotFound, match="1917–1927"):
        service.timeline(1930)


async def test_autocomplete_limits_and_ranking(service) -> None:
    for n in range(30):
        await service.add_excerpt(G1, 7, f"Author {n}", "Work", "1921", "A" * 300 + f" number {n}")
    for choices in (
        await service.complete_readings(G1, ""),
        await service.complete_excerpts(G1, ""),
        await service.complete_excerpts(G1, "author"),
        await service.complete_authors(G1, ""),
        service.complete_points(""),
    ):
        assert 0 < len(choices) <= 25
        assert all(len(name) <= 100 and len(value) <= 100 for name, value in choices)
    assert (await service.complete_readings(G1, "piriani"))[0][1] == "pirani-2008"
    assert (await service.complete_authors(G1, "mckay"))[0][0] == "Iain McKay"
    assert (await service.complete_authors(G1, "Malatesa"))[0][0] == "Errico Malatesta"
    points = service.complete_points("3")
    assert points[0] == ("3 — Freedom of assembly for trade unions and peasant associations", "3")
    assert service.complete_points("1")[0][1] == "1"
    assert len(service.complete_points("1")) == 7
    assert service.complete_points("handicraft")[0][1] == "15"
    assert service.complete_years("192")[0] == ("1920", "1920")
    g2 = await service.complete_excerpts(G2, "")
    assert g2
    assert not any(re.fullmatch(r"g\d+", value) for _, value in g2)


async def test_set_start_date_moves_week_one_and_persists(service, pack, session_factory) -> None:
    assert await service.start_date(G1, date(2024, 3, 6)) == date(2024, 3, 4)  # set on first use
    await service.set_start_date(G1, date(2024, 4, 1))  # changes the stored start
    assert await service.start_date(G1) == date(2024, 4, 1)
    assert await service.current_week(G1, date(2024, 4, 15)) == 3
    assert (await service.syllabus(G1, date(2024, 4, 15))).weeks[0].starts == date(2024, 4, 1)
    fresh = LibraryService(pack, session_factory, clock=lambda: NOW)
    assert await fresh.start_date(G1) == date(2024, 4, 1)
    assert await fresh.start_date(G2, date(2024, 3, 6)) == date(2024, 3, 4)  # G2 untouched


async def test_remove_excerpt_forgets_it_everywhere(service, pack, session_factory) -> None:
    quote = await service.add_excerpt(
        G1, 7, "Ida Mett", "The Kronstadt Uprising", "1938", "The sailors wanted free soviets."
    )
    removed = await service.remove_excerpt(G1, quote.ref.upper())  # "G12" names it too
    assert removed == quote
    assert quote.ref not in {q.ref for q in await service.quotes(G1)}
    fresh = LibraryService(pack, session_factory, clock=lambda: NOW)
    assert quote.ref not in {q.ref for q in await fresh.quotes(G1)}
    for ref in (quote.ref, "serge-kronstadt-prisoners", "gx", ""):
        with pytest.raises(NotFound):
            await service.remove_excerpt(G1, ref)


async def test_the_service_cites_the_book_a_reading_is_part_of(service) -> None:
    text = await service.cite(1, "mckay-2018", "chicago")
    assert "Originally published in *Bloodstained: One Hundred Years" in text


async def test_quote_author_matches_the_start_of_a_name(service) -> None:
    rng = random.Random(3)
    for typed in ("Berk", "berkman", "alex", "ALEXANDER B", "Bérk"):
        for _ in range(5):
            quote = await service.quote(1, typed, rng)
            assert quote.author == "Alexander Berkman", typed
    assert (await service.quote(1, "Malatesa", rng)).author == "Errico Malatesta"  # misspelt
    with pytest.raises(NotFound):
        await service.quote(1, "Zzyzx", rng)


def test_who_finds_entries_by_any_spelling_and_suggests_on_a_miss(service) -> None:
    assert service.who("Kozlovskii").id == "kozlovsky"
    assert service.who("tukhachevskii").id == "tukhachevsky"
    with pytest.raises(NotFound) as error:
        service.who("Kozlowsky the Elder")
    assert "Closest names:" in str(error.value)
    assert "Kozlovsky" in str(error.value)
    choices = service.complete_glossary("kurs")
    assert choices[0] == ("kursanty (term)", "kursanty")
