"""/remind me|list|delete|settings|optin|optout and personal reminders, end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.client import StudyCircle
from bot.scheduling.clock import FakeClock
from bot.scheduling.reminders import MAX_PENDING_PER_MEMBER
from discord_double import DiscordDouble
from tests.cogs.sessions_support import (
    START,
    advance_to,
    configure_channels,
    message_posts,
    timestamps,
)
from tests.cogs.support import assert_mentions_inert
from tests.e2e.fixtures import BotRunner, Server

ABUSE = "read ch. 3 @everyone @here <@{victim}> <@&{role}>"


def reminder_id(text: str) -> int:
    return int(text.split("`#", 1)[1].split("`", 1)[0])


async def test_remind_me_in_two_days_arrives_by_dm_on_time(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    reply = await double.slash(
        server.guild, server.member, "remind me", when="in 2 days", what="Finish Brinton ch. 2"
    )
    assert reply.ephemeral
    assert timestamps(reply.content) == [START + timedelta(days=2)]
    await advance_to(timed_bot, clock, START + timedelta(days=2, seconds=-1))
    assert double.dm_messages(server.member) == []
    await advance_to(timed_bot, clock, START + timedelta(days=2))
    [dm] = double.dm_messages(server.member)
    assert "Finish Brinton ch. 2" in dm["content"]
    assert "Reading Room" in dm["content"]
    listing = await double.slash(server.guild, server.member, "remind list")
    assert "no pending reminders" in listing.content


async def test_when_is_read_in_the_servers_time_zone(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    await double.slash(server.guild, server.organiser, "config timezone", zone="America/New_York")
    reply = await double.slash(
        server.guild, server.member, "remind me", when="friday 18:00", what="Session prep"
    )
    [due] = timestamps(reply.content)
    # Friday 5 March 2027, 18:00 in New York (EST, UTC-5) is 23:00 UTC.
    assert due == START.replace(day=5, hour=23)


async def test_list_and_delete_only_your_own_reminders(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    mine = await double.slash(
        server.guild, server.member, "remind me", when="tomorrow 9am", what="Bring the book"
    )
    later = await double.slash(
        server.guild, server.member, "remind me", when="2027-03-20 10:00", what="Library"
    )
    first_id, second_id = reminder_id(mine.content), reminder_id(later.content)
    listing = await double.slash(server.guild, server.member, "remind list")
    assert listing.ephemeral
    assert listing.text.index("Bring the book") < listing.text.index("Library")

    others = await double.slash(server.guild, server.organiser, "remind list")
    assert "no pending reminders" in others.content
    choices = await double.autocomplete(server.guild, server.organiser, "remind delete", "id", "")
    assert choices == []
    refused = await double.slash(server.guild, server.organiser, "remind delete", id=str(first_id))
    assert refused.ephemeral
    assert f"no pending reminder #{first_id}" in refused.content

    choices = await double.autocomplete(server.guild, server.member, "remind delete", "id", "")
    # Values are text: one-off reminders by number, repeating ones as "r<id>".
    assert [c["value"] for c in choices] == [str(first_id), str(second_id)]
    assert all(len(c["name"]) <= 100 for c in choices)
    deleted = await double.slash(server.guild, server.member, "remind delete", id=str(first_id))
    assert "Deleted reminder" in deleted.content
    again = await double.slash(server.guild, server.member, "remind delete", id=str(first_id))
    assert "no pending reminder" in again.content
    # The deleted one never fires; the other still does.
    await advance_to(timed_bot, clock, START.replace(day=2, hour=9))
    assert double.dm_messages(server.member) == []
    await advance_to(timed_bot, clock, START.replace(day=20, hour=10))
    [dm] = double.dm_messages(server.member)
    assert "Library" in dm["content"]


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("yesterday 9am", "in the past"),
        ("when pigs fly", "could not read"),
        ("in 3 years", "too far ahead"),
    ],
)
async def test_bad_when_is_an_ephemeral_error_and_creates_nothing(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, when: str, expected: str
) -> None:
    reply = await double.slash(server.guild, server.member, "remind me", when=when, what="x")
    assert reply.ephemeral
    assert expected in reply.content
    assert await timed_bot.services.reminders.list(server.guild.id, server.member.id) == []


async def test_too_many_reminders_are_refused(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    for n in range(MAX_PENDING_PER_MEMBER):
        await timed_bot.services.reminders.remind_me(
            server.guild.id, server.member.id, f"in {n + 1} hours", f"r{n}", "UTC"
        )
    reply = await double.slash(
        server.guild, server.member, "remind me", when="in 1 day", what="one too many"
    )
    assert reply.ephemeral
    assert "Delete one" in reply.content
    pending = await timed_bot.services.reminders.list(server.guild.id, server.member.id)
    assert len(pending) == MAX_PENDING_PER_MEMBER
    choices = await double.autocomplete(server.guild, server.member, "remind delete", "id", "")
    assert len(choices) == 25


async def test_reminder_text_never_pings_anyone_else(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    role = double.add_role(server.guild, "Everyone who reads")
    abuse = ABUSE.format(victim=server.organiser.id, role=role.id)
    set_reply = await double.slash(
        server.guild, server.member, "remind me", when="in 1 hour", what=abuse
    )
    assert "@\u200beveryone" in set_reply.content
    await double.slash(server.guild, server.member, "remind list")
    await advance_to(timed_bot, clock, START + timedelta(hours=1))
    [dm] = double.dm_messages(server.member)
    assert "@\u200beveryone" in dm["content"]
    assert f"<@{server.organiser.id}>" not in dm["content"]
    # Every message body the bot sent (replies, lists, the DM) allows no pings at all.
    assert assert_mentions_inert(double) >= 3


async def test_closed_dms_fall_back_to_a_mention_of_the_owner_only(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    shy = double.add_member(server.guild, "shy", closed_dms=True)
    abuse = ABUSE.format(victim=server.organiser.id, role=server.guild.everyone.id)
    await double.slash(server.guild, shy, "remind me", when="in 30 minutes", what=abuse)
    await advance_to(timed_bot, clock, START + timedelta(minutes=30))
    [fallback] = double.channel_messages(server.guild.general)
    assert fallback["content"].startswith(f"<@{shy.id}> ")
    assert "@\u200beveryone" in fallback["content"]
    [request] = message_posts(double, server.guild.general.id)
    mentions = request.json["allowed_mentions"]
    assert mentions["parse"] == []
    assert [int(u) for u in mentions["users"]] == [shy.id]
    assert not mentions.get("roles")


async def test_personal_reminder_late_within_grace_missed_beyond_and_never_twice(
    double: DiscordDouble, bot_runner: BotRunner, server: Server, clock: FakeClock
) -> None:
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        channels = await configure_channels(double, server)
        await double.slash(server.guild, server.member, "remind me", when="in 1 hour", what="soon")
        await double.slash(server.guild, server.member, "remind me", when="in 3 hours", what="far")
        await bot.dispatcher.settle()
    clock.set(START + timedelta(hours=1, minutes=10))  # 10 minutes overdue: within grace
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await bot.dispatcher.settle()
        [dm] = double.dm_messages(server.member)
        assert "soon" in dm["content"]
        assert "late" in dm["content"]
    clock.set(START + timedelta(hours=5))  # "far" is two hours overdue: missed
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await bot.dispatcher.settle()
        assert len(double.dm_messages(server.member)) == 1
        [note] = double.channel_messages(channels.log)
        assert "remind.personal" in note["content"]
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await bot.dispatcher.settle()
        assert len(double.dm_messages(server.member)) == 1
        assert len(double.channel_messages(channels.log)) == 1


async def test_reminder_settings_are_organiser_only_and_validated(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    refused = await double.slash(
        server.guild, server.member, "remind settings", offsets="2h", delivery="dm"
    )
    assert "Only organisers" in refused.content
    bad = await double.slash(
        server.guild, server.organiser, "remind settings", offsets="2h,soon", delivery="dm"
    )
    assert bad.ephemeral
    assert "not a duration" in bad.content
    everyone = await double.slash(
        server.guild,
        server.organiser,
        "remind settings",
        offsets="2h",
        delivery="role",
        role=server.guild.everyone,
    )
    assert "not @everyone" in everyone.content
    config = await timed_bot.services.sessions.reminder_settings(server.guild.id)
    assert config.offsets == (timedelta(hours=24), timedelta(hours=1))
    ok = await double.slash(
        server.guild, server.organiser, "remind settings", offsets="2d, 30m", delivery="dm"
    )
    assert "2d, 30m" in ok.content
    config = await timed_bot.services.sessions.reminder_settings(server.guild.id)
    assert config.offsets == (timedelta(days=2), timedelta(minutes=30))


async def test_reminders_are_per_server(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    other_server: Server,
) -> None:
    await double.wait_until_ready()
    double.add_member(other_server.guild, server.member)
    reply = await double.slash(
        server.guild, server.member, "remind me", when="in 2 days", what="here only"
    )
    own_id = reminder_id(reply.content)
    elsewhere = await double.slash(other_server.guild, server.member, "remind list")
    assert "no pending reminders" in elsewhere.content
    refused = await double.slash(other_server.guild, server.member, "remind delete", id=own_id)
    assert "no pending reminder" in refused.content
    assert len(await timed_bot.services.reminders.list(server.guild.id, server.member.id)) == 1
    await double.slash(other_server.guild, other_server.member, "remind optin")
    assert await timed_bot.services.sessions.opted_in(server.guild.id) == []
