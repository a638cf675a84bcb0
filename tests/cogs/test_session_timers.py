"""Session timers end to end with a controllable clock: announcements, reminders, threads,
reading posts, and what happens across restarts (late, missed, never twice)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.client import StudyCircle
from bot.scheduling.clock import FakeClock
from bot.ui.session_events import EVENT_PERMISSION_NOTE
from discord_double import DiscordDouble
from tests.cogs.sessions_support import (
    ANNOUNCE,
    DAY_BEFORE,
    FIRST,
    HOUR_BEFORE,
    START,
    Channels,
    advance_to,
    buttons,
    configure_channels,
    message_posts,
    schedule_thursdays,
    timestamps,
)
from tests.e2e.fixtures import BotRunner, Server


@pytest.fixture
async def channels(double: DiscordDouble, timed_bot: StudyCircle, server: Server) -> Channels:
    return await configure_channels(double, server)


async def rsvp(double: DiscordDouble, server: Server, user, message, status: str) -> None:
    reply = await double.click(server.guild, user, message, buttons(message)[status]["custom_id"])
    await double.wait_for_followups(reply, 1)


# -- announcement --------------------------------------------------------------------------------


async def test_announcement_goes_out_three_days_before_with_rsvp_buttons(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, ANNOUNCE - timedelta(minutes=1))
    assert double.channel_messages(channels.sessions) == []
    await advance_to(timed_bot, clock, ANNOUNCE)
    [announcement] = double.channel_messages(channels.sessions)
    embed = announcement["embeds"][0]
    assert timestamps(embed["description"]) == [FIRST]
    assert "19:00 Europe/London" in embed["description"]
    assert any(f["name"].startswith("Week 1") for f in embed["fields"])
    assert set(buttons(announcement)) == {"Going", "Maybe", "Can't"}
    [post] = message_posts(double, channels.sessions.id)
    assert post.json["allowed_mentions"]["parse"] == []  # the bot's default: nobody is pinged
    info = await timed_bot.services.sessions.current(server.guild.id)
    assert info is not None
    links = await timed_bot.services.sessions.links(server.guild.id, info.id, FIRST)
    assert links.announcement_message_id == int(announcement["id"])
    assert links.event_id is not None
    # The whole week passes: still exactly one announcement for this session.
    await advance_to(timed_bot, clock, FIRST + timedelta(hours=3))
    assert len(double.channel_messages(channels.sessions)) == 1


async def test_a_session_scheduled_inside_the_lead_time_is_announced_at_once(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    clock.set(FIRST - timedelta(days=1))
    await schedule_thursdays(double, timed_bot, server)
    await timed_bot.dispatcher.settle()  # the announcement is due now: the dispatcher sends it
    [announcement] = double.channel_messages(channels.sessions)
    assert timestamps(announcement["embeds"][0]["description"]) == [FIRST]


async def test_missing_event_permission_is_told_to_organisers_once(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    double.fail_next("POST", "/guilds/*/scheduled-events", 403, times=50)
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, ANNOUNCE)
    await advance_to(timed_bot, clock, DAY_BEFORE)
    await advance_to(timed_bot, clock, FIRST + timedelta(minutes=1))
    notes = [m for m in double.channel_messages(channels.log) if "Manage Events" in m["content"]]
    assert [n["content"] for n in notes] == [EVENT_PERMISSION_NOTE]
    # The announcement and the thread went out regardless.
    assert double.channel_messages(channels.sessions)
    assert double.threads(server.guild)


# -- session reminders -------------------------------------------------------------------------


async def test_dm_reminders_go_to_opted_in_and_going_members_with_closed_dm_fallback(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    closed = double.add_member(server.guild, "closed-dms", closed_dms=True)
    bystander = double.add_member(server.guild, "bystander")
    optin = await double.slash(server.guild, server.organiser, "remind optin")
    assert "DM before each session" in optin.content
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, ANNOUNCE)
    [announcement] = double.channel_messages(channels.sessions)
    await rsvp(double, server, server.member, announcement, "Going")
    await rsvp(double, server, closed, announcement, "Maybe")

    await advance_to(timed_bot, clock, DAY_BEFORE - timedelta(minutes=1))
    assert double.dm_messages(server.member) == []
    await advance_to(timed_bot, clock, DAY_BEFORE)
    for user in (server.member, server.organiser):
        [dm] = double.dm_messages(user)
        assert "Reminder" in dm["content"]
        assert timestamps(dm["content"]) == [FIRST]
    assert double.dm_messages(bystander) == []
    [fallback] = [m for m in double.channel_messages(channels.sessions) if not m["embeds"]]
    assert fallback["content"].startswith(f"<@{closed.id}> ")
    [request] = [
        r for r in message_posts(double, channels.sessions.id) if (r.json or {}).get("content")
    ]
    mentions = request.json["allowed_mentions"]
    assert mentions["parse"] == []
    assert [int(u) for u in mentions["users"]] == [closed.id]
    assert not mentions.get("roles")

    await advance_to(timed_bot, clock, HOUR_BEFORE)
    assert len(double.dm_messages(server.member)) == 2


async def test_role_reminders_ping_only_the_configured_role(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    readers = double.add_role(server.guild, "Readers")
    missing = await double.slash(
        server.guild, server.organiser, "remind settings", offsets="2h", delivery="role"
    )
    assert missing.ephemeral
    assert "needs a role" in missing.content
    reply = await double.slash(
        server.guild,
        server.organiser,
        "remind settings",
        offsets="2h",
        delivery="role",
        role=readers,
    )
    assert f"<@&{readers.id}>" in reply.content
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, FIRST - timedelta(hours=2))
    [ping] = [m for m in double.channel_messages(channels.sessions) if not m["embeds"]]
    assert ping["content"].startswith(f"<@&{readers.id}> ")
    [request] = [
        r for r in message_posts(double, channels.sessions.id) if (r.json or {}).get("content")
    ]
    mentions = request.json["allowed_mentions"]
    assert mentions["parse"] == []
    assert [int(r) for r in mentions["roles"]] == [readers.id]
    assert not mentions.get("users")
    assert double.dm_messages(server.member) == []


async def test_nudge_reaches_opted_in_members_who_have_not_answered(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    await double.slash(
        server.guild, server.organiser, "remind settings", offsets="24h", delivery="dm", nudge=True
    )
    await double.slash(server.guild, server.member, "remind optin")
    await double.slash(server.guild, server.organiser, "remind optin")
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, ANNOUNCE)
    [announcement] = double.channel_messages(channels.sessions)
    await rsvp(double, server, server.organiser, announcement, "Going")
    await advance_to(timed_bot, clock, DAY_BEFORE)
    [member_dm] = double.dm_messages(server.member)
    assert "not answered the RSVP" in member_dm["content"]
    assert announcement["id"] in member_dm["content"]  # a jump link to the buttons
    [organiser_dm] = double.dm_messages(server.organiser)
    assert "not answered" not in organiser_dm["content"]


async def test_opting_out_stops_dm_reminders(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    await double.slash(server.guild, server.member, "remind optin")
    again = await double.slash(server.guild, server.member, "remind optin")
    assert "already" in again.content
    out = await double.slash(server.guild, server.member, "remind optout")
    assert "no longer" in out.content
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, DAY_BEFORE)
    assert double.dm_messages(server.member) == []


# -- thread and reading post -----------------------------------------------------------------


async def test_thread_at_start_is_seeded_with_reading_and_unused_prompts(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    prompts = timed_bot.services.prompts
    week_one = (await timed_bot.services.library.week(server.guild.id, 1)).readings[0]
    own = await prompts.add(
        server.guild.id, server.member.id, "Was the rising avoidable?", week_one.id
    )
    general = await prompts.add(server.guild.id, server.member.id, "What would you have done?")
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, ANNOUNCE)
    [announcement] = double.channel_messages(channels.sessions)
    await rsvp(double, server, server.member, announcement, "Going")

    await advance_to(timed_bot, clock, FIRST)
    [thread] = double.threads(server.guild)
    assert thread.parent_id == channels.sessions.id
    assert "Thursday 4 March 2027" in thread.name
    [seed] = double.channel_messages(thread)
    embed = seed["embeds"][0]
    assert week_one.title[:40] in embed["description"]
    prompt_texts = [f["value"] for f in embed["fields"]]
    # Members' prompts first (the reading's, then general ones), then the pack's starters.
    assert prompt_texts == [own.text, general.text, week_one.prompts[0]]
    for prompt in (own, general):
        assert (await prompts.get(server.guild.id, prompt.id)).used_at == FIRST
    info = await timed_bot.services.sessions.current(server.guild.id)
    assert info is not None
    assert await timed_bot.services.sessions.attendance(server.guild.id, info.id, FIRST) == [
        server.member.id
    ]
    links = await timed_bot.services.sessions.links(server.guild.id, info.id, FIRST)
    assert links.thread_id == thread.id
    # The announcement now points at the discussion thread, and the event is live.
    card = double.message(int(announcement["id"]))
    assert f"<#{thread.id}>" in str(card["embeds"][0]["fields"])
    [event] = [e for e in double.scheduled_events(server.guild) if e["status"] == 2]
    assert int(event["id"]) == links.event_id


async def test_weekly_reading_post_names_the_coming_sessions_reading(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    channels: Channels,
) -> None:
    await schedule_thursdays(double, timed_bot, server)
    await double.slash(
        server.guild,
        server.organiser,
        "session settings",
        reading_day="monday",
        reading_time="09:00",
    )
    monday = START.replace(day=8, hour=9, minute=0)  # Monday 8 March 2027, 09:00 GMT
    await advance_to(timed_bot, clock, monday - timedelta(minutes=1))
    assert double.channel_messages(channels.readings) == []
    await advance_to(timed_bot, clock, monday)
    [post] = double.channel_messages(channels.readings)
    week_two = await timed_bot.services.library.week(server.guild.id, 2)
    embed = post["embeds"][0]
    assert "Week 2" in embed["title"]
    assert week_two.readings[0].title[:40] in embed["description"]
    assert timestamps(embed["description"]) == [FIRST + timedelta(days=7)]
    # /reading current agrees with the post: the week to prepare for.
    current = await double.slash(server.guild, server.member, "reading current")
    assert "Week 2" in current.text
    # Next Monday brings the next post (the timer rolls on).
    await advance_to(timed_bot, clock, monday + timedelta(days=7))
    assert len(double.channel_messages(channels.readings)) == 2


# -- restarts: late, missed, never twice -----------------------------------------------------------


async def test_session_reminder_due_while_down_is_sent_late_once(
    double: DiscordDouble, bot_runner: BotRunner, server: Server, clock: FakeClock
) -> None:
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        channels = await configure_channels(double, server)
        await double.slash(server.guild, server.member, "remind optin")
        await schedule_thursdays(double, bot, server)
        await advance_to(bot, clock, ANNOUNCE)
    clock.set(DAY_BEFORE + timedelta(minutes=5))  # down when it was due, back within grace
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await bot.dispatcher.settle()
        [dm] = double.dm_messages(server.member)
        assert "late" in dm["content"]
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await bot.dispatcher.settle()
        assert len(double.dm_messages(server.member)) == 1
        assert len(double.channel_messages(channels.sessions)) == 1  # one announcement


async def test_session_reminder_missed_beyond_grace_is_reported_not_sent(
    double: DiscordDouble, bot_runner: BotRunner, server: Server, clock: FakeClock
) -> None:
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        channels = await configure_channels(double, server)
        await double.slash(server.guild, server.member, "remind optin")
        await schedule_thursdays(double, bot, server)
        await advance_to(bot, clock, ANNOUNCE)
    clock.set(DAY_BEFORE + timedelta(hours=2))
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await bot.dispatcher.settle()
        assert double.dm_messages(server.member) == []
        [note] = double.channel_messages(channels.log)
        assert "offline" in note["content"]
        assert "session.reminder" in note["content"]
        # The next reminder (1 h before) still goes out on time.
        await advance_to(bot, clock, HOUR_BEFORE)
        [dm] = double.dm_messages(server.member)
        assert "late" not in dm["content"]
