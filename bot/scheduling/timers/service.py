"""Writing timer rows: schedule, cancel, move, read; dispatchers are told after each commit."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import affected_rows
from bot.db.models.scheduling import Timer
from bot.db.upsert import insert_ignoring_conflicts
from bot.scheduling.clock import Clock, utc_now
from bot.scheduling.timers import wakeups
from bot.scheduling.timers.listeners import TimerListener, after_commit
from bot.scheduling.timers.records import CANCELLED, PENDING, TimerRecord, aware


class TimerService:
    """Create, cancel and move timer rows; tells registered dispatchers after each commit.

    Every method takes an optional ``session``: pass one to make the timer change part of a
    larger transaction (listeners are told only if and when it commits).
    """

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], clock: Clock = utc_now
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._listeners: list[TimerListener] = []

    def add_listener(self, listener: TimerListener) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def remove_listener(self, listener: TimerListener) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    @contextlib.asynccontextmanager
    async def _transaction(self, session: AsyncSession | None) -> AsyncIterator[AsyncSession]:
        if session is not None:
            yield session
            return
        async with self._session_factory() as own, own.begin():
            yield own

    async def _notify_later(self, session: AsyncSession, record: TimerRecord) -> None:
        """Tell this process's dispatchers after the commit, and on PostgreSQL the other
        processes too (a NOTIFY in the same transaction is delivered only if it commits)."""

        def tell() -> None:
            for listener in self._listeners:
                listener.notify(record.id, record.guild_id, record.due_at)

        after_commit(session, tell)
        if session.bind.dialect.name == "postgresql":
            payload = wakeups.encode(record.id, record.guild_id, record.due_at)
            await session.execute(select(func.pg_notify(wakeups.CHANNEL, payload)))

    def _forget_later(self, session: AsyncSession, timer_id: int) -> None:
        def tell() -> None:
            for listener in self._listeners:
                listener.forget(timer_id)

        after_commit(session, tell)

    async def schedule(
        self,
        guild_id: int,
        kind: str,
        due_at: datetime,
        payload: Mapping[str, Any] | None = None,
        *,
        dedupe_key: str | None = None,
        owner_id: int | None = None,
        session: AsyncSession | None = None,
    ) -> TimerRecord:
        """Add a pending timer; with a ``dedupe_key`` already used, return that row instead.

        A cancelled row with the same key is revived with the new time and payload; a row that
        already ran (or was missed) is returned unchanged, so the action never runs twice.
        """
        due_at = aware(due_at)
        async with self._transaction(session) as s:
            if dedupe_key is not None:
                existing = await s.scalar(select(Timer).where(Timer.dedupe_key == dedupe_key))
                if existing is not None:
                    return await self._reuse(s, existing, guild_id, due_at, payload)
            values = {
                "guild_id": guild_id,
                "kind": kind,
                "due_at": due_at,
                "payload": dict(payload or {}),
                "status": PENDING,
                "owner_id": owner_id,
                "dedupe_key": dedupe_key,
                "attempts": 0,
                "created_at": self._clock(),
            }
            insert = insert_ignoring_conflicts(s, Timer, "dedupe_key").values(**values)
            row = await s.scalar(insert.returning(Timer))
            if row is None:
                # Another writer inserted the same key between our check and our insert.
                existing = await s.scalar(select(Timer).where(Timer.dedupe_key == dedupe_key))
                if existing is None:
                    raise RuntimeError(f"timer {dedupe_key!r} neither inserted nor found")
                return await self._reuse(s, existing, guild_id, due_at, payload)
            record = TimerRecord.from_row(row)
            await self._notify_later(s, record)
            return record

    async def _reuse(
        self,
        s: AsyncSession,
        existing: Timer,
        guild_id: int,
        due_at: datetime,
        payload: Mapping[str, Any] | None,
    ) -> TimerRecord:
        if existing.guild_id != guild_id:
            raise ValueError(f"dedupe key {existing.dedupe_key!r} belongs to another server")
        if existing.status != CANCELLED:
            return TimerRecord.from_row(existing)
        result = await s.execute(
            update(Timer)
            .where(Timer.id == existing.id, Timer.status == CANCELLED)
            .values(
                status=PENDING,
                due_at=due_at,
                payload=dict(payload or {}),
                claimed_by=None,
                claimed_at=None,
                fired_at=None,
            )
        )
        await s.refresh(existing)
        record = TimerRecord.from_row(existing)
        if affected_rows(result) == 1:
            await self._notify_later(s, record)
        return record

    async def cancel(
        self, timer_id: int, *, guild_id: int | None = None, session: AsyncSession | None = None
    ) -> bool:
        """Cancel a pending timer; False if it is not pending (already ran, or unknown)."""
        async with self._transaction(session) as s:
            query = update(Timer).where(Timer.id == timer_id, Timer.status == PENDING)
            if guild_id is not None:
                query = query.where(Timer.guild_id == guild_id)
            result = await s.execute(query.values(status=CANCELLED))
            if affected_rows(result) != 1:
                return False
            self._forget_later(s, timer_id)
            return True

    async def cancel_key(
        self, dedupe_key: str, *, guild_id: int, session: AsyncSession | None = None
    ) -> bool:
        """Cancel the pending timer with this dedupe key, if any."""
        async with self._transaction(session) as s:
            timer_id = await s.scalar(
                select(Timer.id).where(
                    Timer.dedupe_key == dedupe_key,
                    Timer.guild_id == guild_id,
                    Timer.status == PENDING,
                )
            )
            if timer_id is None:
                return False
            return await self.cancel(timer_id, guild_id=guild_id, session=s)

    async def reschedule(
        self,
        timer_id: int,
        due_at: datetime,
        *,
        guild_id: int | None = None,
        payload: Mapping[str, Any] | None = None,
        session: AsyncSession | None = None,
    ) -> bool:
        """Move a pending timer to ``due_at`` (and optionally replace its payload)."""
        due_at = aware(due_at)
        async with self._transaction(session) as s:
            query = update(Timer).where(Timer.id == timer_id, Timer.status == PENDING)
            if guild_id is not None:
                query = query.where(Timer.guild_id == guild_id)
            values: dict[str, Any] = {"due_at": due_at}
            if payload is not None:
                values["payload"] = dict(payload)
            result = await s.execute(query.values(**values))
            if affected_rows(result) != 1:
                return False
            row_guild = await s.scalar(select(Timer.guild_id).where(Timer.id == timer_id))
            assert row_guild is not None
            # A dispatcher may keep a wake-up for the old time as well (the notify undoes the
            # forget); it only wakes early and claims nothing, as claims check due_at.
            self._forget_later(s, timer_id)
            await self._notify_later(s, TimerRecord(timer_id, row_guild, "", due_at, {}, PENDING))
            return True

    async def get(
        self, timer_id: int, *, guild_id: int | None = None, session: AsyncSession | None = None
    ) -> TimerRecord | None:
        async with self._transaction(session) as s:
            query = select(Timer).where(Timer.id == timer_id)
            if guild_id is not None:
                query = query.where(Timer.guild_id == guild_id)
            row = await s.scalar(query)
            return None if row is None else TimerRecord.from_row(row)

    async def pending(
        self,
        guild_id: int,
        *,
        kinds: Iterable[str] | None = None,
        owner_id: int | None = None,
        session: AsyncSession | None = None,
    ) -> list[TimerRecord]:
        """Pending timers of one server, earliest first."""
        async with self._transaction(session) as s:
            query = select(Timer).where(Timer.guild_id == guild_id, Timer.status == PENDING)
            if kinds is not None:
                query = query.where(Timer.kind.in_(list(kinds)))
            if owner_id is not None:
                query = query.where(Timer.owner_id == owner_id)
            rows = (await s.scalars(query.order_by(Timer.due_at, Timer.id))).all()
            return [TimerRecord.from_row(row) for row in rows]
