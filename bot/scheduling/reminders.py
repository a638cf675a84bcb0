"""Personal reminders (``/remind me``): timer rows of kind ``remind.personal`` owned by a member.

Payload: ``{"user_id", "text", "channel_id", "number"}``; ``number`` is what the member calls
the reminder (1, 2, 3... among their own pending ones; the timer id is global and internal). The handler should DM the member (falling back
to a mention in ``channel_id``) and send the text with mentions disabled except the owner's:
:func:`bot.text.neutralise_mentions` is applied on the way in as a second line of defence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import Timer
from bot.errors import NotFound, UserError
from bot.scheduling.clock import Clock, utc_now
from bot.scheduling.parsing import parse_when, parse_zone
from bot.scheduling.timers import PENDING, TimerRecord, TimerService
from bot.text import neutralise_mentions

PERSONAL_REMINDER = "remind.personal"
MAX_PENDING_PER_MEMBER = 25
MAX_TEXT = 1000


@dataclass(frozen=True)
class PersonalReminder:
    id: int
    guild_id: int
    user_id: int
    due_at: datetime
    text: str
    channel_id: int | None
    number: int

    @classmethod
    def from_timer(cls, timer: TimerRecord) -> PersonalReminder:
        payload = timer.payload
        return cls(
            timer.id,
            timer.guild_id,
            int(payload.get("user_id", timer.owner_id or 0)),
            timer.due_at,
            str(payload.get("text", "")),
            payload.get("channel_id"),
            # Reminders made before numbers existed keep their timer id as their number.
            int(payload.get("number", timer.id)),
        )


class ReminderService:
    """Create, list and delete a member's own reminders in one server."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        timers: TimerService,
        clock: Clock = utc_now,
        *,
        max_pending: int = MAX_PENDING_PER_MEMBER,
    ) -> None:
        self._session_factory = session_factory
        self._timers = timers
        self._clock = clock
        self._max_pending = max_pending

    async def remind_me(
        self,
        guild_id: int,
        user_id: int,
        when_text: str,
        what: str,
        zone: str | ZoneInfo,
        channel_id: int | None = None,
    ) -> PersonalReminder:
        """Schedule a reminder; ``when_text`` is read in ``zone`` (the member's or server's)."""
        text = (what or "").strip()
        if not text:
            raise UserError("Tell me what to remind you about.")
        if len(text) > MAX_TEXT:
            raise UserError(f"Keep the reminder under {MAX_TEXT} characters.")
        tz = zone if isinstance(zone, ZoneInfo) else parse_zone(zone)
        due = parse_when(when_text, now=self._clock(), zone=tz)
        async with self._session_factory() as s, s.begin():
            pending = (
                await s.scalars(
                    select(Timer).where(
                        Timer.guild_id == guild_id,
                        Timer.owner_id == user_id,
                        Timer.kind == PERSONAL_REMINDER,
                        Timer.status == PENDING,
                    )
                )
            ).all()
            if len(pending) >= self._max_pending:
                raise UserError(
                    f"You already have {self._max_pending} reminders here. "
                    "Delete one with `/remind delete` first."
                )
            timer = await self._timers.schedule(
                guild_id,
                PERSONAL_REMINDER,
                due,
                {
                    "user_id": user_id,
                    "text": neutralise_mentions(text),
                    "channel_id": channel_id,
                    "number": 1 + max((_number(t) for t in pending), default=0),
                },
                owner_id=user_id,
                session=s,
            )
        return PersonalReminder.from_timer(timer)

    async def list(self, guild_id: int, user_id: int) -> list[PersonalReminder]:
        """The member's pending reminders in this server, soonest first."""
        timers = await self._timers.pending(guild_id, kinds=[PERSONAL_REMINDER], owner_id=user_id)
        return [PersonalReminder.from_timer(t) for t in timers]

    async def delete(self, guild_id: int, user_id: int, number: int) -> PersonalReminder:
        """Delete one of the member's own pending reminders, by its number."""
        found = [r for r in await self.list(guild_id, user_id) if r.number == number]
        if not found:
            raise NotFound(f"You have no pending reminder #{number} here. See `/remind list`.")
        reminder = found[0]
        if not await self._timers.cancel(reminder.id, guild_id=guild_id):
            raise NotFound(f"Reminder #{number} has just gone off or was deleted.")
        return reminder


def _number(timer: Timer) -> int:
    return int((timer.payload or {}).get("number", timer.id))


async def next_number(s: AsyncSession, guild_id: int, user_id: int) -> int:
    """The number a new reminder of this member gets: one more than their highest pending."""
    pending = (
        await s.scalars(
            select(Timer).where(
                Timer.guild_id == guild_id,
                Timer.owner_id == user_id,
                Timer.kind == PERSONAL_REMINDER,
                Timer.status == PENDING,
            )
        )
    ).all()
    return 1 + max((_number(t) for t in pending), default=0)
