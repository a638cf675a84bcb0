"""Weekly sessions: the schedule, skips and moves, RSVPs, reminder settings and their timers.

Timers are kept on a rolling horizon: only the next ``horizon`` occurrences (default 2) have
announcement / reminder / start timers, plus the next weekly reading post. ``sync_timers`` makes
the timer rows match the schedule (idempotently, via dedupe keys); every change here calls it,
session handlers call :meth:`SessionService.after_timer` when they finish, and the bot calls
:meth:`SessionService.sync_all` once at start-up so the horizon rolls on even after downtime.

Timer kinds and payloads (all payloads carry ``schedule_id``):

* ``session.announce``  ``{schedule_id, occurrence, local_date}`` — post the announcement.
* ``session.reminder``  ``{schedule_id, occurrence, local_date, offset_minutes}`` — remind.
* ``session.start``     ``{schedule_id, occurrence, local_date}`` — thread + attendance.
* ``session.reading``   ``{schedule_id, local_date}`` — post this week's reading.

``occurrence`` is the ISO form of the occurrence's *key* (its original UTC start).
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.guild import GuildSettings
from bot.db.models.scheduling import (
    ReminderOptIn,
    ReminderSettings,
    SessionAttendance,
    SessionMove,
    SessionOccurrenceLink,
    SessionRsvp,
    SessionSchedule,
    SessionSkip,
)
from bot.errors import NotFound, UserError
from bot.scheduling.clock import Clock, utc_now
from bot.scheduling.parsing import (
    parse_date,
    parse_duration,
    parse_offsets,
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
from bot.scheduling.timers import TimerRecord, TimerService

SESSION_ANNOUNCE = "session.announce"
SESSION_REMINDER = "session.reminder"
SESSION_START = "session.start"
SESSION_READING = "session.reading"
SESSION_KINDS = (SESSION_ANNOUNCE, SESSION_REMINDER, SESSION_START, SESSION_READING)

RSVP_STATUSES = ("going", "maybe", "cant")
DELIVERIES = ("role", "dm")
DEFAULT_DURATION = timedelta(minutes=90)
DEFAULT_ANNOUNCE_BEFORE = timedelta(days=3)
READING_POST_TIME = time(9, 0)
DEFAULT_OFFSETS = (timedelta(hours=24), timedelta(hours=1))
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

NO_SCHEDULE = (
    "No weekly session is scheduled here yet. An organiser can set one up with `/session schedule`."
)


@dataclass(frozen=True)
class ScheduleInfo:
    """A server's weekly schedule, with its skips and moves."""

    id: int
    guild_id: int
    weekday: int
    at: time
    zone: str
    channel_id: int | None
    duration: timedelta
    starts: date | None
    ends: date | None
    announce_before: timedelta
    reading_weekday: int | None
    reading_time: time | None
    created_by: int | None
    active: bool = True
    created_at: datetime | None = None
    skips: frozenset[date] = frozenset()
    moves: dict[date, tuple[date, time]] = field(default_factory=dict)

    @property
    def weekday_name(self) -> str:
        return WEEKDAY_NAMES[self.weekday]

    def recurrence(self) -> WeeklySchedule:
        return WeeklySchedule(
            self.weekday, self.at, self.zone, self.starts, self.ends, self.skips, self.moves
        )

    def describe(self) -> str:
        """``Mondays at 19:00 (Europe/London)`` for messages."""
        return f"{self.weekday_name}s at {self.at:%H:%M} ({self.zone})"


@dataclass(frozen=True)
class RsvpCounts:
    going: int = 0
    maybe: int = 0
    cant: int = 0


@dataclass(frozen=True)
class SessionOccurrence:
    """One session with its schedule and RSVP counts."""

    schedule: ScheduleInfo
    occurrence: Occurrence
    counts: RsvpCounts = RsvpCounts()

    @property
    def key(self) -> datetime:
        return self.occurrence.key

    @property
    def start(self) -> datetime:
        return self.occurrence.start

    @property
    def end(self) -> datetime:
        return self.occurrence.start + self.schedule.duration

    @property
    def local_start(self) -> datetime:
        return self.occurrence.local_start(self.schedule.zone)

    @property
    def token(self) -> str:
        """Compact id for buttons' custom_ids: ``<schedule id>:<key epoch seconds>``."""
        return f"{self.schedule.id}:{int(self.key.timestamp())}"


