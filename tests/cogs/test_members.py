"""/me timezone: a member's own time zone, used by /remind me, /remind list and /session next."""

from __future__ import annotations

from bot.client import StudyCircle
from bot.scheduling.clock import FakeClock
from discord_double import DiscordDouble
from tests.cogs.sessions_support import START, advance_to, schedule_thursdays, timestamps
from tests.cogs.support import assert_mentions_inert
from tests.e2e.fixtures import Server


async def london_group_with_a_tokyo_member(double: DiscordDouble, server: Server) -> None:
    await double.slash(server.guild, server.organiser, "config timezone", zone="Europe/London")
    reply = await double.slash(server.guild, server.member, "me timezone", zone="asia/tokyo")
    assert reply.ephemeral
    assert "**Asia/Tokyo**" in reply.content
    assert "Europe/London" in reply.content  # the group's own times stay in the server's


async def test_a_tokyo_member_reads_and_sees_reminders_in_tokyo_time(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    await london_group_with_a_tokyo_member(double, server)
    # START is Monday 1 March 2027 12:00 UTC: 21:00 in Tokyo, so "tomorrow 9am" is Tuesday
    # 09:00 JST (00:00 UTC), where the server's London zone would have said 09:00 UTC.
    reply = await double.slash(
        server.guild, server.member, "remind me", when="tomorrow 9am", what="Read Brinton"
    )
    assert timestamps(reply.content) == [START.replace(day=2, hour=0)]
    assert "Tue 2 Mar 2027, 09:00 Asia/Tokyo (your time zone)" in reply.content
    listing = await double.slash(server.guild, server.member, "remind list")
    assert "09:00 Asia/Tokyo" in listing.text
    assert "Asia/Tokyo, your time zone" in listing.text
    choices = await double.autocomplete(server.guild, server.member, "remind delete", "id", "")
    assert "Asia/Tokyo" in choices[0]["name"]
    # The organiser, with no zone of their own, is read in the server's zone.
    theirs = await double.slash(
        server.guild, server.organiser, "remind me", when="tomorrow 9am", what="Bring tea"
    )
    assert timestamps(theirs.content) == [START.replace(day=2, hour=9)]
    assert "Europe/London (the server's time zone)" in theirs.content
    await advance_to(timed_bot, clock, START.replace(day=2, hour=0))
    [dm] = double.dm_messages(server.member)
    assert "Read Brinton" in dm["content"]
    assert assert_mentions_inert(double) >= 5


async def test_session_next_and_the_calendar_show_the_members_zone(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    await london_group_with_a_tokyo_member(double, server)
    await schedule_thursdays(double, timed_bot, server)
    card = await double.slash(server.guild, server.member, "session next")
    description = card.embeds[0]["description"]
    # Thursday 19:00 in London (GMT) is Friday 04:00 in Tokyo.
    assert "For you: Fri 5 Mar 2027, 04:00 Asia/Tokyo (your time zone)" in description
    assert "19:00 Europe/London" in description
    calendar = await double.slash(server.guild, server.member, "session calendar")
    assert "Fri 5 Mar 2027, 04:00 Asia/Tokyo" in calendar.content
    organiser = await double.slash(server.guild, server.organiser, "session next")
    assert (
        "Thu 4 Mar 2027, 19:00 Europe/London (the server's time zone)"
        in (organiser.embeds[0]["description"])
    )


async def test_near_misses_get_suggestions_and_server_goes_back(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    wrong = await double.slash(server.guild, server.member, "me timezone", zone="Asia/Tokio")
    assert wrong.ephemeral
    assert "`Asia/Tokyo`" in wrong.content
    assert await timed_bot.services.zones.own(server.guild.id, server.member.id) is None
    choices = await double.autocomplete(server.guild, server.member, "me timezone", "zone", "toky")
    assert choices[0]["value"] == "Asia/Tokyo"
    first = await double.autocomplete(server.guild, server.member, "me timezone", "zone", "")
    assert first[0]["value"] == "server"
    await double.slash(server.guild, server.member, "me timezone", zone="Asia/Tokyo")
    back = await double.slash(server.guild, server.member, "me timezone", zone="server")
    assert "removed" in back.content
    assert "UTC" in back.content
    assert await timed_bot.services.zones.own(server.guild.id, server.member.id) is None


async def test_a_members_zone_is_per_server_and_deleted_with_their_data(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, other_server: Server
) -> None:
    await double.wait_until_ready()
    double.add_member(other_server.guild, server.member)
    await double.slash(server.guild, server.member, "me timezone", zone="Asia/Tokyo")
    elsewhere = await double.slash(
        other_server.guild, server.member, "remind me", when="in 1 hour", what="x"
    )
    assert "UTC (the server's time zone)" in elsewhere.content
    confirm = await double.slash(server.guild, server.member, "privacy delete-my-data")
    await double.press(server.guild, server.member, confirm, "Delete my data")
    await timed_bot.dispatcher.settle()
    assert await timed_bot.services.zones.own(server.guild.id, server.member.id) is None
    assert (
        len(await timed_bot.services.reminders.list(other_server.guild.id, server.member.id)) == 1
    )
