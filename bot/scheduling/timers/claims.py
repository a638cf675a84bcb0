"""The dispatcher's database side: what is due soon, claiming due rows, recording outcomes.

A claim moves due rows ``pending -> running`` in one committed transaction, stamped with a token
``<worker>#<n>`` naming the claiming process, and takes no more rows than the dispatcher is about
to run. On PostgreSQL the rows are picked with ``FOR UPDATE SKIP LOCKED``, so processes claiming
at the same moment each take different rows without waiting on each other; SQLite has one
writer at a time, which serialises claims by itself.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import Timer
from bot.scheduling.timers.records import MISSED, PENDING, RUNNING, TimerRecord
from bot.scheduling.timers.shards import ShardSet

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 4000


class TimerClaims:
    """Claims due rows for one worker and records what became of them."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], worker_id: str) -> None:
        self._session_factory = session_factory
        self.worker_id = worker_id
        self._claims = itertools.count(1)

    async def due_before(
        self, until: datetime, shards: ShardSet, limit: int, kinds: Iterable[str]
    ) -> Sequence[tuple[datetime, int]]:
        """``(due_at, id)`` of the first ``limit`` pending rows of handled ``kinds`` on
        ``shards`` due by ``until``."""
        query = (
            select(Timer.due_at, Timer.id)
            .where(
                Timer.status == PENDING,
                Timer.due_at <= until,
                Timer.kind.in_(list(kinds)),
                shards.where(),
            )
            .order_by(Timer.due_at, Timer.id)
            .limit(limit)
        )
        async with self._session_factory() as s:
            return (await s.execute(query)).tuples().all()

    async def claim_due(
        self, now: datetime, limit: int, kinds: Iterable[str], shards: ShardSet
    ) -> list[TimerRecord]:
        """Claim up to ``limit`` due pending rows of handled kinds on ``shards``, oldest first.

        Rows of kinds this process has no handler for are left pending for a process that has.
        """
        kinds = list(kinds)
        if limit <= 0 or not kinds:
            return []
        token = f"{self.worker_id}#{next(self._claims)}"
        # A CTE, not ``id IN (subquery)``: PostgreSQL may run such a subquery again while the
        # UPDATE scans, and with SKIP LOCKED each run finds other rows, claiming past the limit.
        picked = (
            select(Timer.id)
            .where(
                Timer.status == PENDING,
                Timer.due_at <= now,
                Timer.kind.in_(kinds),
                shards.where(),
            )
            .order_by(Timer.due_at, Timer.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite ignores it
            .cte("picked")
        )
        async with self._session_factory() as s, s.begin():
            rows = (
                await s.scalars(
                    update(Timer)
                    .where(Timer.id == picked.c.id, Timer.status == PENDING)
                    .values(
                        status=RUNNING,
                        claimed_by=token,
                        claimed_at=now,
                        attempts=Timer.attempts + 1,
                    )
                    .returning(Timer),
                    execution_options={"synchronize_session": False},
                )
            ).all()
        records = [TimerRecord.from_row(row) for row in rows]
        return sorted(records, key=lambda r: (r.due_at, r.id))

    async def finish(
        self, timer_id: int, status: str, fired_at: datetime, error: str | None
    ) -> None:
        """Record a claimed row's outcome (``done``, ``late`` or ``failed`` with ``error``)."""
        try:
            async with self._session_factory() as s, s.begin():
                await s.execute(
                    update(Timer)
                    .where(Timer.id == timer_id, Timer.status == RUNNING)
                    .values(status=status, fired_at=fired_at, error=error)
                )
        except Exception:
            # The action ran; the row stays 'running' and is settled by recovery later.
            log.exception("could not record the outcome of timer %s", timer_id)

    async def mark_missed(self, ids: list[int]) -> None:
        """Claimed rows too overdue to run: ``missed``, never run."""
        async with self._session_factory() as s, s.begin():
            await s.execute(
                update(Timer)
                .where(Timer.id.in_(ids), Timer.status == RUNNING)
                .values(status=MISSED)
            )

    async def unclaim(self, ids: list[int]) -> None:
        """Claimed rows whose handler never started go back to pending (a graceful stop)."""
        if not ids:
            return
        async with self._session_factory() as s, s.begin():
            await s.execute(
                update(Timer)
                .where(Timer.id.in_(ids), Timer.status == RUNNING)
                .values(status=PENDING, claimed_by=None, claimed_at=None)
            )
