"""Fixtures shared by the cog tests: a fake clock and a bot whose timers run on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.client import StudyCircle
from bot.scheduling.clock import FakeClock
from tests.cogs.sessions_support import START
from tests.e2e.fixtures import BotRunner, Server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def timed_bot(
    bot_runner: BotRunner, server: Server, clock: FakeClock
) -> AsyncIterator[StudyCircle]:
    """The bot with ``clock`` as its time: ``clock.set(...)`` then ``dispatcher.settle()``."""
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as running:
        yield running
