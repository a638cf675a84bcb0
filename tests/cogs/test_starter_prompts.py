"""The pack's starter prompts reach every server from day one: listed and drawn (marked as
starters), rotating without repeats, used or hidden per server like any prompt."""

from __future__ import annotations

import re

from bot.client import StudyCircle
from discord_double import DiscordDouble
from discord_double.interactions import InteractionReply
from tests.cogs.support import assert_mentions_inert
from tests.e2e.fixtures import BotRunner, Server

BRINTON = "brinton-1970"


def drawn_id(reply: InteractionReply) -> int:
    match = re.search(r"Prompt #(\d+)", reply.embeds[0]["footer"]["text"])
    assert match, reply.text
    return int(match[1])


async def test_a_new_server_lists_and_draws_the_pack_starters(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    pack_total = sum(len(r.prompts) for r in bot.content.readings)
    listing = await double.slash(server.guild, server.member, "prompt list")
    assert f"{pack_total} prompts" in listing.text
    assert "*(starter)*" in listing.text

    brinton = next(r for r in bot.content.readings if r.id == BRINTON)
    drawn: list[int] = []
    for _ in brinton.prompts:
        reply = await double.slash(server.guild, server.member, "prompt random", reading=BRINTON)
        assert not reply.ephemeral
        assert "starter prompts" in reply.text
        assert reply.embeds[0]["description"] in [" ".join(p.split()) for p in brinton.prompts]
        drawn.append(drawn_id(reply))
    assert len(set(drawn)) == len(brinton.prompts)  # every starter once before any repeat
    again = await double.slash(server.guild, server.member, "prompt random", reading=BRINTON)
    assert drawn_id(again) != drawn[-1]  # a new rotation never repeats the last draw at once
    assert_mentions_inert(double)


async def test_starters_are_used_and_hidden_per_server(
    double: DiscordDouble,
    bot_runner: BotRunner,
    server: Server,
    other_server: Server,
) -> None:
    async with bot_runner() as bot:
        page = await bot.services.prompts.list(server.guild.id, BRINTON, per_page=25)
        first, second, third = page.items
        used = await double.slash(server.guild, server.member, "prompt used", id=first.id)
        assert f"Prompt #{first.id} is marked as used" in used.content
        refused = await double.slash(server.guild, server.member, "prompt delete", id=second.id)
        assert refused.ephemeral  # a member did not write it: only organisers may hide it
        hidden = await double.slash(server.guild, server.organiser, "prompt delete", id=second.id)
        assert "it will not come back" in hidden.content
    # After a restart the hidden starter stays hidden; the other server still has all three.
    async with bot_runner() as bot:
        here = await bot.services.prompts.list(server.guild.id, BRINTON, per_page=25)
        assert [p.id for p in here.items] == [first.id, third.id]
        assert here.items[0].used_at is not None
        there = await bot.services.prompts.list(other_server.guild.id, BRINTON, per_page=25)
        assert len(there.items) == 3
        assert all(p.used_at is None and p.starter for p in there.items)


async def test_a_hidden_readings_starters_are_not_drawn(
    double: DiscordDouble, bot: StudyCircle, server: Server
) -> None:
    library = bot.services.library
    keep = {r.id for r in bot.content.readings[:1]}
    for reading in bot.content.readings[1:]:
        await library.remove_reading(server.guild.id, reading.id)
    allowed = {" ".join(p.split()) for r in bot.content.readings if r.id in keep for p in r.prompts}
    for _ in range(len(allowed)):
        reply = await double.slash(server.guild, server.member, "prompt random")
        assert reply.embeds[0]["description"] in allowed
