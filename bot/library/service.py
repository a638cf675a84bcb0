"""The library service: the API the reading/source/kronstadt/timeline cogs call.

Discord-free. Pack content is read-only and shared; everything a server changes (week
assignments, added readings and excerpts, progress, syllabus start) is stored per ``guild_id``
and every query filters by it. Server-added readings and excerpts are also kept in memory
(loaded by :meth:`LibraryService.start`) so search and autocomplete never wait on the database.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from rapidfuzz import fuzz
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.library import (
    LibraryAssignment,
    LibraryExcerpt,
    LibraryProgress,
    LibraryReading,
    LibrarySyllabus,
)
from bot.errors import NotFound, UserError
from bot.library.citations import cite as cite_reading
from bot.library.loader import ContentPack, match_name
from bot.library.schemas import Event, Person, Point, Reading
from bot.library.search import Hit, SearchIndex, excerpt_document, reading_document
from bot.library.text import normalise_key
from bot.text import one_line

MAX_WEEK = 52
MAX_CHOICES = 25
CHOICE_CHARS = 100
EXCERPT_LIMITS = {"author": 200, "work": 300, "date": 64, "text": 1800}
MIN_EXCERPT_TEXT = 10
MAX_EXCERPTS_PER_GUILD = 2000
MAX_READINGS_PER_GUILD = 200
READING_LIMITS = {"title": 200, "authors": 300, "url": 500, "summary": 1000}
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)

Choice = tuple[str, str]  # (name shown, value sent back); both <= 100 characters


class SyllabusCalendar(Protocol):
    """Supplies the dates weeks start on (the sessions feature: one per scheduled session)."""

    async def week_starts(self, guild_id: int) -> Sequence[date] | None:
        """Sorted start dates of weeks 1, 2, ...; ``None`` when the server has no schedule."""
        ...


@dataclass(frozen=True, slots=True)
class ReadingCard:
    """Everything a reading card shows; ``source`` is "pack" or "server"."""

    id: str
    title: str
    authors: str
    year: int | None
    summary: str | None
    url: str | None = None
    where: str | None = None
    length: str | None = None
    publisher: str | None = None
    week: int | None = None
    aliases: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()
    source: str = "pack"


@dataclass(frozen=True, slots=True)
class SyllabusWeek:
    number: int
    label: str | None
    starts: date | None
    readings: tuple[ReadingCard, ...]


@dataclass(frozen=True, slots=True)
class Syllabus:
    weeks: tuple[SyllabusWeek, ...]
    unscheduled: tuple[ReadingCard, ...]
    current_week: int
    labels: Mapping[int, str] = field(default_factory=dict)

    def week(self, number: int) -> SyllabusWeek:
        """Week ``number`` (an empty one if nothing is assigned to it)."""
        for week in self.weeks:
            if week.number == number:
                return week
        return SyllabusWeek(number, self.labels.get(number), None, ())

    @property
    def current(self) -> SyllabusWeek:
        return self.week(min(self.current_week, MAX_WEEK))


@dataclass(frozen=True, slots=True)
class ProgressEntry:
    reading: ReadingCard
    done_at: datetime


@dataclass(frozen=True, slots=True)
class Progress:
    done: tuple[ProgressEntry, ...]
    total: int  # readings on the server's syllabus (pack + server-added)


@dataclass(frozen=True, slots=True)
class Quote:
    """An excerpt ready to show; ``ref`` is the pack id or ``g<number>`` for a server's own."""

    ref: str
    author: str
    work: str
    date: str
    text: str
    reading_id: str | None
    source: str  # "pack" | "server"
    added_by: int | None = None
    created_at: datetime | None = None


@dataclass
class _GuildData:
    readings: dict[str, ReadingCard] = field(default_factory=dict)
    excerpts: dict[int, Quote] = field(default_factory=dict)
    assignments: dict[str, int] = field(default_factory=dict)


