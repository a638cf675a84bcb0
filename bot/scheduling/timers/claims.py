"""The dispatcher's database side: which rows are pending, claiming due ones, recording outcomes.

A claim is a guarded UPDATE (``pending -> running`` only if still pending) in its own committed
transaction, stamped with a token ``<host>:<pid>#<n>`` naming the claiming process, so two
dispatchers can never both run a row and a restart can tell whose claim a ``running`` row is.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import Timer
from bot.scheduling.timers.records import MISSED, PENDING, RUNNING, ShardFilter, TimerRecord

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 4000


def default_dispatcher_name() -> str:
    """``<host>:<pid>``, the start of this process's claim tokens."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def claimer_is_dead(claimed_by: str | None) -> bool:
    """True when the claim came from a process on this host that no longer exists."""
    host, _, rest = (claimed_by or "").partition(":")
    pid_text = rest.split("#", 1)[0]
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by someone else
    return False


class TimerClaims:
    """Claims due rows for one dispatcher and records what became of them."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], name: str) -> None:
        self._session_factory = session_factory
        self.name = name
        self._claims = itertools.count(1)

    async def pending_due_times(self, keep: ShardFilter | None) -> Sequence[tuple[datetime, int]]:
        """``(due_at, id)`` of every pending row of the servers ``keep`` selects (all: None)."""
        async with self._session_factory() as s:
            if keep is None:
                query = select(Timer.due_at, Timer.id).where(Timer.status == PENDING)
                return (await s.execute(query)).tuples().all()
            with_guild = select(Timer.due_at, Timer.id, Timer.guild_id).where(
                Timer.status == PENDING
            )
            rows = (await s.execute(with_guild)).tuples().all()
        return [(due, timer_id) for due, timer_id, guild in rows if keep(guild)]

    async def claim(self, ids: list[int], now: datetime, kinds: Iterable[str]) -> list[TimerRecord]:
        """Claim those of ``ids`` that are due, pending and of a handled kind; returns only
        the rows this call moved from pending (another dispatcher may have won the rest)."""
        token = f"{self.name}#{next(self._claims)}"
        async with self._session_factory() as s, s.begin():
            await s.execute(
                update(Timer)
                .where(
                    Timer.id.in_(ids),
                    Timer.status == PENDING,
                    Timer.due_at <= now,
                    Timer.kind.in_(list(kinds)),
                )
                .values(
                    status=RUNNING,
                    claimed_by=token,
                    claimed_at=now,
                    attempts=Timer.attempts + 1,
                )
            )
            rows = (
                await s.scalars(
                    select(Timer)
                    .where(Timer.id.in_(ids), Timer.claimed_by == token)
                    .order_by(Timer.due_at, Timer.id)
                )
            ).all()
        if len(rows) < len(ids):
            log.debug("%d of %d due timers were not claimable", len(ids) - len(rows), len(ids))
        return [TimerRecord.from_row(row) for row in rows]

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
            # The action ran; the row stays 'running' and is marked interrupted after a restart.
            log.exception("could not record the outcome of timer %s", timer_id)

    async def mark_missed(self, ids: list[int]) -> None:
        """Claimed rows too overdue to run: ``missed``, never run."""
        async with self._session_factory() as s, s.begin():
            await s.execute(
                update(Timer)
                .where(Timer.id.in_(ids), Timer.status == RUNNING)
                .values(status=MISSED)
            )
