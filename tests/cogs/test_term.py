"""Attendance and progress, seen: an organiser takes attendance (thread button or
/session attendance, starting from who answered Going), reads /term overview with its chart
and exports; a member sees their own weeks with /reading progress."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.client import StudyCircle
from bot.scheduling.clock import FakeClock
from discord_double import DiscordDouble, iter_components
from tests.cogs.sessions_support import (
    ANNOUNCE,
    FIRST,
    advance_to,
    configure_channels,
    schedule_thursdays,
)
from tests.cogs.support import assert_mentions_inert
from tests.e2e.fixtures import Server

PNG = b"\x89PNG\r\n\x1a\n"


def picker(message: dict) -> dict:
    [found] = [c for c in iter_components(message["components"]) if c.get("type") == 5]
    return found


async def test_a_term_week_by_week(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    channels = await configure_channels(double, server)
    await schedule_thursdays(double, timed_bot, server)
    early = await double.slash(server.guild, server.organiser, "session attendance")
    assert early.ephemeral
    assert "No session has started yet" in early.content

    await advance_to(timed_bot, clock, ANNOUNCE)
    [announcement] = double.channel_messages(channels.sessions)
    await double.press(server.guild, server.member, announcement, "Going (0)")
    await advance_to(timed_bot, clock, FIRST)
    since = len(double.requests)  # (the timers' own edits are checked by their tests)

    # The thread's opening post carries the button; the picker starts from who said Going.
    [thread] = double.threads(server.guild)
    [seed] = double.channel_messages(thread)
    refused = await double.press(server.guild, server.member, seed, "Take attendance")
    assert "Only organisers" in refused.content
    opened = await double.press(server.guild, server.organiser, seed, "Take attendance")
    assert opened.ephemeral
    assert "1 present" in opened.content
    menu = picker(opened.message)
    assert [str(v["id"]) for v in menu["default_values"]] == [str(server.member.id)]
    latecomer = double.add_member(server.guild, "latecomer")
    saved = await double.select(
        server.guild,
        server.organiser,
        opened,
        menu["custom_id"],
        [str(server.member.id), str(latecomer.id)],
    )
    assert "Saved. Attendance for the session of **Thursday 4 March 2027**: 2 present" in (
        saved.content
    )
    again = await double.slash(server.guild, server.organiser, "session attendance")
    assert "2 present" in again.content  # /session attendance opens the latest session
    bad = await double.slash(
        server.guild, server.organiser, "session attendance", date="2027-03-05"
    )
    assert "There was no session on 2027-03-05" in bad.content

    week_one = (await timed_bot.services.library.week(server.guild.id, 1)).readings[0]
    await double.slash(server.guild, server.member, "reading done", reading=week_one.id)
    clock.advance(timedelta(hours=3))

    overview = await double.slash(server.guild, server.organiser, "term overview")
    assert overview.ephemeral
    assert "**Week 1 · Soviets, 1917**" in overview.text
    assert "Thu 4 Mar 2027 19:00 · ✅ 1 🤔 0 ❌ 0 · came 2 · read 1" in overview.text
    [chart] = overview.files
    assert chart.data.startswith(PNG)

    exported = await double.slash(server.guild, server.organiser, "term overview", format="csv")
    csv_file = next(f for f in exported.files if f.name.endswith(".csv"))
    rows = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["week", "label", "readings", "session"]
    first = rows[1]
    assert first[2] == week_one.title
    assert first[3] == "Thu 4 Mar 2027 19:00"  # local time (London), not UTC or a timestamp
    assert first[9] == "; ".join(sorted(["latecomer", "reading-member"]))
    assert first[10] == "reading-member"
    assert str(server.member.id) not in csv_file.data.decode("utf-8-sig")
    markdown = await double.slash(
        server.guild, server.organiser, "term overview", format="markdown"
    )
    md = next(f for f in markdown.files if f.name.endswith(".md")).data.decode()
    assert "| 1 | Soviets, 1917 |" in md

    mine = await double.slash(server.guild, server.member, "reading progress")
    assert mine.ephemeral
    assert "You have read 1 of" in mine.text
    assert "**Week 1 · Soviets, 1917**" in mine.text
    assert "✅ read · came" in mine.text
    theirs = await double.slash(server.guild, server.organiser, "reading progress")
    assert "You have read 0 of" in theirs.text
    assert_mentions_inert(double, since)  # the picker names members: nobody is pinged
