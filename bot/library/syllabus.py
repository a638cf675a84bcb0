"""A server's syllabus: which reading is in which week, and when each week starts.

Weeks follow the session schedule when the server has one (week N starts with the Nth
session, see :class:`SyllabusCalendar`); otherwise they run weekly from a start date, set to
the Monday of the week the syllabus is first looked at and changeable later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.library import LibraryAssignment, LibraryHidden, LibrarySyllabus
from bot.errors import UserError
from bot.library.guild_cache import GuildCache
from bot.library.loader import ContentPack
from bot.library.readings import ReadingCatalogue
from bot.library.records import ReadingCard, Syllabus, SyllabusWeek, check_week


class SyllabusCalendar(Protocol):
    """Supplies the dates weeks start on (the sessions feature: one per scheduled session)."""

    async def week_starts(self, guild_id: int) -> Sequence[date] | None:
        """Sorted start dates of weeks 1, 2, ...; ``None`` when the server has no schedule."""
        ...


def week_number(dates: list[date] | None, start: date, today: date) -> int:
    """The week ``today`` falls in: by session dates if there are any, else weekly from start."""
    if dates is not None:
        # With sessions, "this week" is the week of the next session (or of today's): the
        # reading to prepare. Sessions already held are behind us.
        return min(len(dates), sum(1 for d in dates if d < today) + 1)
    return max(1, (today - start).days // 7 + 1)


class SyllabusPlanner:
    """Week assignments, the start date and the syllabus built from them."""

    def __init__(
        self,
        pack: ContentPack,
        catalogue: ReadingCatalogue,
        cache: GuildCache,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        calendar: SyllabusCalendar | None = None,
    ) -> None:
        self.pack = pack
        self.calendar = calendar
        self._catalogue = catalogue
        self._cache = cache
        self._sessions = session_factory
        self._clock = clock
        self._start_dates: dict[int, date] = {}  # set once per server, then read often

    # -- assignments ------------------------------------------------------------------------
    async def assign(
        self, guild_id: int, reading: str, week: int, by: int | None = None
    ) -> ReadingCard:
        """Put a reading in a week of this server's syllabus (overrides the pack's order); a
        pack reading the server hid comes back."""
        check_week(week)
        card = await self._catalogue.find(guild_id, reading, include_hidden=True)
        await self._set_week(guild_id, card.id, week, by)
        return (await self._cache.entries(guild_id)).scheduled(card)

    async def unassign(
        self, guild_id: int, reading: str, by: int | None = None
    ) -> tuple[ReadingCard, int]:
        """Take a reading out of its week (it stays on the server, "not scheduled yet");
        returns the card and the week it left."""
        card = await self._catalogue.find(guild_id, reading)
        if card.week is None:
            raise UserError(
                f"*{card.title}* is not in any week. Put it in one with `/reading assign`."
            )
        await self._set_week(guild_id, card.id, None, by)
        return (await self._cache.entries(guild_id)).scheduled(card), card.week

    async def _set_week(
        self, guild_id: int, reading_id: str, week: int | None, by: int | None
    ) -> None:
        now = self._clock()
        async with self._sessions() as session, session.begin():
            if week is not None:
                hidden = await session.get(LibraryHidden, (guild_id, reading_id))
                if hidden is not None:
                    await session.delete(hidden)
            row = await session.get(LibraryAssignment, (guild_id, reading_id))
            if row is None:
                session.add(
                    LibraryAssignment(
                        guild_id=guild_id,
                        reading_id=reading_id,
                        week=week,
                        assigned_by=by,
                        assigned_at=now,
                    )
                )
            else:
                row.week, row.assigned_by, row.assigned_at = week, by, now
        self._cache.reading_assigned(guild_id, reading_id, week)

    # -- the start date ---------------------------------------------------------------------
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
        """Make week 1 start on ``start`` (used when the server has no session schedule)."""
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

    # -- weeks ------------------------------------------------------------------------------
    async def current_week(self, guild_id: int, today: date | None = None) -> int:
        """The syllabus week ``today`` falls in (1 before the start; counts on past the end)."""
        today = today or self._clock().date()
        dates, start = await self._calendar(guild_id, today)
        return week_number(dates, start, today)

    async def syllabus(self, guild_id: int, today: date | None = None) -> Syllabus:
        """Weeks in order with their readings and start dates, plus unscheduled server readings."""
        today = today or self._clock().date()
        cards = await self._catalogue.all(guild_id)
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
        current = week_number(dates, start, today)
        return Syllabus(weeks, tuple(unscheduled), current, labels)

    async def week(self, guild_id: int, number: int, today: date | None = None) -> SyllabusWeek:
        check_week(number)
        return (await self.syllabus(guild_id, today)).week(number)

    async def current(self, guild_id: int, today: date | None = None) -> SyllabusWeek:
        """This week's assignment (the week may have no readings: check ``readings``)."""
        return (await self.syllabus(guild_id, today)).current
