"""The library service: the one object the cogs and the other features call.

Discord-free. It composes the library's parts over one per-server cache of readings
(:class:`~bot.library.guild_cache.GuildCache`) and the search in the database
(:class:`~bot.library.search.SearchEngine`), and keeps the API in one place; each part can be
read on its own:

- :mod:`bot.library.readings`: the readings a server sees, found by name, and adding them;
- :mod:`bot.library.syllabus`: week assignments, the start date and the weeks;
- :mod:`bot.library.editing`: editing and removing what a server added, hiding pack readings;
- :mod:`bot.library.progress`: members marking readings done;
- :mod:`bot.library.excerpts`: quotations, added, removed and picked at random;
- :mod:`bot.library.autocomplete`: suggestions while a member types;
- :mod:`bot.library.search`: ranked search, and finding the source of a quoted passage.

Every query is per ``guild_id``: pack content is shared, what a server changes is its own.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.errors import NotFound, UserError
from bot.library.autocomplete import Autocomplete, Choice
from bot.library.citations import cite as cite_reading
from bot.library.editing import ReadingEditor, RemovalImpact
from bot.library.excerpts import ExcerptCollection
from bot.library.glossary import GlossaryEntry
from bot.library.guild_cache import GuildCache
from bot.library.loader import ContentPack
from bot.library.progress import ProgressTracker
from bot.library.readings import ReadingCatalogue
from bot.library.records import Progress, Quote, ReadingCard, Syllabus, SyllabusWeek, citable
from bot.library.schemas import Event, Point
from bot.library.search import Hit, SearchEngine
from bot.library.search.passages import PassageFinder, SourceMatch
from bot.library.syllabus import SyllabusCalendar, SyllabusPlanner
from bot.text import one_line


class LibraryService:
    """Readings, syllabus, progress, excerpts, search, citations, the resolution and timeline."""

    def __init__(
        self,
        pack: ContentPack,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        calendar: SyllabusCalendar | None = None,
        search: SearchEngine | None = None,
    ) -> None:
        self.pack = pack
        if search is None:
            bind = session_factory.kw.get("bind")
            if not isinstance(bind, AsyncEngine):
                raise TypeError("the session factory must be bound to an engine, or pass search=")
            search = SearchEngine(bind, pack)
        self.engine = search
        self.passages = PassageFinder(self.engine)
        self.cache = GuildCache(session_factory)
        self.catalogue = ReadingCatalogue(pack, self.cache, session_factory, clock)
        self.planner = SyllabusPlanner(
            pack, self.catalogue, self.cache, session_factory, clock, calendar
        )
        self.tracker = ProgressTracker(self.catalogue, session_factory, clock)
        self.editor = ReadingEditor(self.catalogue, self.cache, session_factory, clock)
        self.excerpts = ExcerptCollection(pack, self.catalogue, session_factory, clock)
        self.autocomplete = Autocomplete(pack, self.catalogue, self.excerpts)

    async def start(self) -> None:
        """Load every server's readings into memory and bring the pack's search rows up to date."""
        await self.cache.load()
        await self.engine.start()

    # -- readings ---------------------------------------------------------------------------
    async def readings(self, guild_id: int) -> list[ReadingCard]:
        return await self.catalogue.all(guild_id)

    async def reading(self, guild_id: int, query: str) -> ReadingCard:
        return await self.catalogue.find(guild_id, query)

    async def reading_including_hidden(self, guild_id: int, query: str) -> ReadingCard:
        """A reading by name, pack readings this server hid included (to bring one back)."""
        return await self.catalogue.find(guild_id, query, include_hidden=True)

    async def add_reading(
        self,
        guild_id: int,
        added_by: int,
        title: str,
        authors: str,
        year: int | None = None,
        url: str | None = None,
        summary: str | None = None,
        week: int | None = None,
    ) -> ReadingCard:
        return await self.catalogue.add(
            guild_id, added_by, title, authors, year, url, summary, week
        )

    async def cite(self, guild_id: int, reading: str, style: str = "chicago") -> str:
        """A citation of a pack or server reading (``UserError`` for an unknown style)."""
        card = await self.catalogue.find(guild_id, reading)
        source = self.pack.reading(card.id) if card.source == "pack" else None
        if source is None:
            source = citable(card)
        parent = self.pack.reading(source.part_of) if source.part_of else None
        return cite_reading(source, style, parent)

    # -- the syllabus -----------------------------------------------------------------------
    async def assign(
        self, guild_id: int, reading: str, week: int, by: int | None = None
    ) -> ReadingCard:
        return await self.planner.assign(guild_id, reading, week, by)

    async def unassign(
        self, guild_id: int, reading: str, by: int | None = None
    ) -> tuple[ReadingCard, int]:
        return await self.planner.unassign(guild_id, reading, by)

    async def is_hidden(self, guild_id: int, reading_id: str) -> bool:
        return await self.catalogue.is_hidden(guild_id, reading_id)

    async def hidden_readings(self, guild_id: int) -> frozenset[str]:
        """Pack readings this server removed (their prompts are not drawn)."""
        return frozenset((await self.cache.entries(guild_id)).hidden)

    # -- correcting the library -------------------------------------------------------------
    async def editable_reading(self, guild_id: int, reading: str) -> ReadingCard:
        return await self.editor.editable_reading(guild_id, reading)

    async def edit_reading(
        self,
        guild_id: int,
        reading_id: str,
        title: str,
        authors: str,
        year: int | None = None,
        url: str | None = None,
        summary: str | None = None,
    ) -> ReadingCard:
        return await self.editor.edit_reading(
            guild_id, reading_id, title, authors, year, url, summary
        )

    async def editable_excerpt(self, guild_id: int, ref: str) -> Quote:
        return await self.editor.editable_excerpt(guild_id, ref)

    async def edit_excerpt(
        self, guild_id: int, ref: str, author: str, work: str, date: str, text: str
    ) -> Quote:
        return await self.editor.edit_excerpt(guild_id, ref, author, work, date, text)

    async def removal_impact(self, guild_id: int, reading: str) -> RemovalImpact:
        return await self.editor.removal_impact(guild_id, reading)

    async def remove_reading(
        self, guild_id: int, reading_id: str, by: int | None = None
    ) -> RemovalImpact:
        return await self.editor.remove(guild_id, reading_id, by)

    async def start_date(self, guild_id: int, today: date | None = None) -> date:
        return await self.planner.start_date(guild_id, today)

    async def set_start_date(self, guild_id: int, start: date) -> None:
        await self.planner.set_start_date(guild_id, start)

    async def current_week(self, guild_id: int, today: date | None = None) -> int:
        return await self.planner.current_week(guild_id, today)

    async def syllabus(self, guild_id: int, today: date | None = None) -> Syllabus:
        return await self.planner.syllabus(guild_id, today)

    async def week(self, guild_id: int, number: int, today: date | None = None) -> SyllabusWeek:
        return await self.planner.week(guild_id, number, today)

    async def current(self, guild_id: int, today: date | None = None) -> SyllabusWeek:
        return await self.planner.current(guild_id, today)

    # -- progress ---------------------------------------------------------------------------
    async def mark_done(
        self, guild_id: int, user_id: int, reading: str
    ) -> tuple[ReadingCard, bool]:
        return await self.tracker.mark_done(guild_id, user_id, reading)

    async def progress(self, guild_id: int, user_id: int) -> Progress:
        return await self.tracker.progress(guild_id, user_id)

    async def readers(self, guild_id: int) -> dict[str, frozenset[int]]:
        return await self.tracker.readers(guild_id)

    async def done_count(self, guild_id: int, reading: str) -> int:
        return await self.tracker.done_count(guild_id, reading)

    # -- excerpts and search ----------------------------------------------------------------
    async def add_excerpt(
        self,
        guild_id: int,
        added_by: int,
        author: str,
        work: str,
        date: str,
        text: str,
        reading_id: str | None = None,
    ) -> Quote:
        return await self.excerpts.add(guild_id, added_by, author, work, date, text, reading_id)

    async def remove_excerpt(self, guild_id: int, ref: str) -> Quote:
        return await self.excerpts.remove(guild_id, ref)

    async def quotes(self, guild_id: int) -> list[Quote]:
        return await self.excerpts.all(guild_id)

    async def quote(
        self, guild_id: int, author: str | None = None, rng: random.Random | None = None
    ) -> Quote:
        return await self.excerpts.random(guild_id, author, rng)

    async def search(self, guild_id: int, query: str, limit: int = 10) -> list[Hit]:
        """Ranked hits across excerpts, readings, the resolution, the timeline and the glossary
        (and this server's own excerpts and readings)."""
        return await self.engine.search(guild_id, query, limit)

    async def find_source(self, guild_id: int, text: str) -> SourceMatch | None:
        """The passage ``text`` quotes or paraphrases, if one is close enough."""
        return await self.passages.find(guild_id, text)

    # -- the resolution and the timeline ----------------------------------------------------
    def point(self, number: int) -> Point:
        found = self.pack.point(number)
        if found is None:
            raise UserError(
                f"The resolution has points 1 to {len(self.pack.resolution.points)}; "
                f"there is no point {number}."
            )
        return found

    def timeline(self, year: int | None = None) -> list[Event]:
        events = self.pack.events_in(year)
        if not events:
            years = sorted({e.year for e in self.pack.events})
            raise NotFound(
                f"No timeline events in {year}. The timeline covers {years[0]}–{years[-1]}; "
                f"years with events: {', '.join(map(str, years))}."
            )
        return events

    # -- the glossary -----------------------------------------------------------------------
    def who(self, query: str) -> GlossaryEntry:
        """A glossary entry by name, alias or a misspelling; ``NotFound`` names the closest."""
        glossary = self.pack.glossary
        entry = glossary.find(query or "")
        if entry is not None:
            return entry
        asked = one_line(query or "", 80)
        if not len(glossary):
            raise NotFound("This content pack has no glossary.")
        near = glossary.closest(query or "")
        hint = (
            "Closest names: " + ", ".join(e.name for e in near) + "."
            if near
            else "Try a surname, an organisation or a place; the list suggests names as you type."
        )
        raise NotFound(f"The glossary has no entry for {asked!r}. {hint}")

    def complete_glossary(self, current: str) -> list[Choice]:
        """Glossary names starting with (then containing, then close to) what is typed."""
        glossary = self.pack.glossary
        found = glossary.starting_with(current or "") or glossary.closest(current or "", 25)
        return [(f"{e.name} ({e.kind})", e.id) for e in found]

    # -- autocomplete -----------------------------------------------------------------------
    async def complete_readings(self, guild_id: int, current: str) -> list[Choice]:
        return await self.autocomplete.readings(guild_id, current)

    async def complete_authors(self, guild_id: int, current: str) -> list[Choice]:
        return await self.autocomplete.authors(guild_id, current)

    async def complete_excerpts(self, guild_id: int, current: str) -> list[Choice]:
        return await self.autocomplete.excerpts(guild_id, current)

    def complete_points(self, current: str) -> list[Choice]:
        return self.autocomplete.points(current)

    def complete_years(self, current: str) -> list[Choice]:
        return self.autocomplete.years(current)
