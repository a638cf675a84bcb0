"""Clocks and sleepers the timer dispatcher is given, so tests can drive time by hand.

A *clock* is ``Callable[[], datetime]`` returning an aware UTC datetime. A *sleeper* is
``async sleep_until(deadline, wake)``: return when ``deadline`` (aware UTC, or ``None`` for
"no deadline") is reached or when ``wake`` is set, whichever comes first.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]
Sleeper = Callable[[datetime | None, asyncio.Event], Awaitable[None]]


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


async def real_sleep_until(deadline: datetime | None, wake: asyncio.Event) -> None:
    """Sleep on the event loop's timer until ``deadline`` or until ``wake`` is set."""
    if wake.is_set():
        return
    timeout = None if deadline is None else max(0.0, (deadline - utc_now()).total_seconds())
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wake.wait(), timeout=timeout)


class FakeClock:
    """A clock that only moves when told to; ``sleep_until`` wakes when it passes a deadline.

    >>> clock = FakeClock(datetime(2026, 3, 1, tzinfo=UTC))
    >>> clock.advance(timedelta(hours=1)).hour
    1
    """

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 1, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._tick = asyncio.Event()

    def __call__(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> datetime:
        """Jump to ``when`` (may go backwards, like a wall clock corrected by NTP)."""
        if when.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = when.astimezone(UTC)
        # Wake every sleeper; each re-checks its own deadline.
        self._tick.set()
        self._tick = asyncio.Event()
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        return self.set(self._now + delta)

    async def sleep_until(self, deadline: datetime | None, wake: asyncio.Event) -> None:
        while not wake.is_set() and (deadline is None or self._now < deadline):
            tick = self._tick
            waiters = {asyncio.ensure_future(wake.wait()), asyncio.ensure_future(tick.wait())}
            try:
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()
