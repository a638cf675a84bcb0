"""A poll closed by its timer just before a crash still gets its result posted, exactly once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.db.models.scheduling import Timer
from bot.scheduling.clock import FakeClock
from bot.services import POLL_CLOSE
from discord_double import DiscordDouble
from tests.cogs.polls_support import poll_id
from tests.cogs.sessions_support import START
from tests.cogs.test_polls import announcements, create
from tests.e2e.fixtures import BotRunner, Server


async def test_closed_but_not_announced_is_announced_after_restart(
    double: DiscordDouble, bot_runner: BotRunner, server: Server
) -> None:
    clock = FakeClock(START)
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        reply = await create(double, bot, server, duration="1h")
        # The process's dispatcher halts first: otherwise its lease renewal, due after the
        # clock jump, could settle the dead claim below and post before this process "dies".
        await bot.dispatcher.stop()
        # The timer claimed the row and closed the poll; the process died before posting.
        deadline = START + timedelta(hours=1)
        async with bot.session_factory() as session, session.begin():
            await session.execute(
                update(Timer)
                .where(Timer.kind == POLL_CLOSE)
                .values(status="running", claimed_at=deadline, claimed_by="dead#1", attempts=1)
            )
        clock.set(deadline)
        await bot.services.polls.close_due(poll_id(reply), server.guild.id)
    assert announcements(double, server) == []
    clock.advance(timedelta(seconds=20))
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await bot.dispatcher.settle()
    assert len(announcements(double, server)) == 1


async def test_announced_then_crashed_is_not_announced_twice(
    double: DiscordDouble, bot_runner: BotRunner, server: Server
) -> None:
    clock = FakeClock(START)
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await create(double, bot, server, duration="1h")
        clock.set(START + timedelta(hours=1))
        await bot.dispatcher.settle()
        assert len(announcements(double, server)) == 1
        # The process dies after posting but before recording the timer as done.
        async with bot.session_factory() as session, session.begin():
            await session.execute(
                update(Timer)
                .where(Timer.kind == POLL_CLOSE)
                .values(status="running", claimed_at=clock(), claimed_by="dead#1")
            )
    clock.advance(timedelta(seconds=20))
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await bot.dispatcher.settle()
    assert len(announcements(double, server)) == 1  # the nonce kept Discord's first copy
