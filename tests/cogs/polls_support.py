"""Poll helpers shared by the poll, crash and fault tests."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from typing import Any

from bot.client import StudyCircle
from discord_double import DiscordDouble
from discord_double.interactions import InteractionReply
from discord_double.state import FakeUser
from tests.e2e.fixtures import Server


def poll_id(reply: InteractionReply) -> int:
    match = re.search(r"Poll #(\d+)", reply.embeds[0]["footer"]["text"])
    assert match, reply.text
    return int(match[1])


async def posted(
    double: DiscordDouble,
    bot: StudyCircle,
    server: Server,
    member: FakeUser,
    command: str,
    values: Mapping[str, Any],
) -> InteractionReply:
    """Run a command that posts a poll and wait until the bot has finished it: only then is the
    poll message's id stored (the bot learns it from its own reply)."""
    finished = asyncio.ensure_future(
        bot.wait_for(
            "app_command_completion",
            check=lambda interaction, done: (
                done.qualified_name == command and interaction.user.id == member.id
            ),
            timeout=double.timeout,
        )
    )
    try:
        reply = await double.slash(server.guild, member, command, values)
        assert not reply.ephemeral, reply.text
        await finished
    finally:
        finished.cancel()
    info = await bot.services.polls.get(poll_id(reply), server.guild.id)
    assert info.message_id == reply.message_id, "the poll message was never attached"
    return reply
