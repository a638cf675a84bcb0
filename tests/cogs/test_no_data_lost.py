"""Nothing lost by a mis-click: schedule replacements that would drop answers ask first, the
ones that would not keep them, the time poll keeps the group's own zone and answers, and a
confirmation nobody answers changes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.client import StudyCircle
from bot.scheduling.clock import FakeClock
from bot.ui import confirm
from discord_double import DiscordDouble, find_button
from tests.cogs.sessions_support import (
    ANNOUNCE,
    FIRST,
    THURSDAYS,
    advance_to,
    configure_channels,
    rsvp_field,
    schedule_thursdays,
)
from tests.e2e.fixtures import Server


async def answered_thursday(
    double: DiscordDouble, bot: StudyCircle, server: Server, clock: FakeClock
) -> dict[str, Any]:
    """Thursdays 19:00 London, announced, with the member's Going."""
    channels = await configure_channels(double, server)
    await schedule_thursdays(double, bot, server)
    await advance_to(bot, clock, ANNOUNCE)
    [announcement] = double.channel_messages(channels.sessions)
    await double.press(server.guild, server.member, announcement, "Going (0)")
    return announcement


async def going(bot: StudyCircle, server: Server) -> int:
    [occ] = await bot.services.sessions.list(server.guild.id, 1)
    return occ.counts.going


async def test_a_new_time_asks_first_and_says_what_is_lost(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    await answered_thursday(double, timed_bot, server, clock)
    fridays = {**THURSDAYS, "weekday": "friday"}
    question = await double.slash(server.guild, server.organiser, "session schedule", fridays)
    assert question.ephemeral
    assert "Replace the weekly schedule? These would be lost:" in question.content
    assert "1 RSVP answer to 1 coming session" in question.content
    kept = await double.press(server.guild, server.organiser, question, "Keep everything")
    assert "Nothing was changed" in kept.content
    assert (await timed_bot.services.sessions.current(server.guild.id)).weekday == 3  # type: ignore[union-attr]
    assert await going(timed_bot, server) == 1

    question = await double.slash(server.guild, server.organiser, "session schedule", fridays)
    replaced = await double.press(server.guild, server.organiser, question, "Replace it")
    [confirmation] = await double.wait_for_followups(replaced, 1)
    assert "Fridays at 19:00 (Europe/London)" in confirmation["content"]


async def test_the_same_time_keeps_every_answer_without_asking(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    await answered_thursday(double, timed_bot, server, clock)
    await timed_bot.services.sessions.skip(server.guild.id, "2027-03-18")
    longer = {**THURSDAYS, "duration": "2h"}
    reply = await double.slash(server.guild, server.organiser, "session schedule", longer)
    assert "Weekly sessions" in reply.content  # applied at once: nothing to lose
    info = await timed_bot.services.sessions.current(server.guild.id)
    assert info is not None
    assert info.duration.total_seconds() == 7200
    assert await going(timed_bot, server) == 1
    assert [d.isoformat() for d in info.skips] == ["2027-03-18"]


async def test_time_poll_at_the_groups_own_time_keeps_zone_and_answers(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server, clock: FakeClock
) -> None:
    """The server zone is left at UTC; the group meets 19:00 Europe/London (19:00 UTC in
    March). Picking that slot must not turn the session into 19:00 UTC or drop answers."""
    card = await answered_thursday(double, timed_bot, server, clock)
    poll = await double.slash(
        server.guild, server.member, "poll time", slots="2027-03-11 19:00; 2027-03-12 19:00"
    )
    menu = next(c for row in poll.message["components"] for c in row["components"])
    thursday = menu["options"][0]["value"]
    await double.select(server.guild, server.member, poll, menu["custom_id"], [thursday])
    footer = poll.embeds[0]["footer"]["text"]
    number = int(footer.split("Poll #")[1].split()[0])
    await double.slash(server.guild, server.member, "poll close", id=number)
    announcement = await double.wait_for_message(
        server.guild.general, lambda m: "has closed" in m["content"]
    )
    make = find_button(announcement, "Make this the weekly session")
    done = await double.click(server.guild, server.organiser, announcement, make["custom_id"])
    [said] = await double.wait_for_followups(done, 1)
    assert "Thursdays at 19:00 (Europe/London) is already the weekly session" in said["content"]
    info = await timed_bot.services.sessions.current(server.guild.id)
    assert info is not None
    assert info.zone == "Europe/London"
    assert await going(timed_bot, server) == 1
    # The announcement still counts the answer given before the poll.
    assert "Going: 1" in rsvp_field(double.message(int(card["id"])))


async def test_an_unanswered_confirmation_changes_nothing(
    double: DiscordDouble,
    timed_bot: StudyCircle,
    server: Server,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(confirm, "TIMEOUT", 0.2)
    original = confirm.Confirmation.__init__

    def quick(self: confirm.Confirmation, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **{**kwargs, "timeout": 0.2})

    monkeypatch.setattr(confirm.Confirmation, "__init__", quick)
    await schedule_thursdays(double, timed_bot, server)
    question = await double.slash(server.guild, server.organiser, "session cancel")
    assert "Stop the weekly sessions" in question.content
    await asyncio.sleep(0.6)
    await double.wait_until(lambda: "Nothing was changed" in (question.message or {})["content"])
    assert question.message is not None
    assert question.message["components"] == []
    assert await timed_bot.services.sessions.current(server.guild.id) is not None
    await advance_to(timed_bot, clock, FIRST)


async def test_everyone_cannot_become_the_organiser_role(
    double: DiscordDouble, timed_bot: StudyCircle, server: Server
) -> None:
    refused = await double.slash(
        server.guild, server.organiser, "config organiser-role", role=server.guild.everyone
    )
    assert refused.ephemeral
    assert "every member an organiser" in refused.content
    assert (await timed_bot.guild_config.get(server.guild.id)).organiser_role_id is None
