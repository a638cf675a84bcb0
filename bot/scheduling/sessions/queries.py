"""Reading the session tables into value types, inside a caller's database session."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models.guild import GuildSettings
from bot.db.models.scheduling import (
    ReminderSettings,
    SessionMove,
    SessionRsvp,
    SessionSchedule,
    SessionSkip,
)
from bot.errors import NotFound, UserError
from bot.scheduling.sessions.values import (
    NO_SCHEDULE,
    ReminderConfig,
    RsvpCounts,
    ScheduleInfo,
    SessionOccurrence,
)


async def active_row(s: AsyncSession, guild_id: int) -> SessionSchedule | None:
    """The server's active schedule row (the newest, should there ever be two)."""
    return await s.scalar(
        select(SessionSchedule)
        .where(SessionSchedule.guild_id == guild_id, SessionSchedule.active.is_(True))
        .order_by(SessionSchedule.id.desc())
        .limit(1)
    )


async def schedule_info(s: AsyncSession, row: SessionSchedule) -> ScheduleInfo:
    """A schedule row with its skips and moves."""
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


async def active_schedule(s: AsyncSession, guild_id: int) -> ScheduleInfo | None:
    row = await active_row(s, guild_id)
    return None if row is None else await schedule_info(s, row)


async def require_active(s: AsyncSession, guild_id: int) -> tuple[SessionSchedule, ScheduleInfo]:
    """The active schedule's row and info; NotFound (with how to make one) if there is none."""
    row = await active_row(s, guild_id)
    if row is None:
        raise NotFound(NO_SCHEDULE)
    return row, await schedule_info(s, row)


async def guild_zone(s: AsyncSession, guild_id: int) -> str:
    zone = await s.scalar(select(GuildSettings.timezone).where(GuildSettings.guild_id == guild_id))
    return zone or "UTC"


async def rsvp_counts(
    s: AsyncSession, info: ScheduleInfo, keys: Iterable[datetime]
) -> dict[datetime, RsvpCounts]:
    """RSVP counts of the given occurrences (those without answers are left out)."""
    keys = list(keys)
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


async def rsvp_counts_of(s: AsyncSession, info: ScheduleInfo, key: datetime) -> RsvpCounts:
    return (await rsvp_counts(s, info, [key])).get(key, RsvpCounts())


async def find_occurrence(
    s: AsyncSession, guild_id: int, schedule_id: int, key: datetime
) -> SessionOccurrence:
    """The occurrence a button or timer refers to; UserError if it is gone."""
    row = await s.scalar(
        select(SessionSchedule).where(
            SessionSchedule.id == schedule_id, SessionSchedule.guild_id == guild_id
        )
    )
    if row is None or not row.active:
        raise UserError("That session was replaced or cancelled; see `/session next`.")
    info = await schedule_info(s, row)
    occurrence = info.occurrence_by_key(key)
    if occurrence is None:
        raise UserError("That session was skipped or no longer exists; see `/session next`.")
    return SessionOccurrence(info, occurrence, await rsvp_counts_of(s, info, key))


async def reminder_config(s: AsyncSession, guild_id: int) -> ReminderConfig:
    row = await s.get(ReminderSettings, guild_id)
    if row is None:
        return ReminderConfig()
    return ReminderConfig(
        tuple(timedelta(minutes=m) for m in row.offsets_minutes),
        row.delivery,
        row.role_id,
        row.nudge,
    )
