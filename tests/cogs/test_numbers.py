"""Numbers people can use: a member's reminders and a server's polls count 1, 2, 3 on their
own, and Discord's native polls are numbered too, so /poll results and /poll close work."""

from __future__ import annotations

import re

from bot.client import StudyCircle
from discord_double import DiscordDouble
from tests.e2e.fixtures import Server


def number_in(text: str, pattern: str) -> int:
    match = re.search(pattern, text)
    assert match, text
    return int(match[1])


async def test_reminders_count_per_member_and_polls_per_server(
    double: DiscordDouble, bot: StudyCircle, server: Server, other_server: Server
) -> None:
    # Other activity first: global ids move on, members' and servers' numbers do not.
    for _ in range(3):
        await double.slash(
            other_server.guild, other_server.member, "remind me", when="in 2 days", what="x"
        )
        await double.slash(
            other_server.guild, other_server.member, "poll create", question="Q?", options="a; b"
        )
    first = await double.slash(
        server.guild, server.member, "remind me", when="in 2 days", what="read ch. 3"
    )
    assert number_in(first.content, r"Reminder `#(\d+)`") == 1
    second = await double.slash(
        server.guild, server.member, "remind me", when="in 3 days", what="read ch. 4"
    )
    assert number_in(second.content, r"Reminder `#(\d+)`") == 2
    theirs = await double.slash(
        server.guild, server.organiser, "remind me", when="in 3 days", what="mine"
    )
    assert number_in(theirs.content, r"Reminder `#(\d+)`") == 1
    listing = await double.slash(server.guild, server.member, "remind list")
    assert "`#1`" in listing.text
    assert "`#2`" in listing.text
    deleted = await double.slash(server.guild, server.member, "remind delete", id="1")
    assert "Deleted reminder `#1`" in deleted.content
    assert [
        r.number for r in await bot.services.reminders.list(server.guild.id, server.member.id)
    ] == [2]

    poll = await double.slash(
        server.guild, server.member, "poll create", question="Tea?", options="yes; no"
    )
    assert poll.embeds[0]["title"].startswith("Poll #1")
    choices = await double.autocomplete(server.guild, server.member, "poll results", "id", "")
    assert [c["value"] for c in choices] == [1]
    results = await double.slash(server.guild, server.member, "poll results", id=1)
    assert "Results — poll #1" in results.text


async def test_native_polls_are_numbered_counted_and_closed(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    await double.slash(server.guild, server.member, "poll create", question="Tea?", options="a; b")
    reply = await double.slash(
        server.guild,
        server.member,
        "poll create",
        question="Which day?",
        options="Thu; Fri; Sat",
        native=True,
    )
    [note] = await double.wait_for_followups(reply, 1)
    assert "This is poll #2" in note["content"]
    # Members vote in Discord's own interface; the double keeps the counts on the message.
    message = double.message(reply.message_id or 0)
    message["poll"]["results"]["answer_counts"] = [
        {"id": 1, "count": 2, "me_voted": False},
        {"id": 2, "count": 2, "me_voted": False},
        {"id": 3, "count": 1, "me_voted": False},
    ]
    results = await double.slash(server.guild, server.member, "poll results", id=2)
    assert "Tie between **Thu**, **Fri**" in results.text
    assert results.files[0].data.startswith(b"\x89PNG")
    voters = await double.slash(server.guild, server.member, "poll results", id=2, voters=True)
    assert "click a vote count" in voters.content

    closed = await double.slash(server.guild, server.member, "poll close", id=2)  # its creator
    assert "Native poll #2 has ended" in closed.text
    assert message["poll"]["results"]["is_finalized"] is True
    info = await bot.services.polls.by_number(server.guild.id, 2)
    assert info.native
    assert not info.is_open
    again = await double.slash(server.guild, server.member, "poll close", id=2)
    assert "already closed" in again.content
