"""Settling rows left ``running`` by a process that is gone (see the package rules).

A ``running`` row is looked at only when its claimer is no longer alive, that is holds no
unexpired shard lease (:mod:`~.leases`): a slow handler of a live process is never run a second
time because its claim is old. A dead claimer's row goes back to ``pending`` when its kind is
redeliverable (its handler sends with a delivery nonce, so Discord keeps one copy) and the claim
is recent enough for Discord to still remember the nonce; otherwise it is marked
``interrupted`` and reported, never resent (at most once).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import Timer
from bot.scheduling.timers.leases import ShardLeases, worker_of
from bot.scheduling.timers.records import INTERRUPTED, PENDING, RUNNING, TimerRecord, aware
from bot.scheduling.timers.shards import ShardSet

log = logging.getLogger(__name__)

# Discord remembers a message nonce for a few minutes (enforce_nonce).
REDELIVER_WITHIN = timedelta(minutes=3)


async def recover_orphans(
    session_factory: async_sessionmaker[AsyncSession],
    leases: ShardLeases,
    now: datetime,
    *,
    shards: ShardSet,
    redeliverable: Collection[str],
    redeliver_within: timedelta = REDELIVER_WITHIN,
) -> list[TimerRecord]:
    """Settle the running rows of ``shards`` whose claimer is dead; returns the interrupted."""
    async with session_factory() as s, s.begin():
        alive = await leases.alive_workers(s)
        running = (
            await s.scalars(select(Timer).where(Timer.status == RUNNING, shards.where()))
        ).all()
        orphans = [row for row in running if worker_of(row.claimed_by) not in alive]
        if not orphans:
            return []
        retry = [
            row.id
            for row in orphans
            if row.kind in redeliverable and aware(row.claimed_at or now) >= now - redeliver_within
        ]
        lost = [row for row in orphans if row.id not in retry]
        if retry:
            await s.execute(
                update(Timer)
                .where(Timer.id.in_(retry), Timer.status == RUNNING)
                .values(status=PENDING, claimed_by=None, claimed_at=None)
            )
            log.warning("%d timers cut short by a stopped process will run again", len(retry))
        if not lost:
            return []
        await s.execute(
            update(Timer)
            .where(Timer.id.in_([row.id for row in lost]), Timer.status == RUNNING)
            .values(status=INTERRUPTED)
        )
        records = [replace(TimerRecord.from_row(row), status=INTERRUPTED) for row in lost]
    log.warning("%d timers were interrupted by a stopped process and are not resent", len(records))
    return records
