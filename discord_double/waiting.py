"""Waiting for the double's state to change, without polling."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TypeVar

__all__ = ["ChangeSignal"]

T = TypeVar("T")


class ChangeSignal:
    """Wakes every waiter whenever :meth:`notify` is called (a request or gateway event arrived)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, probe: Callable[[], T | None], timeout: float) -> T:  # noqa: ASYNC109
        """Return ``probe()`` as soon as it is truthy; raise ``TimeoutError`` after ``timeout``."""
        async with asyncio.timeout(timeout):
            while True:
                result = probe()
                if result:
                    return result
                await self._event.wait()

    async def wait_until_async(
        self,
        probe: Callable[[], Awaitable[T | None]],
        timeout: float,  # noqa: ASYNC109
        *,
        recheck: float,
    ) -> T:
        """Like :meth:`wait_until` for state outside the double (the bot's database, say).

        Nothing tells the double when that state changes, so besides every change the double
        sees, ``probe`` is re-evaluated at least every ``recheck`` seconds.
        """
        async with asyncio.timeout(timeout):
            while True:
                changed = self._event  # taken before awaiting the probe: no change is missed
                result = await probe()
                if result:
                    return result
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), recheck)