def _slugify(text: str) -> str:
    return "-".join(normalise_key(text).split())[:48].strip("-") or "reading"


def _card(reading: Reading) -> ReadingCard:
    return ReadingCard(
        id=reading.id,
        title=reading.full_title,
        authors=reading.author_line,
        year=reading.year,
        summary=reading.summary,
        url=reading.url,
        where=reading.where,
        length=reading.length.describe() if reading.length else None,
        publisher=reading.publisher or reading.container,
        week=reading.week,
        aliases=tuple(reading.aliases),
        prompts=tuple(reading.prompts),
        source="pack",
    )


def _quote_from_row(row: LibraryExcerpt) -> Quote:
    return Quote(
        ref=f"g{row.id}",
        author=row.author,
        work=row.work,
        date=row.date_text,
        text=row.text,
        reading_id=row.reading_id,
        source="server",
        added_by=row.added_by,
        created_at=row.created_at,
    )


def _card_from_row(row: LibraryReading) -> ReadingCard:
    return ReadingCard(
        id=row.slug,
        title=row.title,
        authors=row.authors,
        year=row.year,
        summary=row.summary,
        url=row.url,
        source="server",
    )


def _rank(query: str, items: Sequence[tuple[str, str, str]]) -> list[Choice]:
    """Rank (search key, name, value) items for autocomplete; empty query keeps the given order."""
    key = normalise_key(query)
    if not key:
        return [
            (one_line(name, CHOICE_CHARS), one_line(value, CHOICE_CHARS))
            for _, name, value in items[:MAX_CHOICES]
        ]
    scored: list[tuple[float, int, str, str]] = []
    for position, (search_key, name, value) in enumerate(items):
        score = fuzz.WRatio(key, search_key)
        if search_key.startswith(key) or f" {key}" in search_key:
            score += 25
        if score >= 60:
            scored.append((-score, position, name, value))
    scored.sort()
    return [
        (one_line(name, CHOICE_CHARS), one_line(value, CHOICE_CHARS))
        for _, _, name, value in scored[:MAX_CHOICES]
    ]


