"""Shard leases: one live process dispatches each shard's timers, and a dead one is replaced.

Each process (a *worker*, named ``<host>:<pid>:<random>``) holds a row per shard it dispatches
in ``shard_leases``, renewed every ``renew_every`` and valid for ``period``:

* **Start.** A worker takes the leases of its configured shards that are free, expired or only
  *taken over* by another worker (``configured = false``). A shard whose lease another live
  worker holds *as configured* is a configuration mistake (two processes given the same
  ``SHARD_IDS``): it is logged as an error, and only the holder dispatches, so every timer still
  runs once.
* **Renewal.** Each renewal extends the worker's own rows; a row that now names another holder
  was taken from it and is dropped.
* **Takeover.** At each renewal a worker also takes any expired lease of the same shard count:
  a process killed without a goodbye loses its shards within ``period`` plus one renewal, and
  REST calls need no gateway connection, so its timers keep firing. When the configured owner
  comes back it takes its shards back at its start.
* **Liveness.** A worker is alive while it holds an unexpired lease. A timer claim is re-run
  only when its claimer is not alive (see :mod:`~.recovery`), never because it is old.
* **Goodbye.** A graceful stop expires the worker's leases at once, so its shards are taken
  over without waiting for the period.

Lease times come from the dispatcher's clock, the same one timers are due by.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import affected_rows
from bot.db.models.scheduling import ShardLease
from bot.db.upsert import insert_ignoring_conflicts
from bot.scheduling.clock import Clock
from bot.scheduling.timers.shards import ShardSet, shard_key

log = logging.getLogger(__name__)

LEASE_PERIOD = timedelta(seconds=45)
RENEW_EVERY = timedelta(seconds=15)


def new_worker_id() -> str:
    """``<host>:<pid>:<random>``: unique even when a pid is reused after a restart."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(3)}"


def worker_of(claimed_by: str | None) -> str:
    """The worker that made a claim (claims are ``<worker>#<n>``)."""
    return (claimed_by or "").split("#", 1)[0]


@dataclass(frozen=True)
class LeaseChange:
    gained: frozenset[int]
    lost: frozenset[int]

    def __bool__(self) -> bool:
        return bool(self.gained or self.lost)


