"""A member's own copy of a reminder: a snooze, or "me too" on someone else's.

Both are ordinary personal reminders (kind ``remind.personal``), so they are listed, deleted
and delivered like any other. Each is scheduled under a dedupe key naming the reminder it
copies and the member (``remind.snooze:<timer>:<user>``, ``remind.metoo:<timer>:<user>``): a
double click, or a click replayed after a restart, finds the copy already made instead of
making a second one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import Timer
from bot.errors import NotFound, UserError
from bot.scheduling.clock import Clock, utc_now
from bot.scheduling.recurrence import local_to_utc
from bot.scheduling.reminders import (
    MAX_PENDING_PER_MEMBER,
    PERSONAL_REMINDER,
    PersonalReminder,
    next_number,
)
from bot.scheduling.timers import PENDING, TimerService
from bot.text import neutralise_mentions

SNOOZES = {"10m": "10 minutes", "1h": "1 hour", "tmrw": "Tomorrow"}


def snooze_until(choice: str, now: datetime, zone: ZoneInfo) -> datetime:
    """When a snooze ends: 10 minutes or an hour on, or tomorrow at this wall-clock time in the
    member's zone (so across a DST change "tomorrow" still means the same hour)."""
    if choice == "10m":
        return now + timedelta(minutes=10)
    if choice == "1h":
        return now + timedelta(hours=1)
    if choice == "tmrw":
        local = now.astimezone(zone)
        return local_to_utc(local.date() + timedelta(days=1), local.time(), zone)
    raise ValueError(f"unknown snooze {choice!r}")


class ReminderCopies:
    """Snoozes and "me too" copies, made idempotently through the timer core."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        timers: TimerService,
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = session_factory
        self._timers = timers
        self._clock = clock

    async def snooze(
        self,
        guild_id: int,
        user_id: int,
        source_id: int,
        text: str,
        due: datetime,
        channel_id: int | None = None,
    ) -> tuple[PersonalReminder, bool]:
        """A copy of reminder ``source_id`` due at ``due``; False if one was made already."""
        async with self._sessions() as s, s.begin():
            payload = {
                "user_id": user_id,
                "text": neutralise_mentions(text),
                "channel_id": channel_id,
                "number": await next_number(s, guild_id, user_id),
            }
            record = await self._timers.schedule(
                guild_id,
                PERSONAL_REMINDER,
                due,
                payload,
                dedupe_key=f"remind.snooze:{source_id}:{user_id}",
                owner_id=user_id,
                session=s,
            )
        return PersonalReminder.from_timer(record), record.due_at == due

    async def me_too(
        self, guild_id: int, user_id: int, source_id: int, channel_id: int | None
    ) -> tuple[PersonalReminder, bool]:
        """The member's own copy of pending reminder ``source_id`` of this server, due at the
        same time; False if they had one already."""
        source = await self._timers.get(source_id, guild_id=guild_id)
        if source is None or source.kind != PERSONAL_REMINDER:
            raise NotFound("That reminder no longer exists.")
        if source.owner_id == user_id:
            raise UserError("This reminder is already yours.")
        if source.status != PENDING or source.due_at <= self._clock():
            raise UserError("That reminder has already gone off.")
        key = f"remind.metoo:{source_id}:{user_id}"
        async with self._sessions() as s, s.begin():
            made = await s.scalar(select(Timer.id).where(Timer.dedupe_key == key))
            pending = await s.scalar(
                select(func.count())
                .select_from(Timer)
                .where(
                    Timer.guild_id == guild_id,
                    Timer.owner_id == user_id,
                    Timer.kind == PERSONAL_REMINDER,
                    Timer.status == PENDING,
                    Timer.dedupe_key != key,
                )
            )
            if (pending or 0) >= MAX_PENDING_PER_MEMBER:
                raise UserError(
                    f"You already have {MAX_PENDING_PER_MEMBER} reminders here. "
                    "Delete one with `/remind delete` first."
                )
            text = str(source.payload.get("text", ""))
            record = await self._timers.schedule(
                guild_id,
                PERSONAL_REMINDER,
                source.due_at,
                {
                    "user_id": user_id,
                    "text": text,
                    "channel_id": channel_id,
                    "number": await next_number(s, guild_id, user_id),
                },
                dedupe_key=key,
                owner_id=user_id,
                session=s,
            )
        return PersonalReminder.from_timer(record), made is None
