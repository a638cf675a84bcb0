"""Snooze, Done and Me too on reminders: persistent buttons that survive a restart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.client import StudyCircle
from bot.db.models.scheduling import Timer
from bot.scheduling.clock import FakeClock
from bot.scheduling.reminders import PERSONAL_REMINDER
from bot.scheduling.timers import PENDING
from discord_double import DiscordDouble
from tests.cogs.sessions_support import (
    DAY_BEFORE,
    START,
    advance_to,
    buttons,
    schedule_thursdays,
    timestamps,
)
from tests.cogs.support import assert_mentions_inert
from tests.e2e.fixtures import BotRunner, Server


async def pending_personal(bot: StudyCircle) -> int:
    async with bot.session_factory() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Timer)
            .where(Timer.kind == PERSONAL_REMINDER, Timer.status == PENDING)
        )
    return int(count or 0)


def labels(message: dict[str, Any]) -> list[str]:
    return sorted(buttons(message))


async def test_snooze_survives_a_restart_and_arrives_once(
    double: DiscordDouble, bot_runner: BotRunner, server: Server, clock: FakeClock
) -> None:
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await double.slash(server.guild, server.member, "remind me", when="in 1 hour", what="Serge")
        await advance_to(bot, clock, START + timedelta(hours=1))
    [dm] = double.dm_messages(server.member)
    assert labels(dm) == ["Done", "Snooze: 1 hour", "Snooze: 10 minutes", "Snooze: tomorrow"]
    # The bot restarts between the delivery and the click: the button still works.
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        snoozed = await double.press(None, server.member, dm, "Snooze: 10 minutes")
        assert snoozed.message is not None
        assert not snoozed.message["components"]
        [note] = await double.wait_for_followups(snoozed, 1)
        assert "Snoozed" in note["content"]
        assert "(the server's time zone)" in note["content"]
        assert timestamps(note["content"]) == [START + timedelta(hours=1, minutes=10)]
        assert await pending_personal(bot) == 1
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await advance_to(bot, clock, START + timedelta(hours=1, minutes=10))
        await advance_to(bot, clock, START + timedelta(hours=3))
    first, again = double.dm_messages(server.member)
    assert not first["components"]
    assert "Serge" in again["content"]
    assert "Snooze: 10 minutes" in labels(again)  # a snoozed reminder can be snoozed again
    assert assert_mentions_inert(double) >= 2


async def test_snooze_until_tomorrow_keeps_the_members_wall_clock(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    await double.slash(server.guild, server.member, "me timezone", zone="Europe/London")
    # Saturday 27 March 2027 08:00 GMT; London springs forward that night.
    clock.set(START.replace(day=27, hour=7))
    await double.slash(server.guild, server.member, "remind me", when="in 1 hour", what="Pirani")
    await advance_to(timed_bot, clock, START.replace(day=27, hour=8))
    [dm] = double.dm_messages(server.member)
    snoozed = await double.press(None, server.member, dm, "Snooze: tomorrow")
    [note] = await double.wait_for_followups(snoozed, 1)
    # 08:00 tomorrow in London is 07:00 UTC (BST), 23 hours later.
    assert timestamps(note["content"]) == [START.replace(day=28, hour=7)]
    assert "Sun 28 Mar 2027, 08:00 Europe/London (your time zone)" in note["content"]


async def test_done_closes_the_reminder_and_only_its_owner_may_press(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    shy = double.add_member(server.guild, "shy", closed_dms=True)
    await double.slash(server.guild, shy, "remind me", when="in 30 minutes", what="Ciliga")
    await advance_to(timed_bot, clock, START + timedelta(minutes=30))
    [post] = double.channel_messages(server.guild.general)  # DMs closed: posted in the channel
    stranger = await double.press(server.guild, server.member, post, "Snooze: 1 hour")
    assert stranger.ephemeral
    assert "someone else's" in stranger.content
    assert await pending_personal(timed_bot) == 0
    done = await double.press(server.guild, shy, post, "Done")
    assert done.content.endswith("✅ Done.")
    assert not done.message or not done.message["components"]


async def test_me_too_gives_another_member_their_own_copy_at_the_same_time(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    shared = await double.slash(
        server.guild, server.member, "remind me", when="in 2 hours", what="Kronstadt", share=True
    )
    assert not shared.ephemeral
    assert labels(shared.message or {}) == ["Me too"]
    own = await double.press(server.guild, server.member, shared, "Me too")
    assert "already yours" in own.content
    copy = await double.press(server.guild, server.organiser, shared, "Me too")
    assert copy.ephemeral
    assert "You will be reminded too" in copy.content
    assert timestamps(copy.content) == [START + timedelta(hours=2)]
    again = await double.press(server.guild, server.organiser, shared, "Me too")
    assert "already have your own copy" in again.content
    await advance_to(timed_bot, clock, START + timedelta(hours=2))
    assert "Kronstadt" in double.dm_messages(server.member)[0]["content"]
    [theirs] = double.dm_messages(server.organiser)
    assert "Kronstadt" in theirs["content"]
    late = await double.press(
        server.guild, double.add_member(server.guild, "late"), shared, "Me too"
    )
    assert "already gone off" in late.content
    assert assert_mentions_inert(double) >= 5


async def test_session_reminders_carry_snooze(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    await schedule_thursdays(double, timed_bot, server)
    await double.slash(server.guild, server.member, "remind optin")
    await advance_to(timed_bot, clock, DAY_BEFORE)
    [dm] = double.dm_messages(server.member)
    assert labels(dm) == ["Snooze: 1 hour", "Snooze: 10 minutes", "Snooze: tomorrow"]
    snoozed = await double.press(None, server.member, dm, "Snooze: 1 hour")
    assert snoozed.ephemeral
    assert timestamps(snoozed.content) == [DAY_BEFORE + timedelta(hours=1)]
    await advance_to(timed_bot, clock, DAY_BEFORE + timedelta(hours=1))
    later = double.dm_messages(server.member)[-1]
    assert "the reading group" in later["content"]
    assert "Reading Room" in later["content"]
