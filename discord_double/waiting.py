"""Waiting for the double's state to change, without polling."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
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

    async def wait_until(self, probe: Callable[[], T], timeout: float) -> T:  # noqa: ASYNC109
        """Return ``probe()`` as soon as it is truthy; raise ``TimeoutError`` after ``timeout``."""
        async with asyncio.timeout(timeout):
            while True:
                result = probe()
                if result:
                    return result
                await self._event.wait()
