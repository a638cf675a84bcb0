"""/session commands, RSVP buttons (also after a restart), Discord events and the .ics file."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.client import StudyCircle
from bot.scheduling.clock import FakeClock
from bot.ui.session_events import EVENT_PERMISSION_NOTE
from discord_double import DiscordDouble
from tests.cogs.sessions_support import (
    FIRST,
    THURSDAYS,
    advance_to,
    buttons,
    configure_channels,
    rsvp_field,
    schedule_thursdays,
    timestamps,
)
from tests.e2e.fixtures import BotRunner, Server

LONDON = ZoneInfo("Europe/London")
ANNOUNCE = FIRST - timedelta(days=3)


def event_starts(double: DiscordDouble, server: Server) -> list[datetime]:
    return sorted(
        datetime.fromisoformat(e["scheduled_start_time"])
        for e in double.scheduled_events(server.guild)
    )


# -- schedule, list, next ----------------------------------------------------------------------


async def test_schedule_then_list_keeps_local_time_across_dst(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    text = await schedule_thursdays(double, timed_bot, server)
    assert "Thursdays at 19:00 (Europe/London)" in text
    assert timestamps(text) == [FIRST]

    listing = await double.slash(server.guild, server.member, "session list", count=6)
    assert listing.ephemeral
    starts = timestamps(listing.text)
    assert len(starts) == 6
    # 19:00 in London every week: 19:00 UTC in March, 18:00 UTC once summer time starts.
    assert [s.astimezone(LONDON).strftime("%a %H:%M") for s in starts] == ["Thu 19:00"] * 6
    assert [s.hour for s in starts] == [19, 19, 19, 19, 18, 18]
    assert starts[4].date() == date(2027, 4, 1)

    upcoming = await double.slash(server.guild, server.member, "session next")
    assert upcoming.ephemeral
    assert timestamps(upcoming.text) == [FIRST]
    assert "Week 1" in upcoming.text
    assert set(buttons(upcoming.message)) == {"Going", "Maybe", "Can't"}


async def test_next_and_list_without_a_schedule_explain_how(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    for path in ("session next", "session list", "session calendar"):
        reply = await double.slash(server.guild, server.member, path)
        assert reply.ephemeral, path
        assert "/session schedule" in reply.content, path


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"weekday": "funday"}, "not a weekday"),
        ({"timezone": "Mars/Olympus"}, "not a time zone"),
        ({"time": "25:99"}, "not a time"),
        ({"starts": "2027-05-01", "ends": "2027-04-01"}, "before the start"),
        ({"starts": "2020-01-01"}, "in the past"),
        ({"duration": "forever"}, "not a duration"),
    ],
)
async def test_bad_schedule_input_is_refused_and_changes_nothing(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    options: dict[str, str],
    expected: str,
) -> None:
    reply = await double.slash(
        server.guild, server.organiser, "session schedule", {**THURSDAYS, **options}
    )
    assert reply.ephemeral
    assert expected in reply.content
    assert await timed_bot.services.sessions.current(server.guild.id) is None
    assert double.scheduled_events(server.guild) == []


async def test_organiser_commands_are_refused_to_members(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    for path, options in [
        ("session schedule", THURSDAYS),
        ("session skip", {"date": "2027-03-04"}),
        ("session move", {"date": "2027-03-04", "new_time": "20:00"}),
        ("session cancel", {}),
        ("session settings", {"announce": "1d"}),
    ]:
        reply = await double.slash(server.guild, server.member, path, options)
        assert reply.ephemeral, path
        assert "Only organisers" in reply.content, path
    assert await timed_bot.services.sessions.current(server.guild.id) is None
    # And once scheduled, members still cannot change it.
    await schedule_thursdays(double, timed_bot, server)
    reply = await double.slash(server.guild, server.member, "session cancel")
    assert "Only organisers" in reply.content
    assert (await timed_bot.services.sessions.current(server.guild.id)) is not None


async def test_autocomplete_for_weekday_zone_and_session_dates(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    days = await double.autocomplete(
        server.guild, server.organiser, "session schedule", "weekday", "th"
    )
    assert [c["value"] for c in days] == ["thursday"]
    zones = await double.autocomplete(
        server.guild, server.organiser, "session schedule", "timezone", "lond"
    )
    assert zones[0]["value"] == "Europe/London"
    await schedule_thursdays(double, timed_bot, server)
    dates = await double.autocomplete(server.guild, server.organiser, "session skip", "date", "")
    assert 0 < len(dates) <= 25
    assert dates[0]["value"] == "2027-03-04"
    assert all(len(c["name"]) <= 100 for c in dates)
    april = await double.autocomplete(
        server.guild, server.organiser, "session move", "date", "april"
    )
    assert april
    assert all(c["value"].startswith("2027-04") for c in april)


# -- skip, move, cancel and Discord events -------------------------------------------------------


async def test_events_follow_schedule_skip_move_and_cancel(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    await schedule_thursdays(double, timed_bot, server)
    second = FIRST + timedelta(days=7)
    assert event_starts(double, server) == [FIRST, second]
    event = double.scheduled_events(server.guild)[0]
    assert event["entity_type"] == 3
    assert event["entity_metadata"]["location"]
    assert datetime.fromisoformat(event["scheduled_end_time"]) - FIRST == timedelta(minutes=90)

    skipped = await double.slash(server.guild, server.organiser, "session skip", date="2027-03-11")
    assert "skipped" in skipped.content
    assert event_starts(double, server) == [FIRST, FIRST + timedelta(days=14)]

    moved = await double.slash(
        server.guild, server.organiser, "session move", date="2027-03-04", new_time="20:30"
    )
    assert timestamps(moved.content) == [FIRST + timedelta(minutes=90)]
    assert event_starts(double, server)[0] == FIRST + timedelta(minutes=90)
    listing = await double.slash(server.guild, server.member, "session list", count=2)
    assert "moved from 19:00" in listing.text

    # Cancelling says what stops and what is lost, and does nothing until confirmed.
    question = await double.slash(server.guild, server.organiser, "session cancel")
    assert question.ephemeral
    assert "Stop the weekly sessions (Thursdays at 19:00 (Europe/London))" in question.content
    assert "the skip of Thu 2027-03-11" in question.content
    assert "the move of the session of Thu 2027-03-04" in question.content
    assert double.scheduled_events(server.guild) != []
    kept = await double.press(server.guild, server.organiser, question, "Keep everything")
    assert "Nothing was changed" in kept.content
    assert await timed_bot.services.sessions.current(server.guild.id) is not None

    question = await double.slash(server.guild, server.organiser, "session cancel")
    cancelled = await double.press(server.guild, server.organiser, question, "Cancel the sessions")
    [done] = await double.wait_for_followups(cancelled, 1)
    assert "are cancelled" in done["content"]
    assert double.scheduled_events(server.guild) == []
    assert await timed_bot.services.sessions.current(server.guild.id) is None


async def test_skip_and_move_reject_bad_dates(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    await schedule_thursdays(double, timed_bot, server)
    events_before = event_starts(double, server)
    for path, options, expected in [
        ("session skip", {"date": "2027-03-05"}, "no session on Friday"),
        ("session skip", {"date": "someday"}, "not a date"),
        ("session move", {"date": "2027-03-04", "new_time": "2027-03-20 19:00"}, "between"),
        ("session move", {"date": "2027-03-04", "new_time": "half past"}, "not a time"),
    ]:
        reply = await double.slash(server.guild, server.organiser, path, options)
        assert reply.ephemeral, options
        assert expected in reply.content, reply.content
    info = await timed_bot.services.sessions.current(server.guild.id)
    assert info is not None
    assert not info.skips
    assert not info.moves
    assert event_starts(double, server) == events_before


async def test_missing_event_permission_is_reported_and_scheduling_still_works(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    double.fail_next("POST", "/guilds/*/scheduled-events", 403)
    reply = await double.slash(server.guild, server.organiser, "session schedule", THURSDAYS)
    followups = await double.wait_for_followups(reply, 1)
    assert "Weekly sessions" in reply.content
    assert EVENT_PERMISSION_NOTE in followups[0]["content"]
    assert followups[0]["flags"] & 64  # only the organiser sees it
    assert await timed_bot.services.sessions.current(server.guild.id) is not None


# -- announcement and RSVP buttons ----------------------------------------------------------------


async def test_rsvp_buttons_update_counts_in_place_and_survive_a_restart(
    double: DiscordDouble,
    bot_runner: BotRunner,
    server: Server,
    clock: FakeClock,
) -> None:
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as first_bot:
        channels = await configure_channels(double, server)
        await schedule_thursdays(double, first_bot, server)
        await advance_to(first_bot, clock, ANNOUNCE)
        [announcement] = double.channel_messages(channels.sessions)
        ids = {label: b["custom_id"] for label, b in buttons(announcement).items()}
        assert all(len(custom_id) <= 100 for custom_id in ids.values())

        going = await double.click(server.guild, server.member, announcement, ids["Going"])
        assert going.type == "update"
        assert going.message_id == int(announcement["id"])
        assert "Going: 1" in rsvp_field(double.message(int(announcement["id"])))
        [confirmation] = await double.wait_for_followups(going, 1)
        assert confirmation["flags"] & 64
        assert "You answered **Going**" in confirmation["content"]
        maybe = await double.click(server.guild, server.organiser, announcement, ids["Maybe"])
        await double.wait_for_followups(maybe, 1)

    # A new process on the same database: the old message's buttons still work.
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as second_bot:
        changed = await double.click(server.guild, server.member, announcement, ids["Can't"])
        assert changed.type == "update"
        await double.wait_for_followups(changed, 1)
        current = double.message(int(announcement["id"]))
        assert "Going: 0" in rsvp_field(current)
        assert "Maybe: 1" in rsvp_field(current)
        assert "Can't: 1" in rsvp_field(current)
        assert buttons(current)["Can't"]["label"] == "Can't (1)"
        info = await second_bot.services.sessions.current(server.guild.id)
        assert info is not None
        answers = await second_bot.services.sessions.rsvps(server.guild.id, info.id, FIRST)
        assert answers == {server.member.id: "cant", server.organiser.id: "maybe"}
        # Only one announcement, even though the second process re-synced the timers.
        assert len(double.channel_messages(channels.sessions)) == 1


async def test_rsvp_from_session_next_also_updates_the_announcement(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    channels = await configure_channels(double, server)
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, ANNOUNCE)
    card = await double.slash(server.guild, server.member, "session next")
    going = buttons(card.message)["Going"]["custom_id"]
    answered = await double.click(server.guild, server.member, card, going)
    assert "Going: 1" in rsvp_field(answered.message)  # the ephemeral card itself
    await double.wait_for_followups(answered, 1)
    [announcement] = double.channel_messages(channels.sessions)
    assert "Going: 1" in rsvp_field(announcement)


async def test_skipping_an_announced_session_withdraws_its_card(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    channels = await configure_channels(double, server)
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, ANNOUNCE)
    old_card = await double.slash(server.guild, server.member, "session next")
    await double.slash(server.guild, server.organiser, "session skip", date="2027-03-04")
    [withdrawn] = double.channel_messages(channels.sessions)
    assert withdrawn["components"] == []
    assert "skipped" in withdrawn["embeds"][0]["description"]
    assert FIRST not in event_starts(double, server)
    # A button on an older copy of the card is refused politely, and records nothing.
    stale = await double.click(
        server.guild, server.member, old_card, buttons(old_card.message)["Going"]["custom_id"]
    )
    assert stale.ephemeral
    assert "skipped" in stale.content
    info = await timed_bot.services.sessions.current(server.guild.id)
    assert info is not None
    assert await timed_bot.services.sessions.rsvps(server.guild.id, info.id, FIRST) == {}


async def test_rsvp_after_the_session_is_refused(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    channels = await configure_channels(double, server)
    await schedule_thursdays(double, timed_bot, server)
    await advance_to(timed_bot, clock, ANNOUNCE)
    [announcement] = double.channel_messages(channels.sessions)
    going = buttons(announcement)["Going"]["custom_id"]
    await advance_to(timed_bot, clock, FIRST + timedelta(hours=2))
    reply = await double.click(server.guild, server.member, announcement, going)
    assert reply.ephemeral
    assert "over" in reply.content


# -- calendar and settings ---------------------------------------------------------------------


async def test_calendar_file_has_rrule_exdate_and_tzid(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    await schedule_thursdays(double, timed_bot, server, duration="2h")
    await double.slash(server.guild, server.organiser, "session skip", date="2027-03-11")
    reply = await double.slash(server.guild, server.member, "session calendar")
    assert reply.ephemeral
    [ics] = reply.files
    assert ics.name.endswith(".ics")
    calendar = Calendar.from_ical(ics.data)
    # One recurring event; the others override single sessions with their week's reading.
    [event] = [e for e in calendar.walk("VEVENT") if "RRULE" in e]
    overrides = [e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" in e]
    assert all(e.decoded("RECURRENCE-ID").date() != date(2027, 3, 11) for e in overrides)
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["TH"]
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/London"
    assert (start.hour, start.minute) == (19, 0)
    assert event.decoded("DURATION") == timedelta(hours=2)
    exdates = event["EXDATE"]
    exdates = exdates if isinstance(exdates, list) else [exdates]
    skipped = [d.dt for ex in exdates for d in ex.dts]
    assert [d.date() for d in skipped] == [date(2027, 3, 11)]
    assert event["EXDATE"].to_ical().decode().count("2027") == 1
    assert b"TZID=Europe/London" in ics.data
    assert calendar.walk("VTIMEZONE")


async def test_session_settings_set_announcement_and_reading_post(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    none_yet = await double.slash(server.guild, server.organiser, "session settings", announce="2d")
    assert "/session schedule" in none_yet.content
    await schedule_thursdays(double, timed_bot, server)
    reply = await double.slash(
        server.guild,
        server.organiser,
        "session settings",
        announce="2d",
        reading_day="monday",
        reading_time="09:00",
    )
    assert reply.ephemeral
    assert "2d before" in reply.content
    assert "Mondays at 09:00 (Europe/London)" in reply.content
    bad = await double.slash(
        server.guild, server.organiser, "session settings", reading_day="monday"
    )
    assert "both" in bad.content


# -- isolation -----------------------------------------------------------------------------------


async def test_one_servers_sessions_are_invisible_to_another(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, other_server: Server
) -> None:
    await double.wait_until_ready()
    await schedule_thursdays(double, timed_bot, server)
    for path in ("session next", "session list"):
        reply = await double.slash(other_server.guild, other_server.member, path)
        assert "/session schedule" in reply.content, path
    dates = await double.autocomplete(
        other_server.guild, other_server.organiser, "session skip", "date", ""
    )
    assert dates == []
    refused = await double.slash(
        other_server.guild, other_server.organiser, "session skip", date="2027-03-04"
    )
    assert "/session schedule" in refused.content
    assert double.scheduled_events(other_server.guild) == []
    assert await timed_bot.services.sessions.current(server.guild.id) is not None
