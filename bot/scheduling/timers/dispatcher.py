"""The one task that fires due timers: sleep until the next is due, claim it, run it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduling.clock import Clock, Sleeper, real_sleep_until, utc_now
from bot.scheduling.timers.claims import TimerClaims, default_dispatcher_name
from bot.scheduling.timers.due_queue import DueQueue
from bot.scheduling.timers.records import (
    MISSED,
    Handler,
    MissedCallback,
    ShardFilter,
    TimerRecord,
)
from bot.scheduling.timers.recovery import recover_interrupted
from bot.scheduling.timers.runner import HandlerRunner
from bot.scheduling.timers.service import TimerService

log = logging.getLogger(__name__)


class TimerDispatcher:
    """Fires due timers; see :mod:`bot.scheduling.timers` for the rules.

    Register it with a :class:`TimerService` (pass ``timers=``) so it hears about new rows.
    ``start()`` recovers interrupted rows, loads the pending ones and starts the task;
    ``stop()`` ends it and waits for running handlers.
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
        shard_filter: ShardFilter | None = None,
        on_missed: MissedCallback | None = None,
        stale_claim_after: timedelta = timedelta(minutes=10),
        redeliver_within: timedelta = timedelta(minutes=2),
        max_sleep: timedelta = timedelta(minutes=5),
        max_concurrency: int = 16,
        batch_size: int = 200,
        name: str | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.handlers: dict[str, Handler] = dict(handlers or {})
        self._clock = clock
        self._sleep_until = sleep_until
        self._timers = timers
        self.grace = grace
        self.tolerance = tolerance
        self._shard_filter = shard_filter
        self._on_missed = on_missed
        self._stale_claim_after = stale_claim_after
        self._redeliver_within = redeliver_within
        self._redeliverable: set[str] = set()
        self._recheck_at: datetime | None = None
        self._max_sleep = max_sleep
        self._batch_size = batch_size
        self.name = (name or default_dispatcher_name())[:48]
        self._claims = TimerClaims(session_factory, self.name)
        self._queue = DueQueue()
        self._runner = HandlerRunner(
            self.handlers,
            self._claims,
            clock,
            max_concurrency=max_concurrency,
            on_done=self._maybe_idle,
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
        a crash is completed on restart.
        """
        self.handlers[kind] = handler
        if redeliver:
            self._redeliverable.add(kind)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        if self._timers is not None:
            self._timers.add_listener(self)
        await self._recover()
        await self.load()
        self._task = asyncio.create_task(self._run(), name=f"timer-dispatcher:{self.name}")

    async def stop(self, drain_seconds: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._timers is not None:
            self._timers.remove_listener(self)
        if self._task is not None:
            await self._task
            self._task = None
        await self._runner.drain(drain_seconds)

    async def load(self) -> int:
        """(Re)build the queue from the database's pending rows of this process's servers."""
        count = self._queue.replace(await self._claims.pending_due_times(self._shard_filter))
        self._wake.set()
        return count

    async def settle(self) -> None:
        """Wait until everything due now has run and the task is asleep (for tests)."""
        if not self.running:
            raise RuntimeError("dispatcher not started")
        self._idle.clear()
        self._wake.set()
        await self._idle.wait()

    # -- waking: the TimerListener protocol ------------------------------------------------------

    def notify(self, timer_id: int, guild_id: int, due_at: datetime) -> None:
        if self._shard_filter is not None and not self._shard_filter(guild_id):
            return
        if self._queue.push(timer_id, due_at):
            self._wake.set()

    def forget(self, timer_id: int) -> None:
        if self._queue.forget(timer_id):
            self._wake.set()

    # -- the loop -------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                if self._recheck_at is not None and self._clock() >= self._recheck_at:
                    await self._recover()
                    await self.load()
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

    def _next_deadline(self) -> datetime:
        """The next due time, but never sleep past ``max_sleep`` or a pending recheck."""
        cap = self._clock() + self._max_sleep
        if self._recheck_at is not None:
            cap = min(cap, self._recheck_at)
        due = self._queue.next_due()
        return cap if due is None else min(due, cap)

    def _maybe_idle(self) -> None:
        if self._sleeping and not self._runner.busy and not self._wake.is_set():
            self._idle.set()

    async def _fire_due(self) -> None:
        now = self._clock()
        due_ids, more_due = self._queue.pop_due(now, self._batch_size)
        if more_due:
            self._wake.set()  # more than one batch is due: go round again at once
        if not due_ids:
            return
        missed: list[TimerRecord] = []
        for record in await self._claims.claim(due_ids, now, self.handlers):
            lateness = now - record.due_at
            if lateness > self.grace:
                missed.append(record)
            else:
                self._runner.run(record, late=lateness > self.tolerance)
        if missed:
            self._runner.spawn(self._record_missed(missed))

    async def _record_missed(self, records: list[TimerRecord]) -> None:
        await self._claims.mark_missed([r.id for r in records])
        log.warning("%d timers missed (overdue by more than %s)", len(records), self.grace)
        await self._report([replace(r, status=MISSED) for r in records])

    # -- recovery -------------------------------------------------------------------------------

    async def _recover(self) -> None:
        self._recheck_at = None
        recovery = await recover_interrupted(
            self._session_factory,
            self._clock(),
            keep=self._shard_filter,
            redeliverable=self._redeliverable,
            redeliver_within=self._redeliver_within,
            stale_claim_after=self._stale_claim_after,
        )
        self._recheck_at = recovery.recheck_at
        if recovery.interrupted:
            self._runner.spawn(self._report(recovery.interrupted))

    async def _report(self, records: list[TimerRecord]) -> None:
        if self._on_missed is None:
            return
        try:
            await self._on_missed(records)
        except Exception:
            log.exception("on_missed callback failed")
