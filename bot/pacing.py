"""Keeping the whole bot under Discord's global rate limit (50 requests a second per bot).

Discord counts every REST call of a bot against one global budget, whichever process sends it.
Rather than share a counter between processes (one more round trip per request), each process
takes its *share*: the budget times the fraction of the shards it serves, so the processes
together stay under it without talking to each other. A process that takes over a stopped
process's shards takes over its share too. A margin (45 of the 50) absorbs clock skew and
the calls discord.py makes on its own.

Interaction responses and follow-ups are not counted by Discord against the global limit, so
they are never delayed here: a member's reply never waits behind a burst of announcements.
Bursts are spread: what a bucket can save up is small (its rate times :data:`BURST`), so that in
any one second a process sends at most its rate plus that saving, and all processes together at
most Discord's 50.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

GLOBAL_LIMIT_PER_SECOND = 50
BUDGET_PER_SECOND = 45  # the margin below Discord's limit
EXEMPT_PATH_PARTS = ("/interactions/", "/webhooks/")
# Saved-up tokens, as a fraction of the rate: rate * (1 + BURST) is Discord's limit.
BURST = (GLOBAL_LIMIT_PER_SECOND - BUDGET_PER_SECOND) / BUDGET_PER_SECOND


def exempt(path: str) -> bool:
    return any(part in path for part in EXEMPT_PATH_PARTS)


class TokenBucket:
    """``rate()`` tokens a second, at most ``rate() * BURST`` (and at least one) saved up."""

    def __init__(
        self, rate: Callable[[], float], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = rate
        self._clock = clock
        self._tokens = 1.0  # rate() may not be answerable yet while the bot is built
        self._updated = clock()
        self._lock = asyncio.Lock()
        self.waited_seconds = 0.0  # total time requests were held back (for the benchmark)

    def _refill(self) -> float:
        rate = max(self._rate(), 0.1)
        now = self._clock()
        self._tokens = min(max(rate * BURST, 1.0), self._tokens + (now - self._updated) * rate)
        self._updated = now
        return rate

    async def take(self) -> None:
        # One waiter at a time, so requests leave in the order they asked.
        async with self._lock:
            rate = self._refill()
            if self._tokens < 1:
                wait = (1 - self._tokens) / rate
                self.waited_seconds += wait
                await asyncio.sleep(wait)
                self._refill()
            self._tokens -= 1


def share_of_budget(shards_served: int, shard_count: int) -> float:
    """This process's requests per second: the budget times its fraction of the shards."""
    return BUDGET_PER_SECOND * min(1.0, shards_served / max(shard_count, 1))
