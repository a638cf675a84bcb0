"""What ``/readyz`` and ``/metrics`` read from the database and the gateway.

Discord-light on purpose: the gateway side needs only the shard ids, whether each is open and
its latency, so a test can feed these functions plain values.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.models.scheduling import Timer
from bot.scheduling.timers import PENDING
from bot.scheduling.timers.shards import ShardSet

DATABASE_TIMEOUT_SECONDS = 2.0
# A due timer older than this means the dispatcher is stuck or far behind.
MAX_DISPATCH_LAG_SECONDS = 120.0


@dataclass(frozen=True)
class ShardState:
    shard_id: int
    connected: bool
    latency: float  # seconds; inf or nan before the first heartbeat

    @property
    def healthy(self) -> bool:
        return self.connected and math.isfinite(self.latency)


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reasons: list[str]

    def text(self) -> str:
        return ("ready: " if self.ready else "not ready: ") + "; ".join(self.reasons)


async def database_answers(engine: AsyncEngine) -> str | None:
    """None when the database answers ``SELECT 1`` in time, else the reason."""
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as error:  # any failure means not ready; the reason is reported
        return f"database does not answer ({type(error).__name__})"
    return None


async def timer_backlog(
    sessions: async_sessionmaker[AsyncSession], now: datetime, shards: ShardSet
) -> tuple[dict[str, int], datetime | None]:
    """Due, unclaimed timers of ``shards`` per kind, and the oldest due time among them."""
    query = (
        select(Timer.kind, func.count(), func.min(Timer.due_at))
        .where(Timer.status == PENDING, Timer.due_at <= now, shards.where())
        .group_by(Timer.kind)
    )
    async with sessions() as session:
        rows = (await session.execute(query)).all()
    counts = {kind: int(count) for kind, count, _ in rows}
    oldest = min((due for _, _, due in rows if due is not None), default=None)
    return counts, oldest


def readiness(
    *,
    database_problem: str | None,
    gateway_ready: bool,
    shards: list[ShardState],
    oldest_due: datetime | None,
    now: datetime,
) -> Readiness:
    reasons: list[str] = []
    ok = True
    if database_problem:
        ok = False
        reasons.append(database_problem)
    else:
        reasons.append("database answers")
    down = [s.shard_id for s in shards if not s.healthy]
    if not gateway_ready or not shards or down:
        ok = False
        reasons.append(f"shards not connected: {down}" if down else "gateway not connected yet")
    else:
        reasons.append(f"{len(shards)} shard(s) connected")
    lag = (now - oldest_due).total_seconds() if oldest_due is not None else 0.0
    if lag > MAX_DISPATCH_LAG_SECONDS:
        ok = False
        reasons.append(f"timers {lag:.0f}s behind")
    else:
        reasons.append(f"timer lag {lag:.0f}s")
    return Readiness(ok, reasons)
