"""Running claimed timers' handlers as tasks, and stopping them within a grace period."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace

from bot.log import log_context
from bot.scheduling.clock import Clock
from bot.scheduling.timers.claims import MAX_ERROR_CHARS, TimerClaims
from bot.scheduling.timers.records import (
    DONE,
    FAILED,
    LATE,
    Handler,
    TimerObserver,
    TimerRecord,
)
from bot.shutdown import finish

log = logging.getLogger(__name__)


class HandlerRunner:
    """Runs each claimed row's handler once and records the outcome; never retries.

    A handler that raised may already have sent its message, and a duplicate announcement is
    worse than a missing one, so a failure is recorded (with the traceback) and left there.
    The dispatcher claims only as many rows as :attr:`free_slots`, so every claimed row starts
    at once.
    """

    def __init__(
        self,
        handlers: Mapping[str, Handler],
        claims: TimerClaims,
        clock: Clock,
        *,
        max_concurrency: int,
        on_done: Callable[[], None],
        observer: TimerObserver | None = None,
    ) -> None:
        self._handlers = handlers  # the dispatcher's own dict: kinds may come and go
        self._claims = claims
        self._clock = clock
        self.max_concurrency = max_concurrency
        self._running: dict[asyncio.Task[None], TimerRecord] = {}
        self._other: set[asyncio.Task[None]] = set()
        self._on_done = on_done
        self._observer = observer

    @property
    def busy(self) -> bool:
        return bool(self._running or self._other)

    @property
    def free_slots(self) -> int:
        return self.max_concurrency - len(self._running)

    def run(self, record: TimerRecord, late: bool) -> None:
        task = asyncio.ensure_future(self._execute(record, late))
        self._running[task] = record
        task.add_done_callback(self._finished)

    def spawn(self, coro: Awaitable[None]) -> None:
        """Run ``coro`` (a report, say) in the background; ``on_done`` is called when it ends."""
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._other.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.pop(task, None)
        self._other.discard(task)
        self._on_done()

    async def drain(self, seconds: float) -> list[TimerRecord]:
        """Wait up to ``seconds`` for running handlers, then cancel the rest.

        Returns the rows whose handler was cut short: they stay ``running`` under this
        worker's claim, and recovery settles them once this worker's leases are gone.
        """
        records = dict(self._running)
        cut_tasks = await finish([*records, *self._other], seconds)
        cut = [record for task, record in records.items() if task in cut_tasks]
        if cut:
            log.warning(
                "%d timers were still running after %.0f s and were stopped", len(cut), seconds
            )
        return cut

    async def _execute(self, record: TimerRecord, late: bool) -> None:
        handler = self._handlers.get(record.kind)
        started = self._clock()
        record = replace(record, fired_at=started, late=late)
        status, error = (LATE if late else DONE), None
        lag = (started - record.due_at).total_seconds()
        with log_context(timer_id=record.id, timer_kind=record.kind, guild_id=record.guild_id):
            if late:
                log.warning("timer %s (%s) runs %.0f s late", record.id, record.kind, lag)
            try:
                if handler is None:  # unregistered after the claim
                    raise LookupError(f"no handler for timer kind {record.kind!r}")
                await handler(record)
            except Exception:
                log.exception("timer %s (%s) failed; not retried", record.id, record.kind)
                status, error = FAILED, traceback.format_exc()[-MAX_ERROR_CHARS:]
            await self._claims.finish(record.id, status, started, error)
        if self._observer is not None:
            self._observer(record.kind, status, lag)
