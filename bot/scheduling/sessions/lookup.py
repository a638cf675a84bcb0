"""Reading the schedule: the current one (cached), the coming sessions, one session, .ics."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import SessionSchedule
from bot.errors import UserError
from bot.scheduling.clock import Clock
from bot.scheduling.recurrence import next_occurrences
from bot.scheduling.sessions import queries
from bot.scheduling.sessions.calendar import EventDetails, schedule_to_ics
from bot.scheduling.sessions.values import RsvpCounts, ScheduleInfo, SessionOccurrence
from bot.scheduling.timers import TimerRecord


class SessionLookup:
    """Answers about the schedule and its sessions.

    :meth:`current` is read on every syllabus look-up, so it is cached per server; one process
    serves a server and every write goes through :class:`ScheduleEditor`, which calls
    :meth:`forget` afterwards.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._cached: dict[int, ScheduleInfo | None] = {}
        self._first_scheduled: dict[int, datetime | None] = {}

    def forget(self, guild_id: int) -> None:
        """Drop the server's cached schedule (after a write to it)."""
        self._cached.pop(guild_id, None)
        self._first_scheduled.pop(guild_id, None)

    async def current(self, guild_id: int) -> ScheduleInfo | None:
        """The active schedule, or None."""
        if guild_id in self._cached:
            return self._cached[guild_id]
        async with self._session_factory() as s:
            info = await queries.active_schedule(s, guild_id)
        self._cached[guild_id] = info
        return info

    async def first_scheduled_at(self, guild_id: int) -> datetime | None:
        """When this server first scheduled sessions (replaced schedules included)."""
        if guild_id in self._first_scheduled:
            return self._first_scheduled[guild_id]
        async with self._session_factory() as s:
            first = await s.scalar(
                select(func.min(SessionSchedule.created_at)).where(
                    SessionSchedule.guild_id == guild_id
                )
            )
        self._first_scheduled[guild_id] = first
        return first

    async def upcoming(self, guild_id: int, count: int = 5) -> list[SessionOccurrence]:
        """The next ``count`` sessions (1..25), including one in progress, with RSVP counts."""
        if not 1 <= count <= 25:
            raise UserError("Ask for between 1 and 25 sessions.")
        async with self._session_factory() as s:
            info = await queries.active_schedule(s, guild_id)
            if info is None:
                return []
            after = self._clock() - info.duration
            occurrences = next_occurrences(info.recurrence(), after, count)
            counts = await queries.rsvp_counts(s, info, [o.key for o in occurrences])
            return [
                SessionOccurrence(info, o, counts.get(o.key, RsvpCounts())) for o in occurrences
            ]

    async def next(self, guild_id: int) -> SessionOccurrence | None:
        """The next (or current) session, or None."""
        upcoming = await self.upcoming(guild_id, 1)
        return upcoming[0] if upcoming else None

    async def find(self, guild_id: int, schedule_id: int, key: datetime) -> SessionOccurrence:
        """The occurrence a button or timer refers to; UserError if it is gone."""
        async with self._session_factory() as s:
            return await queries.find_occurrence(s, guild_id, schedule_id, key)

    async def occurrence_for_timer(self, timer: TimerRecord) -> SessionOccurrence | None:
        """The session a ``session.*`` timer is about, or None if it no longer applies."""
        payload = timer.payload
        try:
            schedule_id = int(payload["schedule_id"])
            key = datetime.fromisoformat(payload["occurrence"])
        except (KeyError, TypeError, ValueError):
            return None
        try:
            return await self.find(timer.guild_id, schedule_id, key)
        except UserError:
            return None

    async def calendar(
        self,
        guild_id: int,
        *,
        title: str = "Reading group",
        details: Mapping[date, EventDetails] | None = None,
        default: EventDetails | None = None,
        stamp: datetime | None = None,
    ) -> bytes:
        """The schedule as an iCalendar file (see :func:`schedule_to_ics` for ``details``);
        NotFound without a schedule."""
        async with self._session_factory() as s:
            _, info = await queries.require_active(s, guild_id)
        return schedule_to_ics(info, title=title, details=details, default=default, stamp=stamp)

    async def uncached(self, guild_id: int) -> ScheduleInfo | None:
        """The active schedule read from the database now (a calendar feed can be served by a
        process that does not serve the server, so its cache may be behind)."""
        async with self._session_factory() as s:
            return await queries.active_schedule(s, guild_id)
