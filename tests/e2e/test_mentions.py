"""Nothing a member types can ping anyone.

A matrix: ``@everyone``, ``@here``, a role mention and a user mention go through every field a
user can type (prompts, poll questions and options, reminders, excerpts, readings, search
queries, even a mistyped command name). Then every request body the double received that can
create or edit a message is checked: wherever such a token appears, the body's
``allowed_mentions`` must resolve nothing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.scheduling.clock import FakeClock
from discord_double import DiscordDouble
from discord_double.server import RecordedRequest
from tests.e2e.fixtures import BotRunner, Server

START = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
MENTION = re.compile(r"@everyone|@here|<@&?!?\d+>")
MESSAGE_ROUTES = (
    "/channels/{channel_id}/messages",
    "/channels/{channel_id}/messages/{message_id}",
    "/interactions/{interaction_id}/{token}/callback",
    "/webhooks/{application_id}/{token}",
    "/webhooks/{application_id}/{token}/messages/{message_id}",
)


def message_body(request: RecordedRequest) -> dict[str, Any] | None:
    body = request.json
    if not isinstance(body, dict) or request.method not in {"POST", "PATCH"}:
        return None
    if request.route is not None and request.route.endswith("/callback"):
        data = body.get("data")
        return data if isinstance(data, dict) and body.get("type") in {4, 7} else None
    return body


def text_of(body: dict[str, Any]) -> str:
    """Only content can ping; embeds never do, but are scanned too to be strict."""
    parts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f.get("value", "") for f in embed.get("fields") or []]
    return "\n".join(parts)


def can_ping(body: dict[str, Any]) -> bool:
    if not MENTION.search(body.get("content") or ""):
        return False
    allowed = body.get("allowed_mentions")
    if allowed is None:
        return True  # Discord's default parses every mention
    return bool(
        allowed.get("parse")
        or allowed.get("roles")
        or allowed.get("users")
        or allowed.get("replied_user")
    )


async def test_no_user_text_field_can_ping(
    double: DiscordDouble, bot_runner: BotRunner, server: Server
) -> None:
    role = double.add_role(server.guild, "Everyone-ish")
    abuse = f"@everyone @here <@&{role.id}> <@{server.organiser.id}> hi"
    clock = FakeClock(START)
    guild, member, organiser = server.guild, server.member, server.organiser
    async with bot_runner(clock=clock, sleep_until=clock.sleep_until) as bot:
        await double.slash(
            guild, organiser, "config channel", purpose="polls", channel=guild.general
        )
        await double.slash(guild, member, "prompt add", text=f"Prompt {abuse}")
        await double.slash(guild, member, "prompt random")
        await double.slash(guild, member, "prompt list")
        poll = await double.slash(
            guild,
            member,
            "poll create",
            question=f"Q {abuse}",
            options=f"A {abuse}; B {abuse}",
            duration="1h",
        )
        await double.slash(guild, member, "poll next-reading", question=f"Rank {abuse}")
        await double.slash(guild, member, "poll time", slots=f"thu 19:00; {abuse}")
        await double.slash(guild, member, "remind me", when="in 10 minutes", what=f"Read {abuse}")
        await double.slash(guild, member, "remind list")
        await double.slash(guild, member, "source search", query=abuse)
        await double.slash(guild, member, "reading info", reading=abuse)
        await double.slash(guild, member, "help", command=abuse)
        await double.slash(guild, organiser, "config timezone", zone=abuse)
        excerpt_form = await double.slash(guild, organiser, "source add")
        await double.submit_modal(
            guild,
            organiser,
            excerpt_form,
            {
                "author": f"Author {abuse}",
                "work": f"Work {abuse}",
                "date": "1921",
                "text": f"An excerpt that says {abuse} at length.",
            },
        )
        await double.slash(guild, member, "source search", query="excerpt")
        await double.slash(guild, member, "source quote", author="Author")
        reading_form = await double.slash(guild, organiser, "reading add")
        await double.submit_modal(
            guild,
            organiser,
            reading_form,
            {"title": f"Title {abuse}", "authors": f"Writer {abuse}", "summary": f"About {abuse}"},
        )
        await double.slash(guild, member, "reading list")
        # Deliver the reminder and close the poll: messages the bot sends on its own.
        for due in (timedelta(minutes=10), timedelta(hours=1)):  # the reminder, the poll's close
            clock.set(START + due)
            await bot.dispatcher.settle()
        assert poll.message_id is not None

    checked = 0
    for request in double.requests:
        if request.route not in MESSAGE_ROUTES:
            continue
        body = message_body(request)
        if body is None:
            continue
        checked += 1
        assert not can_ping(body), f"{request.method} {request.path} could ping: {body}"
    carried = [
        r
        for r in double.requests
        if r.route in MESSAGE_ROUTES and (b := message_body(r)) and MENTION.search(text_of(b))
    ]
    # The matrix is only meaningful if the typed mentions really reached the bot's messages.
    assert checked > 20
    assert len(carried) >= 5
    dms = double.dm_messages(member)
    assert any("Read" in m["content"] for m in dms)
