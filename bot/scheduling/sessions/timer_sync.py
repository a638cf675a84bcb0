"""Applying the timer plan: make a server's pending session timers match its schedule.

Every schedule or reminder-settings change syncs inside its own transaction; the session
handlers call :meth:`SessionTimers.after_timer` when they finish, and the bot calls
:meth:`SessionTimers.sync_all` once at start-up, so the horizon rolls on even after downtime.
"""

from __future__ import annotations

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import SessionSchedule
from bot.scheduling.clock import Clock
from bot.scheduling.sessions import queries
from bot.scheduling.sessions.timer_plan import (
    SESSION_KINDS,
    PlannedTimer,
    desired,
    reconcile,
)
from bot.scheduling.sessions.values import ScheduleInfo
from bot.scheduling.timers import TimerRecord, TimerService
from bot.scheduling.timers.shards import ShardSet

SYNC_BATCH = 50  # servers per transaction at start-up


class SessionTimers:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        timers: TimerService,
        clock: Clock,
        horizon: int,
    ) -> None:
        self._session_factory = session_factory
        self._timers = timers
        self._clock = clock
        self._horizon = horizon

    async def sync(self, s: AsyncSession, guild_id: int, info: ScheduleInfo | None) -> None:
        """Within ``s``: bring the timers in line with ``info`` (None: no schedule any more)."""
        now = self._clock()
        active = info is not None and info.active
        wanted: dict[str, PlannedTimer] = {}
        if info is not None and info.active:
            reminders = await queries.reminder_config(s, guild_id)
            wanted = desired(info, reminders, now, self._horizon)
        pending = await self._timers.pending(guild_id, kinds=SESSION_KINDS, session=s)
        changes = reconcile(wanted, pending, now, schedule_active=active)
        for timer_id in changes.cancel:
            await self._timers.cancel(timer_id, guild_id=guild_id, session=s)
        for move in changes.move:
            await self._timers.reschedule(
                move.timer_id, move.due_at, guild_id=guild_id, payload=move.payload, session=s
            )
        for dedupe_key, plan in changes.create.items():
            await self._timers.schedule(
                guild_id, plan.kind, plan.due_at, plan.payload, dedupe_key=dedupe_key, session=s
            )

    async def sync_guild(self, guild_id: int) -> None:
        """Make this server's pending session timers match its schedule."""
        async with self._session_factory() as s, s.begin():
            await self.sync(s, guild_id, await queries.active_schedule(s, guild_id))

    async def after_timer(self, timer: TimerRecord) -> None:
        """Call at the end of every session handler: rolls the timer horizon forward."""
        await self.sync_guild(timer.guild_id)

    async def sync_all(self, shards: ShardSet | None = None, batch: int = SYNC_BATCH) -> int:
        """Sync every server with an active schedule on ``shards`` (all: None), ``batch``
        servers per transaction (call once after the dispatcher starts)."""
        scope = shards.where(SessionSchedule.guild_id) if shards is not None else true()
        async with self._session_factory() as s:
            guilds = (
                await s.scalars(
                    select(SessionSchedule.guild_id)
                    .where(SessionSchedule.active.is_(True), scope)
                    .distinct()
                )
            ).all()
        for start in range(0, len(guilds), batch):
            async with self._session_factory() as s, s.begin():
                for guild_id in guilds[start : start + batch]:
                    await self.sync(s, guild_id, await queries.active_schedule(s, guild_id))
        return len(guilds)
