"""Settling rows left ``running`` by a process that died mid-action (see the package rules)."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import Timer
from bot.scheduling.timers.claims import claimer_is_dead
from bot.scheduling.timers.records import (
    INTERRUPTED,
    PENDING,
    RUNNING,
    ShardFilter,
    TimerRecord,
    aware,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recovery:
    interrupted: list[TimerRecord]  # not resent: organisers should hear of them
    recheck_at: datetime | None  # when undecided foreign claims go stale, if any remain


async def recover_interrupted(
    session_factory: async_sessionmaker[AsyncSession],
    now: datetime,
    *,
    keep: ShardFilter | None,
    redeliverable: Collection[str],
    redeliver_within: timedelta,
    stale_claim_after: timedelta,
) -> Recovery:
    """Send ``running`` rows back to ``pending`` (redeliverable kinds claimed recently) or
    mark them ``interrupted`` (claimed by a dead local process, or long enough ago)."""
    cutoff = now - stale_claim_after
    recheck_at = None
    async with session_factory() as s, s.begin():
        running = (await s.scalars(select(Timer).where(Timer.status == RUNNING))).all()
        running = [r for r in running if keep is None or keep(r.guild_id)]
        orphans = [r for r in running if claimer_is_dead(r.claimed_by)]
        retry = [
            r.id
            for r in running
            if r.kind in redeliverable and aware(r.claimed_at or now) >= now - redeliver_within
        ]
        if retry:
            await s.execute(
                update(Timer)
                .where(Timer.id.in_(retry), Timer.status == RUNNING)
                .values(status=PENDING, claimed_by=None)
            )
            log.warning("%d timers cut short by a crash will run again", len(retry))
        rows = [
            r
            for r in running
            if r.id not in retry
            and (r in orphans or (r.claimed_at is not None and aware(r.claimed_at) < cutoff))
        ]
        undecided = [r for r in running if r.id not in retry and r not in rows]
        if undecided:
            # Claimed recently by a process we cannot see (another host): look again once
            # such a claim would count as stale, so no row stays 'running' for ever.
            oldest = min(aware(r.claimed_at or now) for r in undecided)
            recheck_at = max(oldest + stale_claim_after, now + timedelta(seconds=1))
        if not rows:
            return Recovery([], recheck_at)
        await s.execute(
            update(Timer)
            .where(Timer.id.in_([r.id for r in rows]), Timer.status == RUNNING)
            .values(status=INTERRUPTED)
        )
        records = [replace(TimerRecord.from_row(r), status=INTERRUPTED) for r in rows]
    log.warning("%d timers were interrupted by a crash and are not resent", len(records))
    return Recovery(records, recheck_at)
