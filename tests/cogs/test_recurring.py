"""/remind every: repeating reminders in the member's zone, exact across DST and restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.client import StudyCircle
from bot.db.models.members import RecurringReminder
from bot.db.models.scheduling import Timer
from bot.scheduling.clock import FakeClock
from bot.scheduling.recurring import RECURRING_REMINDER
from bot.scheduling.timers import PENDING
from discord_double import DiscordDouble
from tests.cogs.sessions_support import START, advance_to, timestamps
from tests.cogs.support import assert_mentions_inert
from tests.e2e.fixtures import BotRunner, Server

# Mondays 09:00 in London from START: GMT (09:00 UTC) until clocks go forward on 28 March,
# then BST (08:00 UTC).
MONDAYS = [
    datetime(2027, 3, 8, 9, tzinfo=UTC),
    datetime(2027, 3, 15, 9, tzinfo=UTC),
    datetime(2027, 3, 22, 9, tzinfo=UTC),
    datetime(2027, 3, 29, 8, tzinfo=UTC),
    datetime(2027, 4, 5, 8, tzinfo=UTC),
]


def series_id(text: str) -> str:
    """A repeating reminder's name, e.g. "r12", as /remind delete takes it."""
    return text.split("`#", 1)[1].split("`", 1)[0]


async def pending_timers(bot: StudyCircle) -> list[datetime]:
    async with bot.session_factory() as session:
        rows = await session.scalars(
            select(Timer.due_at).where(Timer.kind == RECURRING_REMINDER, Timer.status == PENDING)
        )
        return list(rows.all())


async def test_every_monday_fires_on_the_right_mondays_across_dst_and_restarts(
    double: DiscordDouble, bot_runner: BotRunner, server: Server, clock: FakeClock
) -> None:
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await double.slash(server.guild, server.member, "me timezone", zone="Europe/London")
        reply = await double.slash(
            server.guild, server.member, "remind every", rule="every monday 09:00", what="Read"
        )
        assert reply.ephemeral
        assert "every Monday at 09:00 in Europe/London, your time zone" in reply.content
        assert timestamps(reply.content) == MONDAYS[:3]  # the next three times
        assert "Mon 8 Mar 2027, 09:00 Europe/London" in reply.content
        await advance_to(bot, clock, MONDAYS[0])
        await advance_to(bot, clock, MONDAYS[1])
        assert len(double.dm_messages(server.member)) == 2
    # Down over the third Monday (missed, not sent hours late), back before the DST change.
    clock.set(MONDAYS[2] + timedelta(hours=5))
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await bot.dispatcher.settle()
        assert await pending_timers(bot) == [MONDAYS[3]]
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        assert await pending_timers(bot) == [MONDAYS[3]]  # a second restart adds nothing
        await advance_to(bot, clock, MONDAYS[3] - timedelta(seconds=1))
        assert len(double.dm_messages(server.member)) == 2
        await advance_to(bot, clock, MONDAYS[3])
        await advance_to(bot, clock, MONDAYS[4])
    dms = double.dm_messages(server.member)
    assert len(dms) == 4
    assert all("Read" in dm["content"] and "every Monday" in dm["content"] for dm in dms)
    assert "Snooze: 10 minutes" in str(dms[-1]["components"])
    assert assert_mentions_inert(double) >= 5


async def test_count_and_until_end_a_series_and_delete_stops_it(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    twice = await double.slash(
        server.guild, server.member, "remind every", rule="weekday 18:30", what="Notes", count=2
    )
    assert len(timestamps(twice.content)) == 2
    until = await double.slash(
        server.guild,
        server.member,
        "remind every",
        rule="1st of the month",
        what="Dues",
        until="2027-05-15",
    )
    listing = await double.slash(server.guild, server.member, "remind list")
    assert "every weekday at 18:30" in listing.text
    assert "2 more time(s)" in listing.text
    assert "until 2027-05-15" in listing.text
    await advance_to(timed_bot, clock, START.replace(hour=18, minute=30))
    await advance_to(timed_bot, clock, START.replace(day=2, hour=18, minute=30))
    assert len(double.dm_messages(server.member)) == 2
    listing = await double.slash(server.guild, server.member, "remind list")
    assert "Notes" not in listing.text  # both times used: the series is gone
    choices = await double.autocomplete(server.guild, server.member, "remind delete", "id", "")
    assert [c["value"] for c in choices] == [series_id(until.content)]
    refused = await double.slash(
        server.guild, server.organiser, "remind delete", id=series_id(until.content)
    )
    assert "no pending reminder" in refused.content
    deleted = await double.slash(
        server.guild, server.member, "remind delete", id=series_id(until.content)
    )
    assert "Deleted repeating reminder" in deleted.content
    assert await pending_timers(timed_bot) == []
    await advance_to(timed_bot, clock, START.replace(month=4, day=2))
    assert len(double.dm_messages(server.member)) == 2


async def test_bad_rules_and_privacy(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    bad = await double.slash(
        server.guild, server.member, "remind every", rule="every 2 weeks", what="x"
    )
    assert bad.ephemeral
    assert "which days" in bad.content
    past = await double.slash(
        server.guild, server.member, "remind every", rule="monday", what="x", until="2020-01-01"
    )
    assert "already passed" in past.content
    await double.slash(server.guild, server.member, "remind every", rule="daily 7am", what="Tea")
    ask = await double.slash(server.guild, server.member, "privacy delete-my-data")
    done = await double.press(server.guild, server.member, ask, "Delete my data")
    assert done is not None
    await timed_bot.dispatcher.settle()
    async with timed_bot.session_factory() as session:
        left = await session.scalar(select(func.count()).select_from(RecurringReminder))
    assert left == 0
    assert await pending_timers(timed_bot) == []
