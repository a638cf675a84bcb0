"""Running claimed timers' handlers as tasks, at most ``max_concurrency`` at a time."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace

from bot.scheduling.clock import Clock
from bot.scheduling.timers.claims import MAX_ERROR_CHARS, TimerClaims
from bot.scheduling.timers.records import DONE, FAILED, LATE, Handler, TimerRecord

log = logging.getLogger(__name__)


class HandlerRunner:
    """Runs each claimed row's handler once and records the outcome; never retries.

    A handler that raised may already have sent its message, and a duplicate announcement is
    worse than a missing one, so a failure is recorded (with the traceback) and left there.
    """

    def __init__(
        self,
        handlers: Mapping[str, Handler],
        claims: TimerClaims,
        clock: Clock,
        *,
        max_concurrency: int,
        on_done: Callable[[], None],
    ) -> None:
        self._handlers = handlers  # the dispatcher's own dict: kinds may come and go
        self._claims = claims
        self._clock = clock
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._inflight: set[asyncio.Task[None]] = set()
        self._on_done = on_done

    @property
    def busy(self) -> bool:
        return bool(self._inflight)

    def run(self, record: TimerRecord, late: bool) -> None:
        self.spawn(self._execute(record, late))

    def spawn(self, coro: Awaitable[None]) -> None:
        """Run ``coro`` in the background; ``on_done`` is called when it ends."""
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._inflight.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._inflight.discard(finished)
            self._on_done()

        task.add_done_callback(done)

    async def drain(self, seconds: float) -> None:
        """Wait (up to ``seconds``) for the running handlers."""
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=seconds)

    async def _execute(self, record: TimerRecord, late: bool) -> None:
        async with self._semaphore:
            handler = self._handlers.get(record.kind)
            started = self._clock()
            record = replace(record, fired_at=started, late=late)
            status, error = (LATE if late else DONE), None
            try:
                if handler is None:  # unregistered after the claim
                    raise LookupError(f"no handler for timer kind {record.kind!r}")
                await handler(record)
            except Exception:
                log.exception("timer %s (%s) failed; not retried", record.id, record.kind)
                status, error = FAILED, traceback.format_exc()[-MAX_ERROR_CHARS:]
            await self._claims.finish(record.id, status, started, error)
