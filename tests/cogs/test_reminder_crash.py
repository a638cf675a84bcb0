"""A reminder whose delivery was cut short by a crash is completed on restart, exactly once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.db.models.scheduling import Timer
from bot.scheduling.clock import FakeClock
from bot.scheduling.reminders import PERSONAL_REMINDER
from bot.scheduling.timers import DONE, LATE, PENDING, RUNNING
from discord_double import DiscordDouble
from tests.cogs.sessions_support import START, advance_to
from tests.e2e.fixtures import BotRunner, Server


async def test_crash_after_sending_does_not_send_twice(
    double: DiscordDouble, bot_runner: BotRunner, server: Server
) -> None:
    clock = FakeClock(START)
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await double.slash(server.guild, server.member, "remind me", when="in 1 hour", what="Serge")
        await advance_to(bot, clock, START + timedelta(hours=1))
        assert len(double.dm_messages(server.member)) == 1
        # The process "dies" after the DM went out but before the row was marked done.
        async with bot.session_factory() as session, session.begin():
            await session.execute(
                update(Timer)
                .where(Timer.kind == PERSONAL_REMINDER)
                .values(status=RUNNING, claimed_at=clock(), claimed_by="dead#1")
            )
    clock.advance(timedelta(seconds=30))
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await bot.dispatcher.settle()
        async with bot.session_factory() as session:
            status = await session.scalar(
                select(Timer.status).where(Timer.kind == PERSONAL_REMINDER)
            )
    assert status in {DONE, LATE}
    assert len(double.dm_messages(server.member)) == 1  # Discord kept the first (same nonce)


async def test_crash_before_sending_delivers_on_restart(
    double: DiscordDouble, bot_runner: BotRunner, server: Server
) -> None:
    clock = FakeClock(START)
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await double.slash(
            server.guild, server.member, "remind me", when="in 1 hour", what="Brinton"
        )
        # Claimed, then the process died before the DM: the row is left running.
        async with bot.session_factory() as session, session.begin():
            await session.execute(
                update(Timer)
                .where(Timer.kind == PERSONAL_REMINDER, Timer.status == PENDING)
                .values(status=RUNNING, claimed_at=START + timedelta(hours=1), claimed_by="dead#1")
            )
    clock.set(START + timedelta(hours=1, seconds=20))
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await bot.dispatcher.settle()
    [dm] = double.dm_messages(server.member)
    assert "Brinton" in dm["content"]
