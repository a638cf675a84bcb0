"""The one task that fires due timers: sleep until the next is due, claim it, run it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduling.clock import Clock, Sleeper, real_sleep_until, utc_now
from bot.scheduling.timers.claims import TimerClaims
from bot.scheduling.timers.due_queue import DueQueue
from bot.scheduling.timers.leases import LEASE_PERIOD, RENEW_EVERY, ShardLeases, new_worker_id
from bot.scheduling.timers.records import (
    MISSED,
    Handler,
    MissedCallback,
    TimerObserver,
    TimerRecord,
)
from bot.scheduling.timers.recovery import recover_orphans
from bot.scheduling.timers.runner import HandlerRunner
from bot.scheduling.timers.service import TimerService
from bot.scheduling.timers.shards import ShardSet, shard_of
from bot.scheduling.timers.wakeups import WakeTarget

log = logging.getLogger(__name__)

LOOK_AHEAD = timedelta(minutes=10)
MAX_QUEUED = 5_000


class Wakeups(Protocol):
    """Hears of timers other processes write (PostgreSQL LISTEN/NOTIFY, see :mod:`~.wakeups`)."""

    async def start(self, target: WakeTarget) -> None: ...
    async def stop(self) -> None: ...


class TimerDispatcher:
    """Fires due timers; see :mod:`bot.scheduling.timers` for the rules.

    Register it with a :class:`TimerService` (pass ``timers=``) so it hears about new rows.
    ``start()`` takes its shard leases, settles rows a dead process left running, loads what is
    due soon and starts the task; ``stop()`` stops claiming, lets running handlers finish within
    a grace period and gives its shards up.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        handlers: Mapping[str, Handler] | None = None,
        clock: Clock = utc_now,
        sleep_until: Sleeper = real_sleep_until,
        timers: TimerService | None = None,
        grace: timedelta = timedelta(minutes=15),
        tolerance: timedelta = timedelta(seconds=10),
        shard_count: int | None = None,
        shard_ids: Iterable[int] | None = None,
        on_missed: MissedCallback | None = None,
        observer: TimerObserver | None = None,
        wakeups: Wakeups | None = None,
        max_sleep: timedelta = timedelta(minutes=5),
        max_concurrency: int = 16,
        look_ahead: timedelta = LOOK_AHEAD,
        max_queued: int = MAX_QUEUED,
        lease_period: timedelta = LEASE_PERIOD,
        renew_every: timedelta = RENEW_EVERY,
        name: str | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.handlers: dict[str, Handler] = dict(handlers or {})
        self._clock = clock
        self._sleep_until = sleep_until
        self._timers = timers
        self.grace = grace
        self.tolerance = tolerance
        self._on_missed = on_missed
        self._observer = observer
        self._wakeups = wakeups
        self._redeliverable: set[str] = set()
        self._max_sleep = max_sleep
        self._look_ahead = look_ahead
        self._max_queued = max_queued
        self.worker_id = (name or new_worker_id())[:48]
        count = shard_count or 1
        configured = frozenset(shard_ids) if shard_ids is not None else frozenset(range(count))
        self.leases = ShardLeases(
            session_factory,
            worker_id=self.worker_id,
            shard_count=count,
            configured=configured,
            clock=clock,
            period=lease_period,
            renew_every=renew_every,
        )
        self._claims = TimerClaims(session_factory, self.worker_id)
        self._queue = DueQueue()
        self._complete_until: datetime | None = None  # the queue holds every row due by then
        self._backlog = True  # rows may be due that the queue does not know of: claim once
        self._runner = HandlerRunner(
            self.handlers,
            self._claims,
            clock,
            max_concurrency=max_concurrency,
            on_done=self._handler_done,
            observer=observer,
        )
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sleeping = False

    # -- lifecycle ------------------------------------------------------------------------------

    def register(self, kind: str, handler: Handler, *, redeliver: bool = False) -> None:
        """Add a handler for ``kind`` (before ``start()``).

        ``redeliver=True`` promises the handler is safe to run again after a crash (it sends
        with :func:`~bot.scheduling.timers.records.delivery_nonce`), so an action cut short by
        a crash is completed by the process that settles it.
        """
        self.handlers[kind] = handler
        if redeliver:
            self._redeliverable.add(kind)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def shards(self) -> ShardSet:
        """The shards whose timers this process dispatches now."""
        return self.leases.shards

    def dispatches(self, guild_id: int) -> bool:
        return shard_of(guild_id, self.leases.shard_count) in self.leases.held

    async def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        if self._timers is not None:
            self._timers.add_listener(self)
        await self.leases.acquire()
        await self._recover()
        loaded = await self.refill()
        log.info(
            "timer dispatcher %s: shards %s of %d; loaded %d due timers (the look-ahead window)",
            self.worker_id,
            sorted(self.leases.held),
            self.leases.shard_count,
            loaded,
        )
        if self._wakeups is not None:
            await self._wakeups.start(self)
        self._task = asyncio.create_task(self._run(), name=f"timer-dispatcher:{self.worker_id}")

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Stop claiming; let running handlers finish within ``grace_seconds``; give the
        shards up so another process (or this one's successor) takes over at once."""
        self._stop.set()
        self._wake.set()
        if self._timers is not None:
            self._timers.remove_listener(self)
        if self._wakeups is not None:
            await self._wakeups.stop()
        if self._task is not None:
            await self._task
            self._task = None
        await self._runner.drain(grace_seconds)
        await self.leases.release()

    async def refill(self) -> int:
        """Load the pending rows of this process's shards due within the look-ahead window."""
        now = self._clock()
        until = now + self._look_ahead
        rows = await self._claims.due_before(until, self.shards, self._max_queued, self.handlers)
        if len(rows) >= self._max_queued:
            until = rows[-1][0]  # more are due in the window; complete up to the last loaded
        self._complete_until = until
        self._backlog = True  # after a (re)load, look at the database once
        self._wake.set()
        return self._queue.replace(rows)

    async def settle(self) -> None:
        """Wait until everything due now has run and the task is asleep (for tests)."""
        if not self.running:
            raise RuntimeError("dispatcher not started")
        self._idle.clear()
        self._wake.set()
        await self._idle.wait()

    # -- waking: the TimerListener protocol ------------------------------------------------------

    def notify(self, timer_id: int, guild_id: int, due_at: datetime) -> None:
        if not self.dispatches(guild_id):
            return
        if self._complete_until is not None and due_at > self._complete_until:
            return  # beyond the window: the refill at its end loads it
        if self._queue.push(timer_id, due_at):
            self._wake.set()

    def forget(self, timer_id: int) -> None:
        if self._queue.forget(timer_id):
            self._wake.set()

    def wake(self) -> None:
        """Look at the database again now (e.g. a notification connection was lost)."""
        self._complete_until = None
        self._wake.set()

    # -- the loop -------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                await self._keep_leases()
                if self._complete_until is None or self._clock() >= self._complete_until:
                    await self.refill()
                    self._wake.clear()
                await self._fire_due()
            except Exception:
                # A database hiccup must not kill the dispatcher; try again shortly.
                log.exception("timer dispatcher failed to claim due timers")
                await asyncio.sleep(1)
                self._wake.set()
            if self._stop.is_set():
                break
            deadline = self._next_deadline()
            self._sleeping = True
            self._maybe_idle()
            try:
                await self._sleep_until(deadline, self._wake)
            finally:
                self._sleeping = False

    async def _keep_leases(self) -> None:
        renewal = self.leases.next_renewal
        if renewal is not None and self._clock() < renewal:
            return
        change = await self.leases.renew()
        # Rows left running by a worker whose leases have since expired (including the
        # previous holder of a shard just taken over) are settled now.
        await self._recover()
        if change:
            self._complete_until = None  # the set of shards changed: load again

    def _next_deadline(self) -> datetime:
        """The next due time, but never past the window's end, a renewal or ``max_sleep``."""
        caps = [self._clock() + self._max_sleep]
        if self._complete_until is not None:
            caps.append(self._complete_until)
        if self.leases.next_renewal is not None:
            caps.append(self.leases.next_renewal)
        due = self._queue.next_due()
        if due is not None and self._runner.free_slots > 0:
            caps.append(due)
        return min(caps)

    def _handler_done(self) -> None:
        if self._backlog:
            self._wake.set()  # a free slot, and more rows were due than there were slots
        self._maybe_idle()

    def _maybe_idle(self) -> None:
        if self._sleeping and not self._runner.busy and not self._wake.is_set():
            self._idle.set()

    async def _fire_due(self) -> None:
        """Claim what is due, no more than there are free slots, and run it.

        The queue says *whether* something is due (it holds every row of the window); the
        database says *what*: the claim picks the due rows itself.
        """
        now = self._clock()
        if not self._queue.drop_due(now) and not self._backlog:
            return
        missed: list[TimerRecord] = []
        self._backlog = False
        while (slots := self._runner.free_slots) > 0 and not self._stop.is_set():
            claimed = await self._claims.claim_due(now, slots, self.handlers, self.shards)
            for record in claimed:
                lateness = now - record.due_at
                if lateness > self.grace:
                    missed.append(record)
                else:
                    self._runner.run(record, late=lateness > self.tolerance)
            if len(claimed) < slots:
                break
        else:
            self._backlog = True  # every slot filled: more may be due once one frees
        if missed:
            self._runner.spawn(self._record_missed(missed))

    async def _record_missed(self, records: list[TimerRecord]) -> None:
        await self._claims.mark_missed([r.id for r in records])
        log.warning("%d timers missed (overdue by more than %s)", len(records), self.grace)
        if self._observer is not None:
            for record in records:
                self._observer(record.kind, MISSED, None)
        await self._report([replace(r, status=MISSED) for r in records])

    # -- recovery -------------------------------------------------------------------------------

    async def _recover(self) -> None:
        interrupted = await recover_orphans(
            self._session_factory,
            self.leases,
            self._clock(),
            shards=self.shards,
            redeliverable=self._redeliverable,
        )
        if interrupted:
            if self._observer is not None:
                for record in interrupted:
                    self._observer(record.kind, record.status, None)
            self._runner.spawn(self._report(interrupted))

    async def _report(self, records: list[TimerRecord]) -> None:
        if self._on_missed is None:
            return
        try:
            await self._on_missed(records)
        except Exception:
            log.exception("on_missed callback failed")