@dataclass(frozen=True)
class ReminderConfig:
    offsets: tuple[timedelta, ...] = DEFAULT_OFFSETS
    delivery: str = "dm"
    role_id: int | None = None
    nudge: bool = False


@dataclass(frozen=True)
class OccurrenceLinks:
    event_id: int | None = None
    thread_id: int | None = None
    announcement_channel_id: int | None = None
    announcement_message_id: int | None = None


def parse_token(token: str) -> tuple[int, datetime]:
    """Inverse of :attr:`SessionOccurrence.token`."""
    try:
        schedule_part, key_part = token.split(":")
        return int(schedule_part), datetime.fromtimestamp(int(key_part), UTC)
    except (ValueError, OverflowError, OSError):
        raise UserError("That button belongs to a session I no longer know.") from None


def _key_text(key: datetime) -> str:
    return key.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def timer_key(kind: str, schedule_id: int, key: datetime, extra: str = "") -> str:
    return f"{kind}:{schedule_id}:{_key_text(key)}" + (f":{extra}" if extra else "")


T = TypeVar("T")


def _changes_schedule(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """Forget the server's cached schedule once a write to it has committed."""

    @functools.wraps(method)
    async def wrapper(self: SessionService, guild_id: int, *args: Any, **kwargs: Any) -> T:
        try:
            return await method(self, guild_id, *args, **kwargs)
        finally:
            self._cached.pop(guild_id, None)
            self._first_scheduled.pop(guild_id, None)

    return wrapper


class SessionService:
    """Everything the session and reminder cogs need, without Discord."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        timers: TimerService,
        clock: Clock = utc_now,
        *,
        horizon: int = 2,
    ) -> None:
        self._session_factory = session_factory
        self._timers = timers
        self._clock = clock
        self._horizon = horizon
        # Read on every syllabus look-up; one process serves a server, and writes go through here.
        self._cached: dict[int, ScheduleInfo | None] = {}
        self._first_scheduled: dict[int, datetime | None] = {}

    # -- loading ------------------------------------------------------------------------------

    async def _active_row(self, s: AsyncSession, guild_id: int) -> SessionSchedule | None:
        return await s.scalar(
            select(SessionSchedule)
            .where(SessionSchedule.guild_id == guild_id, SessionSchedule.active.is_(True))
            .order_by(SessionSchedule.id.desc())
            .limit(1)
        )

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

    async def _info(self, s: AsyncSession, row: SessionSchedule) -> ScheduleInfo:
        skips = (
            await s.scalars(
                select(SessionSkip.local_date).where(
                    SessionSkip.schedule_id == row.id, SessionSkip.guild_id == row.guild_id
                )
            )
        ).all()
        moves = (
            await s.execute(
                select(SessionMove.local_date, SessionMove.new_date, SessionMove.new_time).where(
                    SessionMove.schedule_id == row.id, SessionMove.guild_id == row.guild_id
                )
            )
        ).all()
        return ScheduleInfo(
            id=row.id,
            guild_id=row.guild_id,
            weekday=row.weekday,
            at=row.local_time,
            zone=row.zone,
            channel_id=row.channel_id,
            duration=timedelta(minutes=row.duration_minutes),
            starts=row.starts_on,
            ends=row.ends_on,
            announce_before=timedelta(minutes=row.announce_before_minutes),
            reading_weekday=row.reading_post_weekday,
            reading_time=row.reading_post_time,
            created_by=row.created_by,
            active=row.active,
            created_at=row.created_at,
            skips=frozenset(skips),
            moves={d: (nd, nt) for d, nd, nt in moves},
        )

    async def _require(
        self, s: AsyncSession, guild_id: int
    ) -> tuple[SessionSchedule, ScheduleInfo]:
        row = await self._active_row(s, guild_id)
        if row is None:
            raise NotFound(NO_SCHEDULE)
        return row, await self._info(s, row)

    async def current(self, guild_id: int) -> ScheduleInfo | None:
        """The active schedule, or None (cached: every write goes through this service)."""
        if guild_id in self._cached:
            return self._cached[guild_id]
        async with self._session_factory() as s:
            row = await self._active_row(s, guild_id)
            info = None if row is None else await self._info(s, row)
        self._cached[guild_id] = info
        return info

    async def _guild_zone(self, s: AsyncSession, guild_id: int) -> str:
        zone = await s.scalar(
            select(GuildSettings.timezone).where(GuildSettings.guild_id == guild_id)
        )
        return zone or "UTC"

    # -- organiser commands ---------------------------------------------------------------------

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
        """Replace the server's weekly schedule (cancelling the old one's timers)."""
        weekday_n = weekday if isinstance(weekday, int) else parse_weekday(weekday)
        if not 0 <= weekday_n <= 6:
            raise UserError("Weekday must be between Monday and Sunday.")
        local_time = at if isinstance(at, time) else parse_time(at)
        if isinstance(duration, timedelta):
            length = duration
        elif duration is None:
            length = DEFAULT_DURATION
        else:
            length = parse_duration(
                duration, minimum=timedelta(minutes=5), maximum=timedelta(hours=12)
            )
        if not timedelta(minutes=5) <= length <= timedelta(hours=12):
            raise UserError("A session lasts between 5 minutes and 12 hours.")
        starts_d = starts if isinstance(starts, date) or starts is None else parse_date(starts)
        ends_d = ends if isinstance(ends, date) or ends is None else parse_date(ends)
        now = self._clock()
        async with self._session_factory() as s, s.begin():
            zone_name = (
                parse_zone(zone) if zone else parse_zone(await self._guild_zone(s, guild_id))
            ).key
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
            previous = await self._active_row(s, guild_id)
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
            info = await self._info(s, row)
            await self._sync(s, guild_id, info)
            return info

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
            row, _ = await self._require(s, guild_id)
            if announce_before is not None:
                lead = (
                    announce_before
                    if isinstance(announce_before, timedelta)
                    else parse_duration(announce_before, maximum=timedelta(days=13))
                )
                if not timedelta(0) <= lead <= timedelta(days=13):
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
            info = await self._info(s, row)
            await self._sync(s, guild_id, info)
            return info

    @_changes_schedule
    async def skip(self, guild_id: int, local_date: str | date) -> SessionOccurrence:
        """Skip the session whose regular local date is ``local_date``."""
        day = local_date if isinstance(local_date, date) else parse_date(local_date)
        now = self._clock()
        async with self._session_factory() as s, s.begin():
            row, info = await self._require(s, guild_id)
            occurrence = self._occurrence_or_error(info, day)
            if occurrence.start <= now:
                raise UserError(f"The session of {day} has already started or happened.")
            s.add(SessionSkip(guild_id=guild_id, schedule_id=row.id, local_date=day))
            await s.execute(
                delete(SessionMove).where(
                    SessionMove.schedule_id == row.id,
                    SessionMove.guild_id == guild_id,
                    SessionMove.local_date == day,
                )
            )
            await s.flush()
            info = await self._info(s, row)
            await self._sync(s, guild_id, info)
            return SessionOccurrence(info, occurrence)

    @_changes_schedule
    async def unskip(self, guild_id: int, local_date: str | date) -> SessionOccurrence:
        """Bring back a skipped session."""
        day = local_date if isinstance(local_date, date) else parse_date(local_date)
        async with self._session_factory() as s, s.begin():
            row, info = await self._require(s, guild_id)
            if day not in info.skips:
                raise UserError(f"The session of {day} is not skipped.")
            await s.execute(
                delete(SessionSkip).where(
                    SessionSkip.schedule_id == row.id,
                    SessionSkip.guild_id == guild_id,
                    SessionSkip.local_date == day,
                )
            )
            info = await self._info(s, row)
            occurrence = occurrence_on(info.recurrence(), day)
            assert occurrence is not None
            if occurrence.start <= self._clock():
                raise UserError(f"The session of {day} is in the past.")
            await self._sync(s, guild_id, info)
            return SessionOccurrence(info, occurrence)

    @_changes_schedule
    async def move(self, guild_id: int, local_date: str | date, new_time: str) -> SessionOccurrence:
        """Move one session: ``new_time`` is ``19:30`` (same day) or ``2026-12-04 19:30``."""
        day = local_date if isinstance(local_date, date) else parse_date(local_date)
        new_day, new_at = _parse_new_time(new_time, day)
        now = self._clock()
        async with self._session_factory() as s, s.begin():
            row, info = await self._require(s, guild_id)
            original = self._occurrence_or_error(info, day)
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
            await s.execute(
                delete(SessionMove).where(
                    SessionMove.schedule_id == row.id,
                    SessionMove.guild_id == guild_id,
                    SessionMove.local_date == day,
                )
            )
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
            info = await self._info(s, row)
            await self._sync(s, guild_id, info)
            moved = occurrence_on(info.recurrence(), day)
            assert moved is not None
            return SessionOccurrence(info, moved, await self._counts_one(s, info, moved.key))

    @_changes_schedule
    async def cancel(self, guild_id: int) -> ScheduleInfo:
        """Stop the weekly sessions and cancel their pending timers."""
        async with self._session_factory() as s, s.begin():
            row, info = await self._require(s, guild_id)
            row.active = False
            row.cancelled_at = self._clock()
            await s.flush()
            await self._sync(s, guild_id, None)
            return replace(info, active=False)

    @staticmethod
    def _occurrence_or_error(info: ScheduleInfo, day: date) -> Occurrence:
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

    # -- listing -------------------------------------------------------------------------------

    async def list(self, guild_id: int, count: int = 5) -> builtins.list[SessionOccurrence]:
        """The next ``count`` sessions (1..25), including one in progress, with RSVP counts."""
        if not 1 <= count <= 25:
            raise UserError("Ask for between 1 and 25 sessions.")
        async with self._session_factory() as s:
            row = await self._active_row(s, guild_id)
            if row is None:
                return []
            info = await self._info(s, row)
            after = self._clock() - info.duration
            occurrences = next_occurrences(info.recurrence(), after, count)
            counts = await self._counts(s, info, [o.key for o in occurrences])
            return [
                SessionOccurrence(info, o, counts.get(o.key, RsvpCounts())) for o in occurrences
            ]

    async def next(self, guild_id: int) -> SessionOccurrence | None:
        """The next (or current) session, or None."""
        upcoming = await self.list(guild_id, 1)
        return upcoming[0] if upcoming else None

    async def _counts(
        self, s: AsyncSession, info: ScheduleInfo, keys: Iterable[datetime]
    ) -> dict[datetime, RsvpCounts]:
        keys = builtins.list(keys)
        if not keys:
            return {}
        rows = (
            await s.execute(
                select(SessionRsvp.occurrence_start, SessionRsvp.status, func.count())
                .where(
                    SessionRsvp.guild_id == info.guild_id,
                    SessionRsvp.schedule_id == info.id,
                    SessionRsvp.occurrence_start.in_(keys),
                )
                .group_by(SessionRsvp.occurrence_start, SessionRsvp.status)
            )
        ).all()
        tallies: dict[datetime, dict[str, int]] = {}
        for key, status, n in rows:
            tallies.setdefault(key, {})[status] = n
        return {key: RsvpCounts(**t) for key, t in tallies.items()}

    async def _counts_one(self, s: AsyncSession, info: ScheduleInfo, key: datetime) -> RsvpCounts:
        return (await self._counts(s, info, [key])).get(key, RsvpCounts())

    # -- RSVPs, attendance, links ------------------------------------------------------------------

    async def find(self, guild_id: int, schedule_id: int, key: datetime) -> SessionOccurrence:
        """The occurrence a button or timer refers to; UserError if it is gone."""
        async with self._session_factory() as s:
            return await self._find(s, guild_id, schedule_id, key)

    async def _find(
        self, s: AsyncSession, guild_id: int, schedule_id: int, key: datetime
    ) -> SessionOccurrence:
        row = await s.scalar(
            select(SessionSchedule).where(
                SessionSchedule.id == schedule_id, SessionSchedule.guild_id == guild_id
            )
        )
        if row is None or not row.active:
            raise UserError("That session was replaced or cancelled; see `/session next`.")
        info = await self._info(s, row)
        occurrence = _occurrence_by_key(info, key)
        if occurrence is None:
            raise UserError("That session was skipped or no longer exists; see `/session next`.")
        return SessionOccurrence(info, occurrence, await self._counts_one(s, info, key))

    async def rsvp(
        self, guild_id: int, schedule_id: int, key: datetime, user_id: int, status: str
    ) -> RsvpCounts:
        """Record (or change) a member's answer; returns the new counts."""
        status = status.casefold().replace("'", "").replace("’", "")
        if status not in RSVP_STATUSES:
            raise UserError("Answer going, maybe or can't.")
        now = self._clock()
        async with self._session_factory() as s, s.begin():
            found = await self._find(s, guild_id, schedule_id, key)
            if found.end <= now:
                raise UserError("That session is over.")
            updated = await s.execute(
                update(SessionRsvp)
                .where(
                    SessionRsvp.guild_id == guild_id,
                    SessionRsvp.schedule_id == schedule_id,
                    SessionRsvp.occurrence_start == found.key,
                    SessionRsvp.user_id == user_id,
                )
                .values(status=status, updated_at=now)
            )
            if updated.rowcount == 0:
                try:
                    async with s.begin_nested():
                        s.add(
                            SessionRsvp(
                                guild_id=guild_id,
                                schedule_id=schedule_id,
                                occurrence_start=found.key,
                                user_id=user_id,
                                status=status,
                                updated_at=now,
                            )
                        )
                except IntegrityError:  # a double click raced us: the other insert won
                    await s.execute(
                        update(SessionRsvp)
                        .where(
                            SessionRsvp.schedule_id == schedule_id,
                            SessionRsvp.occurrence_start == found.key,
                            SessionRsvp.user_id == user_id,
                        )
                        .values(status=status, updated_at=now)
                    )
            return await self._counts_one(s, found.schedule, found.key)

    async def rsvps(self, guild_id: int, schedule_id: int, key: datetime) -> dict[int, str]:
        """user id -> status for one occurrence."""
        async with self._session_factory() as s:
            rows = (
                await s.execute(
                    select(SessionRsvp.user_id, SessionRsvp.status).where(
                        SessionRsvp.guild_id == guild_id,
                        SessionRsvp.schedule_id == schedule_id,
                        SessionRsvp.occurrence_start == key,
                    )
                )
            ).all()
            return dict(rows)

    async def _attendee_ids(
        self, s: AsyncSession, guild_id: int, schedule_id: int, key: datetime
    ) -> builtins.list[int]:
        query = select(SessionAttendance.user_id).where(
            SessionAttendance.guild_id == guild_id,
            SessionAttendance.schedule_id == schedule_id,
            SessionAttendance.occurrence_start == key,
        )
        return builtins.list((await s.scalars(query)).all())

    async def record_attendance(self, guild_id: int, schedule_id: int, key: datetime) -> int:
        """Record Going members as attendees (idempotent); returns how many are recorded."""
        going = [
            u for u, st in (await self.rsvps(guild_id, schedule_id, key)).items() if st == "going"
        ]
        now = self._clock()
        async with self._session_factory() as s, s.begin():
            existing = set(await self._attendee_ids(s, guild_id, schedule_id, key))
            for user_id in going:
                if user_id not in existing:
                    s.add(
                        SessionAttendance(
                            guild_id=guild_id,
                            schedule_id=schedule_id,
                            occurrence_start=key,
                            user_id=user_id,
                            recorded_at=now,
                        )
                    )
            return len(existing | set(going))

    async def attendance(
        self, guild_id: int, schedule_id: int, key: datetime
    ) -> builtins.list[int]:
        async with self._session_factory() as s:
            return sorted(await self._attendee_ids(s, guild_id, schedule_id, key))

    async def link(
        self, guild_id: int, schedule_id: int, key: datetime, **ids: int | None
    ) -> OccurrenceLinks:
        """Remember Discord ids made for an occurrence: event_id, thread_id,
        announcement_channel_id, announcement_message_id (only the given ones change)."""
        allowed = {"event_id", "thread_id", "announcement_channel_id", "announcement_message_id"}
        if unknown := set(ids) - allowed:
            raise TypeError(f"unknown link fields: {sorted(unknown)}")
        for attempt in range(2):
            try:
                async with self._session_factory() as s, s.begin():
                    row = await s.scalar(
                        select(SessionOccurrenceLink).where(
                            SessionOccurrenceLink.guild_id == guild_id,
                            SessionOccurrenceLink.schedule_id == schedule_id,
                            SessionOccurrenceLink.occurrence_start == key,
                        )
                    )
                    if row is None:
                        row = SessionOccurrenceLink(
                            guild_id=guild_id, schedule_id=schedule_id, occurrence_start=key
                        )
                        s.add(row)
                    for name, value in ids.items():
                        setattr(row, name, value)
                    await s.flush()
                    return _links(row)
            except IntegrityError:
                # Two handlers (announcement, event sync) linked the same new occurrence at
                # once and the other insert won: the second attempt updates that row.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def links(self, guild_id: int, schedule_id: int, key: datetime) -> OccurrenceLinks:
        async with self._session_factory() as s:
            row = await s.scalar(
                select(SessionOccurrenceLink).where(
                    SessionOccurrenceLink.guild_id == guild_id,
                    SessionOccurrenceLink.schedule_id == schedule_id,
                    SessionOccurrenceLink.occurrence_start == key,
                )
            )
            return OccurrenceLinks() if row is None else _links(row)

    # -- reminder settings and recipients --------------------------------------------------------

    async def reminder_settings(self, guild_id: int) -> ReminderConfig:
        async with self._session_factory() as s:
            return await self._reminder_settings(s, guild_id)

    async def _reminder_settings(self, s: AsyncSession, guild_id: int) -> ReminderConfig:
        row = await s.get(ReminderSettings, guild_id)
        if row is None:
            return ReminderConfig()
        return ReminderConfig(
            tuple(timedelta(minutes=m) for m in row.offsets_minutes),
            row.delivery,
            row.role_id,
            row.nudge,
        )

    async def set_reminder_settings(
        self,
        guild_id: int,
        *,
        offsets: str | Iterable[timedelta] | None = None,
        delivery: str | None = None,
        role_id: int | None = None,
        nudge: bool | None = None,
    ) -> ReminderConfig:
        """Change reminder offsets (``"24h,1h"``), delivery (``role``/``dm``), role, nudge."""
        parsed = (
            parse_offsets(offsets)
            if isinstance(offsets, str)
            else (None if offsets is None else sorted(set(offsets), reverse=True))
        )
        if delivery is not None:
            delivery = delivery.casefold()
            if delivery not in DELIVERIES:
                raise UserError("Delivery is `role` (ping a role in the sessions channel) or `dm`.")
        async with self._session_factory() as s, s.begin():
            row = await s.get(ReminderSettings, guild_id)
            if row is None:
                row = ReminderSettings(
                    guild_id=guild_id,
                    offsets_minutes=[int(o.total_seconds() // 60) for o in DEFAULT_OFFSETS],
                    delivery="dm",
                    nudge=False,
                )
                s.add(row)
            if parsed is not None:
                row.offsets_minutes = [int(o.total_seconds() // 60) for o in parsed]
            if delivery is not None:
                row.delivery = delivery
            if role_id is not None:
                row.role_id = role_id
            if nudge is not None:
                row.nudge = nudge
            if row.delivery == "role" and row.role_id is None:
                raise UserError("Role delivery needs a role: give the role to ping.")
            await s.flush()
            config = await self._reminder_settings(s, guild_id)
            active = await self._active_row(s, guild_id)
            if active is not None:
                await self._sync(s, guild_id, await self._info(s, active))
            return config

    async def opt_in(self, guild_id: int, user_id: int) -> bool:
        """Ask for session reminders by DM; False if already opted in."""
        async with self._session_factory() as s:
            try:
                async with s.begin():
                    if await s.get(ReminderOptIn, (guild_id, user_id)) is not None:
                        return False
                    s.add(
                        ReminderOptIn(guild_id=guild_id, user_id=user_id, created_at=self._clock())
                    )
            except IntegrityError:
                return False
            return True

    async def opt_out(self, guild_id: int, user_id: int) -> bool:
        """Stop DM reminders; False if not opted in."""
        async with self._session_factory() as s, s.begin():
            result = await s.execute(
                delete(ReminderOptIn).where(
                    ReminderOptIn.guild_id == guild_id, ReminderOptIn.user_id == user_id
                )
            )
            return result.rowcount > 0

    async def opted_in(self, guild_id: int) -> builtins.list[int]:
        async with self._session_factory() as s:
            return sorted(
                (
                    await s.scalars(
                        select(ReminderOptIn.user_id).where(ReminderOptIn.guild_id == guild_id)
                    )
                ).all()
            )

    async def recipients_for_reminder(
        self, guild_id: int, schedule_id: int, key: datetime
    ) -> builtins.list[int]:
        """Members to DM: opted in, plus those who answered Going or Maybe (minus Can't)."""
        answers = await self.rsvps(guild_id, schedule_id, key)
        opted = set(await self.opted_in(guild_id))
        wanted = (opted | {u for u, st in answers.items() if st in ("going", "maybe")}) - {
            u for u, st in answers.items() if st == "cant"
        }
        return sorted(wanted)

    async def nudge_targets(
        self, guild_id: int, schedule_id: int, key: datetime
    ) -> builtins.list[int]:
        """Opted-in members who have not answered the RSVP yet."""
        answers = await self.rsvps(guild_id, schedule_id, key)
        return [u for u in await self.opted_in(guild_id) if u not in answers]

    # -- timers ----------------------------------------------------------------------------------

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

    async def after_timer(self, timer: TimerRecord) -> None:
        """Call at the end of every session handler: rolls the timer horizon forward."""
        await self.sync_timers(timer.guild_id)

    async def sync_timers(self, guild_id: int) -> None:
        """Make this server's pending session timers match its schedule."""
        async with self._session_factory() as s, s.begin():
            row = await self._active_row(s, guild_id)
            await self._sync(s, guild_id, None if row is None else await self._info(s, row))

    async def sync_all(self) -> int:
        """Sync every server with an active schedule (call once after the dispatcher starts)."""
        async with self._session_factory() as s:
            guilds = (
                await s.scalars(
                    select(SessionSchedule.guild_id)
                    .where(SessionSchedule.active.is_(True))
                    .distinct()
                )
            ).all()
        for guild_id in guilds:
            await self.sync_timers(guild_id)
        return len(guilds)

    async def _desired(
        self, s: AsyncSession, info: ScheduleInfo, now: datetime
    ) -> dict[str, tuple[str, datetime, dict[str, Any]]]:
        config = await self._reminder_settings(s, info.guild_id)
        desired: dict[str, tuple[str, datetime, dict[str, Any]]] = {}
        for occurrence in next_occurrences(info.recurrence(), now, self._horizon):
            base = {
                "schedule_id": info.id,
                "occurrence": occurrence.key.isoformat(),
                "local_date": occurrence.local_date.isoformat(),
            }
            key = occurrence.key
            desired[timer_key(SESSION_ANNOUNCE, info.id, key)] = (
                SESSION_ANNOUNCE,
                occurrence.start - info.announce_before,
                base,
            )
            for offset in config.offsets:
                minutes = int(offset.total_seconds() // 60)
                desired[timer_key(SESSION_REMINDER, info.id, key, str(minutes))] = (
                    SESSION_REMINDER,
                    occurrence.start - offset,
                    {**base, "offset_minutes": minutes},
                )
            desired[timer_key(SESSION_START, info.id, key)] = (
                SESSION_START,
                occurrence.start,
                base,
            )
        if info.reading_weekday is not None and info.reading_time is not None:
            reading = WeeklySchedule(
                info.reading_weekday, info.reading_time, info.zone, info.starts, info.ends
            )
            for post in next_occurrences(reading, now, 1):
                desired[f"{SESSION_READING}:{info.id}:{post.local_date.isoformat()}"] = (
                    SESSION_READING,
                    post.start,
                    {"schedule_id": info.id, "local_date": post.local_date.isoformat()},
                )
        return desired

    async def _sync(self, s: AsyncSession, guild_id: int, info: ScheduleInfo | None) -> None:
        now = self._clock()
        desired = {} if info is None or not info.active else await self._desired(s, info, now)
        pending = await self._timers.pending(guild_id, kinds=SESSION_KINDS, session=s)
        seen: set[str] = set()
        for timer in pending:
            wanted = desired.get(timer.dedupe_key or "")
            if wanted is None:
                if timer.due_at <= now and info is not None and info.active:
                    # Already due (say, a session that began while the bot was down): the
                    # dispatcher's late/missed rules decide, not the rolling horizon.
                    continue
                await self._timers.cancel(timer.id, guild_id=guild_id, session=s)
                continue
            seen.add(timer.dedupe_key or "")
            kind, due, payload = wanted
            if timer.due_at == due:
                continue
            if due <= now:
                if kind != SESSION_ANNOUNCE:
                    # Moved into the past (a longer reminder offset, say): not sent, as for
                    # a new timer whose moment has passed.
                    await self._timers.cancel(timer.id, guild_id=guild_id, session=s)
                    continue
                due = now  # an announcement that is now overdue goes out at once
            if timer.due_at != due:
                await self._timers.reschedule(
                    timer.id, due, guild_id=guild_id, payload=payload, session=s
                )
        for dedupe_key, (kind, due, payload) in desired.items():
            if dedupe_key in seen:
                continue
            if due <= now:
                # An announcement that is overdue goes out now (e.g. a session scheduled for
                # tomorrow); a reminder whose moment has passed is simply not sent.
                if kind != SESSION_ANNOUNCE:
                    continue
                due = now
            await self._timers.schedule(
                guild_id, kind, due, payload, dedupe_key=dedupe_key, session=s
            )

    # -- calendar --------------------------------------------------------------------------------

    async def calendar(self, guild_id: int, *, title: str = "Reading group") -> bytes:
        """The schedule as an iCalendar file."""
        from bot.scheduling.calendar import schedule_to_ics

        async with self._session_factory() as s:
            _, info = await self._require(s, guild_id)
        return schedule_to_ics(info, title=title)


def _links(row: SessionOccurrenceLink) -> OccurrenceLinks:
    return OccurrenceLinks(
        row.event_id, row.thread_id, row.announcement_channel_id, row.announcement_message_id
    )


def _occurrence_by_key(info: ScheduleInfo, key: datetime) -> Occurrence | None:
    tz = parse_zone(info.zone)
    local_day = key.astimezone(tz).date()
    # The key's local date is the regular date, except when a whole day was skipped by a zone.
    for day in (local_day, local_day - timedelta(days=1)):
        occurrence = occurrence_on(info.recurrence(), day)
        if occurrence is not None and occurrence.key == key:
            return occurrence
    return None


_NEW_DATETIME_HELP = "Give the new time as `19:30` (same day) or `2026-12-04 19:30`."


def _parse_new_time(text: str, day: date) -> tuple[date, time]:
    if not isinstance(text, str) or not text.strip():
        raise UserError(_NEW_DATETIME_HELP)
    parts = text.strip().split()
    try:
        if len(parts) == 2 and "-" in parts[0]:
            return parse_date(parts[0]), parse_time(parts[1])
        return day, parse_time(text)
    except UserError as error:
        raise UserError(f"{error.message} {_NEW_DATETIME_HELP}") from None


__all__ = [
    "DEFAULT_OFFSETS",
    "SESSION_ANNOUNCE",
    "SESSION_KINDS",
    "SESSION_READING",
    "SESSION_REMINDER",
    "SESSION_START",
    "OccurrenceLinks",
    "ReminderConfig",
    "RsvpCounts",
    "ScheduleInfo",
    "SessionOccurrence",
    "SessionService",
    "parse_token",
]