class LibraryService:
    """Readings, syllabus, progress, excerpts, search, citations, the resolution and timeline."""

    def __init__(
        self,
        pack: ContentPack,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        calendar: SyllabusCalendar | None = None,
        index: SearchIndex | None = None,
    ) -> None:
        self.pack = pack
        self._sessions = session_factory
        self._clock = clock
        self.calendar = calendar
        self._start_dates: dict[int, date] = {}  # set once per server, then read often
        self.index = index or SearchIndex.from_pack(pack)
        self._guilds: dict[int, _GuildData] = {}
        self._loaded = False
        self._load_lock = asyncio.Lock()
        self._pack_cards = {r.id: _card(r) for r in pack.readings}

    # -- start-up -------------------------------------------------------------------------
    async def start(self) -> None:
        """Load every server's added readings, excerpts and assignments into memory and the index."""
        async with self._load_lock:
            if self._loaded:
                return
            async with self._sessions() as session:
                readings = (await session.scalars(select(LibraryReading))).all()
                excerpts = (await session.scalars(select(LibraryExcerpt))).all()
                assignments = (await session.scalars(select(LibraryAssignment))).all()
            docs = []
            for row in readings:
                card = _card_from_row(row)
                self._guild(row.guild_id).readings[card.id] = card
                docs.append(self._reading_doc(card, row.guild_id))
            for row in excerpts:
                quote = _quote_from_row(row)
                self._guild(row.guild_id).excerpts[row.id] = quote
                docs.append(self._excerpt_doc(quote, row.guild_id))
            for row in assignments:
                self._guild(row.guild_id).assignments[row.reading_id] = row.week
            self.index.add_many(docs)
            self._loaded = True

    def _guild(self, guild_id: int) -> _GuildData:
        return self._guilds.setdefault(guild_id, _GuildData())

    async def _data(self, guild_id: int) -> _GuildData:
        if not self._loaded:
            await self.start()
        return self._guild(guild_id)

    @staticmethod
    def _reading_doc(card: ReadingCard, guild_id: int):  # type: ignore[no-untyped-def]
        return reading_document(
            card.id,
            card.title,
            card.authors,
            str(card.year or ""),
            card.summary or "",
            guild_id=guild_id,
        )

    @staticmethod
    def _excerpt_doc(quote: Quote, guild_id: int):  # type: ignore[no-untyped-def]
        return excerpt_document(
            quote.ref, quote.author, quote.work, quote.date, quote.text, guild_id
        )

    # -- readings -------------------------------------------------------------------------
    async def readings(self, guild_id: int) -> list[ReadingCard]:
        """Every reading on this server (pack first, then server-added), with its week."""
        data = await self._data(guild_id)
        cards = [*self._pack_cards.values(), *data.readings.values()]
        return [self._with_week(card, data) for card in cards]

    @staticmethod
    def _with_week(card: ReadingCard, data: _GuildData) -> ReadingCard:
        week = data.assignments.get(card.id, card.week)
        if week == card.week:
            return card
        return replace(card, week=week)

    async def reading(self, guild_id: int, query: str) -> ReadingCard:
        """A reading by id, title, alias or author (tolerant); ``NotFound`` or ambiguous -> error."""
        data = await self._data(guild_id)
        key = (query or "").strip()
        if not key:
            raise UserError("Name a reading: pick one from the list or type part of its title.")
        if key in self._pack_cards:
            return self._with_week(self._pack_cards[key], data)
        if key in data.readings:
            return self._with_week(data.readings[key], data)
        found = self._match_readings(key, data)
        if not found:
            raise NotFound(
                f"No reading matches {one_line(key, 80)!r}. Use /reading list to see the syllabus."
            )
        if len(found) > 1:
            names = "; ".join(f"{c.title} ({c.authors}, {c.year})" for c in found[:5])
            raise UserError(
                f"{one_line(key, 80)!r} matches several readings: {names}. Pick one from the list."
            )
        return self._with_week(found[0], data)

    def _match_readings(self, query: str, data: _GuildData) -> list[ReadingCard]:
        """Readings for a typed name: exact title/alias, then author, then substring, then fuzzy."""
        folded = normalise_key(query)
        cards = [*self._pack_cards.values(), *data.readings.values()]
        keys = {c.id: [normalise_key(k) for k in (c.id, c.title, *c.aliases)] for c in cards}
        exact = [c for c in cards if folded in keys[c.id]]
        if exact:
            return exact
        if author := self.pack.find_author(query):
            by_author = [self._pack_cards[r.id] for r in self.pack.readings_by(author)]
            if by_author:
                return by_author
        haystacks = {c.id: " ".join([*keys[c.id], normalise_key(c.authors)]) for c in cards}
        contains = [c for c in cards if folded in haystacks[c.id]]
        if contains:
            return contains
        scored = [(max(fuzz.ratio(folded, k) for k in keys[c.id]), c) for c in cards]
        best = max((score for score, _ in scored), default=0)
        if best < 80:
            return []
        return [c for score, c in scored if score >= best - 3]

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
        """Add a reading to this server only; validated first, nothing stored on bad input."""
        data = await self._data(guild_id)
        title, authors = " ".join((title or "").split()), " ".join((authors or "").split())
        url = (url or "").strip() or None
        summary = (summary or "").strip() or None
        if not title:
            raise UserError("A reading needs a title.")
        if not authors:
            raise UserError("A reading needs at least one author (or an editor or group name).")
        for name, value in (
            ("title", title),
            ("authors", authors),
            ("url", url),
            ("summary", summary),
        ):
            if value and len(value) > READING_LIMITS[name]:
                raise UserError(
                    f"The {name} is too long ({len(value)} characters; at most {READING_LIMITS[name]})."
                )
        current_year = self._clock().year
        if year is not None and not 1000 <= year <= current_year + 1:
            raise UserError(f"The year should be between 1000 and {current_year + 1}.")
        if url and not _URL.match(url):
            raise UserError("The link should be a web address starting with http:// or https://.")
        if week is not None:
            self._check_week(week)
        if len(data.readings) >= MAX_READINGS_PER_GUILD:
            raise UserError(
                f"This server already has {MAX_READINGS_PER_GUILD} added readings; remove some first."
            )
        base = _slugify(title)
        taken = set(self._pack_cards) | set(data.readings)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        now = self._clock()
        row = LibraryReading(
            guild_id=guild_id,
            slug=slug,
            title=title,
            authors=authors,
            year=year,
            url=url,
            summary=summary,
            added_by=added_by,
            created_at=now,
        )
        try:
            async with self._sessions() as session, session.begin():
                session.add(row)
                if week is not None:
                    session.add(
                        LibraryAssignment(
                            guild_id=guild_id,
                            reading_id=slug,
                            week=week,
                            assigned_by=added_by,
                            assigned_at=now,
                        )
                    )
        except IntegrityError as error:
            raise UserError(
                "A reading with that title was just added; try /reading list."
            ) from error
        card = _card_from_row(row)
        data.readings[slug] = card
        if week is not None:
            data.assignments[slug] = week
        self.index.add(self._reading_doc(card, guild_id))
        return self._with_week(card, data)

    # -- syllabus -------------------------------------------------------------------------
    @staticmethod
    def _check_week(week: int) -> None:
        if not isinstance(week, int) or not 1 <= week <= MAX_WEEK:
            raise UserError(f"Weeks run from 1 to {MAX_WEEK}; {week!r} is not one of them.")

    async def assign(
        self, guild_id: int, reading: str, week: int, by: int | None = None
    ) -> ReadingCard:
        """Put a reading in a week of this server's syllabus (overrides the pack's order)."""
        self._check_week(week)
        card = await self.reading(guild_id, reading)
        data = self._guild(guild_id)
        now = self._clock()
        async with self._sessions() as session, session.begin():
            row = await session.get(LibraryAssignment, (guild_id, card.id))
            if row is None:
                session.add(
                    LibraryAssignment(
                        guild_id=guild_id,
                        reading_id=card.id,
                        week=week,
                        assigned_by=by,
                        assigned_at=now,
                    )
                )
            else:
                row.week, row.assigned_by, row.assigned_at = week, by, now
        data.assignments[card.id] = week
        return self._with_week(card, data)

    async def start_date(self, guild_id: int, today: date | None = None) -> date:
        """Week 1's first day; set to the Monday of ``today``'s week on first use."""
        if (known := self._start_dates.get(guild_id)) is not None:
            return known
        async with self._sessions() as session:
            row = await session.get(LibrarySyllabus, guild_id)
            if row is not None:
                self._start_dates[guild_id] = row.start_date
                return row.start_date
        today = today or self._clock().date()
        start = today - timedelta(days=today.weekday())
        try:
            async with self._sessions() as session, session.begin():
                session.add(
                    LibrarySyllabus(guild_id=guild_id, start_date=start, updated_at=self._clock())
                )
        except IntegrityError:  # another task set it first: use theirs
            async with self._sessions() as session:
                row = await session.get(LibrarySyllabus, guild_id)
                assert row is not None
                start = row.start_date
        self._start_dates[guild_id] = start
        return start

    async def set_start_date(self, guild_id: int, start: date) -> None:
        async with self._sessions() as session, session.begin():
            row = await session.get(LibrarySyllabus, guild_id)
            if row is None:
                session.add(
                    LibrarySyllabus(guild_id=guild_id, start_date=start, updated_at=self._clock())
                )
            else:
                row.start_date, row.updated_at = start, self._clock()
        self._start_dates[guild_id] = start

    async def _calendar(self, guild_id: int, today: date) -> tuple[list[date] | None, date]:
        """The session dates (if the schedule drives the weeks) or the stored start date."""
        if self.calendar is not None and (dates := await self.calendar.week_starts(guild_id)):
            ordered = sorted(dates)
            return ordered, ordered[0]
        return None, await self.start_date(guild_id, today)

    @staticmethod
    def _week_number(dates: list[date] | None, start: date, today: date) -> int:
        if dates is not None:
            # With sessions, "this week" is the week of the next session (or of today's): the
            # reading to prepare. Sessions already held are behind us.
            return min(len(dates), sum(1 for d in dates if d < today) + 1)
        return max(1, (today - start).days // 7 + 1)

    async def current_week(self, guild_id: int, today: date | None = None) -> int:
        """The syllabus week ``today`` falls in (1 before the start; counts on past the end)."""
        today = today or self._clock().date()
        dates, start = await self._calendar(guild_id, today)
        return self._week_number(dates, start, today)

    async def syllabus(self, guild_id: int, today: date | None = None) -> Syllabus:
        """Weeks in order with their readings and start dates, plus unscheduled server readings."""
        today = today or self._clock().date()
        cards = await self.readings(guild_id)
        by_week: dict[int, list[ReadingCard]] = {}
        unscheduled: list[ReadingCard] = []
        for card in cards:
            (by_week.setdefault(card.week, []) if card.week else unscheduled).append(card)
        last = max(by_week, default=0)
        dates, start = await self._calendar(guild_id, today)
        starts = dates or [start + timedelta(weeks=k) for k in range(max(last, 1))]
        labels = self.pack.meta.week_labels
        weeks = tuple(
            SyllabusWeek(
                number=n,
                label=labels.get(n),
                starts=starts[n - 1] if n - 1 < len(starts) else None,
                readings=tuple(by_week[n]),
            )
            for n in sorted(by_week)
        )
        current = self._week_number(dates, start, today)
        return Syllabus(weeks, tuple(unscheduled), current, labels)

    async def week(self, guild_id: int, number: int, today: date | None = None) -> SyllabusWeek:
        self._check_week(number)
        return (await self.syllabus(guild_id, today)).week(number)

    async def current(self, guild_id: int, today: date | None = None) -> SyllabusWeek:
        """This week's assignment (the week may have no readings: check ``readings``)."""
        return (await self.syllabus(guild_id, today)).current

    # -- progress -------------------------------------------------------------------------
    async def mark_done(
        self, guild_id: int, user_id: int, reading: str
    ) -> tuple[ReadingCard, bool]:
        """Mark a reading done for a member; the bool is False if it was already marked."""
        card = await self.reading(guild_id, reading)
        try:
            async with self._sessions() as session, session.begin():
                if await session.get(LibraryProgress, (guild_id, user_id, card.id)) is not None:
                    return card, False
                session.add(
                    LibraryProgress(
                        guild_id=guild_id,
                        user_id=user_id,
                        reading_id=card.id,
                        done_at=self._clock(),
                    )
                )
        except IntegrityError:  # the same click twice at once
            return card, False
        return card, True

    async def progress(self, guild_id: int, user_id: int) -> Progress:
        cards = {c.id: c for c in await self.readings(guild_id)}
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(LibraryProgress)
                    .where(LibraryProgress.guild_id == guild_id, LibraryProgress.user_id == user_id)
                    .order_by(LibraryProgress.done_at)
                )
            ).all()
        done = tuple(
            ProgressEntry(cards[r.reading_id], r.done_at) for r in rows if r.reading_id in cards
        )
        return Progress(done, len(cards))

    async def done_count(self, guild_id: int, reading: str) -> int:
        """How many members of this server marked a reading done."""
        card = await self.reading(guild_id, reading)
        async with self._sessions() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(LibraryProgress)
                    .where(
                        LibraryProgress.guild_id == guild_id, LibraryProgress.reading_id == card.id
                    )
                )
                or 0
            )

    # -- excerpts, quotes, search ---------------------------------------------------------
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
        """Store an excerpt for this server; searchable and quotable there only."""
        data = await self._data(guild_id)
        values = {
            "author": " ".join((author or "").split()),
            "work": " ".join((work or "").split()),
            "date": " ".join((date or "").split()),
            "text": (text or "").strip(),
        }
        for name, value in values.items():
            if not value:
                raise UserError(f"An excerpt needs its {name}: say where the words come from.")
            if len(value) > EXCERPT_LIMITS[name]:
                raise UserError(
                    f"The {name} is too long ({len(value)} characters; at most {EXCERPT_LIMITS[name]})."
                )
        if len(values["text"]) < MIN_EXCERPT_TEXT:
            raise UserError(
                f"The excerpt text is too short (at least {MIN_EXCERPT_TEXT} characters)."
            )
        if reading_id:
            reading_id = (await self.reading(guild_id, reading_id)).id
        if len(data.excerpts) >= MAX_EXCERPTS_PER_GUILD:
            raise UserError(
                f"This server already has {MAX_EXCERPTS_PER_GUILD} excerpts; remove some first."
            )
        row = LibraryExcerpt(
            guild_id=guild_id,
            author=values["author"],
            work=values["work"],
            date_text=values["date"],
            text=values["text"],
            reading_id=reading_id or None,
            added_by=added_by,
            created_at=self._clock(),
        )
        async with self._sessions() as session, session.begin():
            session.add(row)
        quote = _quote_from_row(row)
        data.excerpts[row.id] = quote
        self.index.add(self._excerpt_doc(quote, guild_id))
        return quote

    async def remove_excerpt(self, guild_id: int, ref: str) -> Quote:
        """Delete one of this server's excerpts (``g<number>``); pack excerpts cannot be removed."""
        data = await self._data(guild_id)
        number = self._excerpt_number(ref)
        quote = data.excerpts.get(number) if number is not None else None
        if quote is None:
            raise NotFound(f"This server has no added excerpt {ref!r}.")
        async with self._sessions() as session, session.begin():
            await session.execute(
                delete(LibraryExcerpt).where(
                    LibraryExcerpt.guild_id == guild_id, LibraryExcerpt.id == number
                )
            )
        del data.excerpts[number]
        self.index.remove(f"guild-excerpt:{quote.ref}", guild_id)
        return quote

    @staticmethod
    def _excerpt_number(ref: str) -> int | None:
        ref = (ref or "").strip()
        if ref[:1] in ("g", "G") and ref[1:].isdigit():
            return int(ref[1:])
        return None

    def _pack_quotes(self) -> list[Quote]:
        return [
            Quote(e.id, e.author, e.work, e.date, e.text, e.reading, "pack")
            for e in self.pack.excerpts
        ]

    async def quotes(self, guild_id: int) -> list[Quote]:
        data = await self._data(guild_id)
        return [*self._pack_quotes(), *data.excerpts.values()]

    async def excerpt(self, guild_id: int, ref: str) -> Quote:
        for quote in await self.quotes(guild_id):
            if quote.ref == ref:
                return quote
        raise NotFound(f"No excerpt {one_line(ref, 80)!r} here. Try /source search.")

    async def quote(
        self, guild_id: int, author: str | None = None, rng: random.Random | None = None
    ) -> Quote:
        """A random excerpt, optionally by an author (matched tolerantly: "Malatesa" works)."""
        rng = rng or random.Random()
        quotes = await self.quotes(guild_id)
        if author and author.strip():
            keys: dict[str, str] = {}
            for q in quotes:
                key = normalise_key(q.author)
                keys.setdefault(key, q.author)
                keys.setdefault(key.split()[-1] if key else key, q.author)
            name = match_name(author, keys)
            if name is None:
                raise NotFound(
                    f"No excerpts by {one_line(author, 80)!r}. Leave the author empty for any quotation."
                )
            quotes = [q for q in quotes if q.author == name]
        if not quotes:
            raise NotFound("There are no excerpts yet. Organisers can add one with /source add.")
        return rng.choice(quotes)

    async def search(self, guild_id: int, query: str, limit: int = 10) -> list[Hit]:
        """Ranked hits across excerpts, readings, the resolution and the timeline (+ this server's)."""
        await self._data(guild_id)
        return self.index.search(query, guild_id=guild_id, limit=limit)

    # -- citations ------------------------------------------------------------------------
    async def cite(self, guild_id: int, reading: str, style: str = "chicago") -> str:
        card = await self.reading(guild_id, reading)
        source = self.pack.reading(card.id) if card.source == "pack" else None
        if source is None:
            people = [
                Person(name=n.strip()) for n in re.split(r",| and |;", card.authors) if n.strip()
            ]
            source = Reading.model_construct(
                id=card.id,
                kind="online" if card.url else "book",
                title=card.title,
                subtitle=None,
                authors=people,
                editors=[],
                translator=None,
                year=card.year or 0,
                date=None,
                publisher=None,
                place=None,
                container="Online" if card.url else None,
                url=card.url,
                where=None,
                length=None,
                week=None,
                aliases=[],
                summary=card.summary or "",
                prompts=[],
            )
            if card.year is None:
                source = source.model_copy(update={"date": "n.d."})
        return cite_reading(source, style)

    # -- the resolution and the timeline --------------------------------------------------
    def point(self, number: int) -> Point:
        points = self.pack.resolution.points
        found = self.pack.point(number) if isinstance(number, int) else None
        if found is None:
            raise UserError(
                f"The resolution has points 1 to {len(points)}; there is no point {number}."
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

    # -- autocomplete ---------------------------------------------------------------------
    async def complete_readings(self, guild_id: int, current: str) -> list[Choice]:
        cards = await self.readings(guild_id)
        cards.sort(key=lambda c: c.week or MAX_WEEK + 1)
        items = [
            (
                normalise_key(f"{c.title} {c.authors} {' '.join(c.aliases)}"),
                f"{c.title} — {c.authors}" + (f" ({c.year})" if c.year else ""),
                c.id,
            )
            for c in cards
        ]
        return _rank(current, items)

    async def complete_authors(self, guild_id: int, current: str) -> list[Choice]:
        names: dict[str, None] = dict.fromkeys(self.pack.author_names())
        for quote in await self.quotes(guild_id):
            names.setdefault(quote.author, None)
        aliases: dict[str, list[str]] = {}
        for reading in self.pack.readings:
            if len(reading.people) == 1:
                aliases.setdefault(reading.people[0].name, []).extend(reading.aliases)
        items = [(normalise_key(f"{n} {' '.join(aliases.get(n, []))}"), n, n) for n in names]
        return _rank(current, items)

    async def complete_excerpts(self, guild_id: int, current: str) -> list[Choice]:
        items = [
            (
                normalise_key(f"{q.author} {q.work} {q.text[:200]}"),
                f"{q.author} — {q.text}",
                q.ref,
            )
            for q in await self.quotes(guild_id)
        ]
        return _rank(current, items)

    def complete_points(self, current: str) -> list[Choice]:
        points = self.pack.resolution.points
        text = (current or "").strip()
        if text.isdigit():
            exact = [p for p in points if str(p.number) == text]
            rest = [p for p in points if str(p.number).startswith(text) and p not in exact]
            chosen = exact + rest
            return [
                (one_line(f"{p.number} — {p.gist}", CHOICE_CHARS), str(p.number)) for p in chosen
            ][:MAX_CHOICES]
        items = [
            (normalise_key(f"{p.gist} {p.text}"), f"{p.number} — {p.gist}", str(p.number))
            for p in points
        ]
        return _rank(text, items)

    def complete_years(self, current: str) -> list[Choice]:
        years = sorted({e.year for e in self.pack.events})
        text = (current or "").strip()
        return [(str(y), str(y)) for y in years if str(y).startswith(text)][:MAX_CHOICES]
