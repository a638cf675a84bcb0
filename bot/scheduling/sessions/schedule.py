"""Changing the weekly schedule: set it, configure it, skip or move one session, cancel it.

Each change commits together with the timer sync it implies, so the timers never disagree with
the schedule another transaction can see.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import SessionMove, SessionSchedule, SessionSkip
from bot.errors import UserError
from bot.scheduling.clock import Clock
from bot.scheduling.parsing import (
    parse_date,
    parse_duration,
    parse_time,
    parse_weekday,
    parse_zone,
)
from bot.scheduling.recurrence import (
    Occurrence,
    WeeklySchedule,
    local_to_utc,
    next_occurrences,
    occurrence_on,
    regular_dates,
)
from bot.scheduling.sessions import queries, replacement
from bot.scheduling.sessions.timer_sync import SessionTimers
from bot.scheduling.sessions.values import (
    DEFAULT_ANNOUNCE_BEFORE,
    DEFAULT_DURATION,
    READING_POST_TIME,
    ScheduleInfo,
    SessionOccurrence,
)

P = ParamSpec("P")
T = TypeVar("T")

MIN_DURATION = timedelta(minutes=5)
MAX_DURATION = timedelta(hours=12)
MAX_ANNOUNCE_BEFORE = timedelta(days=13)
_NEW_DATETIME_HELP = "Give the new time as `19:30` (same day) or `2026-12-04 19:30`."


def _changes_schedule(
    method: Callable[Concatenate[ScheduleEditor, int, P], Awaitable[T]],
) -> Callable[Concatenate[ScheduleEditor, int, P], Awaitable[T]]:
    """Tell the cache to forget the server's schedule once the write has ended."""

    @functools.wraps(method)
    async def wrapper(self: ScheduleEditor, guild_id: int, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await method(self, guild_id, *args, **kwargs)
        finally:
            self._on_change(guild_id)

    return wrapper


class ScheduleEditor:
    """The organisers' schedule commands, without Discord."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        timers: SessionTimers,
        clock: Clock,
        on_change: Callable[[int], None],
    ) -> None:
        self._session_factory = session_factory
        self._timers = timers
        self._clock = clock
        self._on_change = on_change  # called with the guild id after every write

    @_changes_schedule
    async def schedule(
        self,
        guild_id: int,
        weekday: str | int,
        at: str | time,
        zone: str | None = None,
        channel_id: int | None = None,
        duration: str | timedelta | None = None,
        starts: str | date | None = None,
        ends: str | date | None = None,
        *,
        created_by: int | None = None,
    ) -> ScheduleInfo:
        """Replace the server's weekly schedule (cancelling the old one's timers); coming
        answers, skips and moves the new schedule still has a place for are kept."""
        length = _duration(duration)
        now = self._clock()
        async with self._session_factory() as s, s.begin():
            probe = await self._probe(s, guild_id, weekday, at, zone, starts, ends, now)
            weekday_n, local_time, zone_name = probe.weekday, probe.at, probe.zone
            starts_d, ends_d = probe.starts, probe.ends
            previous = await queries.active_row(s, guild_id)
            row = SessionSchedule(
                guild_id=guild_id,
                active=True,
                weekday=weekday_n,
                local_time=local_time,
                zone=zone_name,
                channel_id=channel_id
                if channel_id is not None
                else (previous.channel_id if previous else None),
                duration_minutes=int(length.total_seconds() // 60),
                starts_on=starts_d,
                ends_on=ends_d,
                announce_before_minutes=(
                    previous.announce_before_minutes
                    if previous
                    else int(DEFAULT_ANNOUNCE_BEFORE.total_seconds() // 60)
                ),
                # By default the next week's reading is posted the morning after each session.
                reading_post_weekday=(
                    previous.reading_post_weekday if previous else (weekday_n + 1) % 7
                ),
                reading_post_time=previous.reading_post_time if previous else READING_POST_TIME,
                created_by=created_by,
                created_at=now,
            )
            if previous is not None:
                previous.active = False
                previous.cancelled_at = now
            s.add(row)
            await s.flush()
            if previous is not None:
                old = await queries.schedule_info(s, previous)
                await replacement.carry_over(s, old, row.id, probe, now)
                await s.flush()
            return await self._synced(s, row)

    async def replacement_losses(
        self,
        guild_id: int,
        weekday: str | int,
        at: str | time,
        zone: str | None = None,
        starts: str | date | None = None,
        ends: str | date | None = None,
    ) -> replacement.Losses:
        """What :meth:`schedule` with these values would drop (bad input raises as it would)."""
        now = self._clock()
        async with self._session_factory() as s:
            probe = await self._probe(s, guild_id, weekday, at, zone, starts, ends, now)
            old = await queries.active_schedule(s, guild_id)
            if old is None:
                return replacement.Losses()
            return await replacement.losses(s, old, probe, now)

    async def cancel_losses(self, guild_id: int) -> tuple[ScheduleInfo, replacement.Losses]:
        """The active schedule and what cancelling it would drop (NotFound without one)."""
        async with self._session_factory() as s:
            _, old = await queries.require_active(s, guild_id)
            return old, await replacement.losses(s, old, None, self._clock())

    async def _probe(
        self,
        s: AsyncSession,
        guild_id: int,
        weekday: str | int,
        at: str | time,
        zone: str | None,
        starts: str | date | None,
        ends: str | date | None,
        now: datetime,
    ) -> WeeklySchedule:
        """The new schedule's rule from what the organiser typed; a UserError if it is wrong."""
        weekday_n = weekday if isinstance(weekday, int) else parse_weekday(weekday)
        if not 0 <= weekday_n <= 6:
            raise UserError("Weekday must be between Monday and Sunday.")
        local_time = at if isinstance(at, time) else parse_time(at)
        starts_d = starts if isinstance(starts, date) or starts is None else parse_date(starts)
        ends_d = ends if isinstance(ends, date) or ends is None else parse_date(ends)
        zone_name = parse_zone(zone or await queries.guild_zone(s, guild_id)).key
        today = now.astimezone(parse_zone(zone_name)).date()
        if starts_d is not None and starts_d < today:
            raise UserError(f"The start date {starts_d} is in the past. Pick today or later.")
        if ends_d is not None and ends_d < today:
            raise UserError(f"The end date {ends_d} is in the past.")
        if starts_d is not None and ends_d is not None and ends_d < starts_d:
            raise UserError("The end date is before the start date.")
        probe = WeeklySchedule(weekday_n, local_time, zone_name, starts_d, ends_d)
        if not next_occurrences(probe, now, 1):
            raise UserError(
                "No session would fall between those dates. Check the weekday and dates."
            )
        return probe

    @_changes_schedule
    async def configure(
        self,
        guild_id: int,
        *,
        announce_before: str | timedelta | None = None,
        reading_weekday: str | int | None = None,
        reading_time: str | time | None = None,
        channel_id: int | None = None,
    ) -> ScheduleInfo:
        """Change announcement lead time, the weekly reading post's day/time, or the channel."""
        async with self._session_factory() as s, s.begin():
            row, _ = await queries.require_active(s, guild_id)
            if announce_before is not None:
                lead = (
                    announce_before
                    if isinstance(announce_before, timedelta)
                    else parse_duration(announce_before, maximum=MAX_ANNOUNCE_BEFORE)
                )
                if not timedelta(0) <= lead <= MAX_ANNOUNCE_BEFORE:
                    raise UserError("Announce between 0 and 13 days before the session.")
                row.announce_before_minutes = int(lead.total_seconds() // 60)
            if (reading_weekday is None) != (reading_time is None):
                raise UserError("Give both the weekday and the time for the weekly reading post.")
            if reading_weekday is not None and reading_time is not None:
                row.reading_post_weekday = (
                    reading_weekday
                    if isinstance(reading_weekday, int)
                    else parse_weekday(reading_weekday)
                )
                row.reading_post_time = (
                    reading_time if isinstance(reading_time, time) else parse_time(reading_time)
                )
            if channel_id is not None:
                row.channel_id = channel_id
            await s.flush()
            return await self._synced(s, row)

    @_changes_schedule
    async def skip(self, guild_id: int, local_date: str | date) -> SessionOccurrence:
        """Skip the session whose regular local date is ``local_date``."""
        day = local_date if isinstance(local_date, date) else parse_date(local_date)
        now = self._clock()
        async with self._session_factory() as s, s.begin():
            row, info = await queries.require_active(s, guild_id)
            occurrence = _occurrence_or_error(info, day)
            if occurrence.start <= now:
                raise UserError(f"The session of {day} has already started or happened.")
            s.add(SessionSkip(guild_id=guild_id, schedule_id=row.id, local_date=day))
            await _clear_move(s, row, day)
            await s.flush()
            return SessionOccurrence(await self._synced(s, row), occurrence)

    @_changes_schedule
    async def move(self, guild_id: int, local_date: str | date, new_time: str) -> SessionOccurrence:
        """Move one session: ``new_time`` is ``19:30`` (same day) or ``2026-12-04 19:30``."""
        day = local_date if isinstance(local_date, date) else parse_date(local_date)
        new_day, new_at = _parse_new_time(new_time, day)
        now = self._clock()
        async with self._session_factory() as s, s.begin():
            row, info = await queries.require_active(s, guild_id)
            original = _occurrence_or_error(info, day)
            if original.start <= now:
                raise UserError(f"The session of {day} has already started or happened.")
            tz = parse_zone(info.zone)
            new_start = local_to_utc(new_day, new_at, tz)
            if new_start <= now:
                raise UserError("The new time is in the past.")
            recurrence = replace(info.recurrence(), moves={})
            previous_regular = [
                d for d in regular_dates(recurrence, day - timedelta(days=7)) if d < day
            ][:1]
            next_regular = next(regular_dates(recurrence, day + timedelta(days=1)), None)
            low = local_to_utc(previous_regular[0], info.at, tz) if previous_regular else None
            high = local_to_utc(next_regular, info.at, tz) if next_regular else None
            if (low is not None and new_start <= low) or (high is not None and new_start >= high):
                raise UserError(
                    "A session can only move to a time between the sessions before and after it."
                )
            await _clear_move(s, row, day)
            if new_start != original.key:  # moving back to the regular time just clears the move
                s.add(
                    SessionMove(
                        guild_id=guild_id,
                        schedule_id=row.id,
                        local_date=day,
                        new_date=new_day,
                        new_time=new_at,
                    )
                )
            await s.flush()
            info = await self._synced(s, row)
            moved = occurrence_on(info.recurrence(), day)
            assert moved is not None
            counts = await queries.rsvp_counts_of(s, info, moved.key)
            return SessionOccurrence(info, moved, counts)

    @_changes_schedule
    async def cancel(self, guild_id: int) -> ScheduleInfo:
        """Stop the weekly sessions and cancel their pending timers."""
        async with self._session_factory() as s, s.begin():
            row, info = await queries.require_active(s, guild_id)
            row.active = False
            row.cancelled_at = self._clock()
            await s.flush()
            await self._timers.sync(s, guild_id, None)
            return replace(info, active=False)

    async def _synced(self, s: AsyncSession, row: SessionSchedule) -> ScheduleInfo:
        """The changed schedule, re-read, with its timers brought in line (same transaction)."""
        info = await queries.schedule_info(s, row)
        await self._timers.sync(s, row.guild_id, info)
        return info


def _duration(value: str | timedelta | None) -> timedelta:
    if isinstance(value, timedelta):
        length = value
    elif value is None:
        length = DEFAULT_DURATION
    else:
        length = parse_duration(value, minimum=MIN_DURATION, maximum=MAX_DURATION)
    if not MIN_DURATION <= length <= MAX_DURATION:
        raise UserError("A session lasts between 5 minutes and 12 hours.")
    return length


def _occurrence_or_error(info: ScheduleInfo, day: date) -> Occurrence:
    """The (unskipped) occurrence regularly on ``day``; UserError naming the usual days if not."""
    recurrence = info.recurrence()
    if not recurrence.is_occurrence_date(day):
        raise UserError(
            f"There is no session on {day:%A} {day}: sessions are on {info.weekday_name}s"
            + (f" from {info.starts}" if info.starts else "")
            + (f" until {info.ends}" if info.ends else "")
            + "."
        )
    if day in info.skips:
        raise UserError(f"The session of {day} is already skipped.")
    occurrence = occurrence_on(recurrence, day)
    assert occurrence is not None
    return occurrence


async def _clear_move(s: AsyncSession, row: SessionSchedule, day: date) -> None:
    await s.execute(
        delete(SessionMove).where(
            SessionMove.schedule_id == row.id,
            SessionMove.guild_id == row.guild_id,
            SessionMove.local_date == day,
        )
    )


def _parse_new_time(text: str, day: date) -> tuple[date, time]:
    if not text.strip():
        raise UserError(_NEW_DATETIME_HELP)
    parts = text.strip().split()
    try:
        if len(parts) == 2 and "-" in parts[0]:
            return parse_date(parts[0]), parse_time(parts[1])
        return day, parse_time(text)
    except UserError as error:
        raise UserError(f"{error.message} {_NEW_DATETIME_HELP}") from None