class ShardLeases:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        worker_id: str,
        shard_count: int,
        configured: frozenset[int],
        clock: Clock,
        period: timedelta = LEASE_PERIOD,
        renew_every: timedelta = RENEW_EVERY,
    ) -> None:
        self._session_factory = session_factory
        self.worker_id = worker_id
        self.shard_count = shard_count
        self.configured = configured
        self._clock = clock
        self.period = period
        self.renew_every = renew_every
        self.held: frozenset[int] = frozenset()
        self.next_renewal: datetime | None = None
        self._told_conflict: set[int] = set()

    @property
    def shards(self) -> ShardSet:
        return ShardSet(self.shard_count, self.held)

    def _key(self, shard_id: int) -> str:
        return shard_key(self.shard_count, shard_id)

    def _shard_id(self, key: str) -> int:
        return int(key.split(":", 1)[1])

    async def acquire(self) -> LeaseChange:
        """At start: take the configured shards (see the module rules)."""
        now = self._clock()
        expires = now + self.period
        async with self._session_factory() as s, s.begin():
            for shard_id in sorted(self.configured):
                key = self._key(shard_id)
                taken = await s.execute(
                    update(ShardLease)
                    .where(
                        ShardLease.shard_key == key,
                        or_(
                            ShardLease.holder == self.worker_id,
                            ShardLease.expires_at <= now,
                            ShardLease.configured.is_(False),
                        ),
                    )
                    .values(
                        holder=self.worker_id, configured=True, expires_at=expires, renewed_at=now
                    )
                )
                if affected_rows(taken) == 0:
                    await self._insert_or_report(s, key, shard_id, now, expires)
        return await self.renew()

    async def _insert_or_report(
        self, s: AsyncSession, key: str, shard_id: int, now: datetime, expires: datetime
    ) -> None:
        inserted = await s.scalar(
            insert_ignoring_conflicts(s, ShardLease, "shard_key")
            .values(
                shard_key=key,
                holder=self.worker_id,
                configured=True,
                expires_at=expires,
                renewed_at=now,
            )
            .returning(ShardLease.shard_key)
        )
        if inserted is None:  # a live worker holds it as its own
            holder = await s.scalar(select(ShardLease.holder).where(ShardLease.shard_key == key))
            self._report_conflict(shard_id, holder)

    def _report_conflict(self, shard_id: int, holder: str | None) -> None:
        if shard_id in self._told_conflict:
            return
        self._told_conflict.add(shard_id)
        log.error(
            "shard %d of %d is also configured on %s, which holds its lease: two processes "
            "have the same SHARD_IDS. Only that process dispatches the shard's timers; fix "
            "SHARD_IDS so that each process has its own shards.",
            shard_id,
            self.shard_count,
            holder,
        )

    async def renew(self) -> LeaseChange:
        """Extend this worker's leases, take over expired ones, notice lost ones."""
        now = self._clock()
        expires = now + self.period
        prefix = f"{self.shard_count}:"
        async with self._session_factory() as s, s.begin():
            await s.execute(
                update(ShardLease)
                .where(ShardLease.holder == self.worker_id)
                .values(expires_at=expires, renewed_at=now)
            )
            # Own configured shards another worker had only taken over (e.g. after our
            # restart raced a takeover) come back; expired leases of any shard are adopted.
            await s.execute(
                update(ShardLease)
                .where(
                    ShardLease.shard_key.startswith(prefix),
                    ShardLease.holder != self.worker_id,
                    or_(
                        ShardLease.expires_at <= now,
                        and_(
                            ShardLease.configured.is_(False),
                            ShardLease.shard_key.in_([self._key(i) for i in self.configured]),
                        ),
                    ),
                )
                .values(holder=self.worker_id, expires_at=expires, renewed_at=now)
            )
            await s.execute(
                update(ShardLease)
                .where(ShardLease.holder == self.worker_id)
                .values(
                    configured=ShardLease.shard_key.in_([self._key(i) for i in self.configured])
                )
            )
            keys = (
                await s.scalars(
                    select(ShardLease.shard_key).where(
                        ShardLease.holder == self.worker_id, ShardLease.shard_key.startswith(prefix)
                    )
                )
            ).all()
        held = frozenset(self._shard_id(key) for key in keys)
        change = LeaseChange(held - self.held, self.held - held)
        adopted = sorted(change.gained - self.configured)
        if adopted:
            log.warning(
                "took over the timers of shard(s) %s of %d: their process stopped renewing",
                adopted,
                self.shard_count,
            )
        if change.lost:
            log.warning(
                "shard(s) %s of %d now dispatched elsewhere", sorted(change.lost), self.shard_count
            )
        self.held = held
        self.next_renewal = now + self.renew_every
        return change

    async def release(self) -> None:
        """Graceful stop: expire this worker's leases so others take over at once."""
        now = self._clock()
        try:
            async with self._session_factory() as s, s.begin():
                await s.execute(
                    update(ShardLease)
                    .where(ShardLease.holder == self.worker_id)
                    .values(expires_at=now, renewed_at=now)
                )
        except Exception:
            log.exception("could not release the shard leases; they expire by themselves")
        self.held = frozenset()

    async def alive_workers(self, s: AsyncSession) -> set[str]:
        """Workers holding an unexpired lease now (this one always counts as alive)."""
        now = self._clock()
        holders = (
            await s.scalars(select(ShardLease.holder).where(ShardLease.expires_at > now).distinct())
        ).all()
        return {*holders, self.worker_id}


async def forget_all_leases(session_factory: async_sessionmaker[AsyncSession]) -> None:
    """For tests and benchmarks that reuse one database."""
    async with session_factory() as s, s.begin():
        await s.execute(delete(ShardLease))
