"""Session reminder preferences: the server's settings, members' opt-ins, and who gets what."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import affected_rows
from bot.db.models.scheduling import ReminderOptIn, ReminderSettings
from bot.errors import UserError
from bot.scheduling.clock import Clock
from bot.scheduling.parsing import parse_offsets
from bot.scheduling.sessions import queries
from bot.scheduling.sessions.rsvps import Rsvps
from bot.scheduling.sessions.timer_sync import SessionTimers
from bot.scheduling.sessions.values import DEFAULT_OFFSETS, DELIVERIES, ReminderConfig


def _minutes(offsets: Iterable[timedelta]) -> list[int]:
    return [int(o.total_seconds() // 60) for o in offsets]


class ReminderPreferences:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        timers: SessionTimers,
        rsvps: Rsvps,
        clock: Clock,
    ) -> None:
        self._session_factory = session_factory
        self._timers = timers
        self._rsvps = rsvps
        self._clock = clock

    async def reminder_settings(self, guild_id: int) -> ReminderConfig:
        async with self._session_factory() as s:
            return await queries.reminder_config(s, guild_id)

    async def set_reminder_settings(
        self,
        guild_id: int,
        *,
        offsets: str | Iterable[timedelta] | None = None,
        delivery: str | None = None,
        role_id: int | None = None,
        nudge: bool | None = None,
    ) -> ReminderConfig:
        """Change reminder offsets (``"24h,1h"``), delivery (``role``/``dm``), role, nudge;
        the reminder timers of the coming sessions move with them."""
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
                    offsets_minutes=_minutes(DEFAULT_OFFSETS),
                    delivery="dm",
                    nudge=False,
                )
                s.add(row)
            if parsed is not None:
                row.offsets_minutes = _minutes(parsed)
            if delivery is not None:
                row.delivery = delivery
            if role_id is not None:
                row.role_id = role_id
            if nudge is not None:
                row.nudge = nudge
            if row.delivery == "role" and row.role_id is None:
                raise UserError("Role delivery needs a role: give the role to ping.")
            await s.flush()
            config = await queries.reminder_config(s, guild_id)
            info = await queries.active_schedule(s, guild_id)
            if info is not None:
                await self._timers.sync(s, guild_id, info)
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
            return affected_rows(result) > 0

    async def opted_in(self, guild_id: int) -> list[int]:
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
    ) -> list[int]:
        """Members to DM: opted in, plus those who answered Going or Maybe (minus Can't)."""
        answers = await self._rsvps.rsvps(guild_id, schedule_id, key)
        opted = set(await self.opted_in(guild_id))
        wanted = (opted | {u for u, st in answers.items() if st in ("going", "maybe")}) - {
            u for u, st in answers.items() if st == "cant"
        }
        return sorted(wanted)

    async def nudge_targets(self, guild_id: int, schedule_id: int, key: datetime) -> list[int]:
        """Opted-in members who have not answered the RSVP yet."""
        answers = await self._rsvps.rsvps(guild_id, schedule_id, key)
        return [u for u in await self.opted_in(guild_id) if u not in answers]
