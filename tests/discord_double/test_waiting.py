"""The double's waits: each wakes on the double's own change signal, none polls its state."""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord
import pytest

from discord_double import DiscordDouble, RecordedRequest, SpecNotFoundError

from .conftest import Setup


def _channel(setup: Setup) -> discord.PartialMessageable:
    return setup.bot.get_partial_messageable(setup.guild.general.id, guild_id=setup.guild.id)


async def test_wait_for_message_returns_once_the_bot_posts_it(setup: Setup) -> None:
    double, general = setup.double, setup.guild.general
    waiter = asyncio.create_task(double.wait_for_message(general, "session starts"))
    await asyncio.sleep(0)
    assert not waiter.done()
    await _channel(setup).send("unrelated")
    await _channel(setup).send("The session starts now")
    message = await waiter
    assert message["content"] == "The session starts now"
    # Already there: at once. A predicate works too.
    again = await double.wait_for_message(general, lambda m: m["content"].startswith("The"))
    assert again["id"] == message["id"]


async def test_wait_for_messages_counts_and_matches_rendered_text(setup: Setup) -> None:
    double, general = setup.double, setup.guild.general
    embed = discord.Embed(title="Reminder", description="Read chapter 2")

    async def post() -> None:
        for _ in range(3):
            await _channel(setup).send(embed=embed)

    poster = asyncio.create_task(post())
    found = await double.wait_for_messages(general, 3, "chapter 2")  # text inside the embed
    await poster
    assert len(found) == 3
    assert [m["embeds"][0]["title"] for m in found] == ["Reminder"] * 3


async def test_wait_for_message_in_a_members_dms(setup: Setup) -> None:
    double = setup.double
    waiter = asyncio.create_task(double.wait_for_message(setup.member, "hello in private"))
    reply = await double.slash(setup.guild, setup.member, "dm")
    assert reply.content == "Sent you a DM."
    message = await waiter
    assert message["channel_id"] == str(setup.member.dm_channel_id)


async def test_a_wait_that_times_out_says_what_it_saw(setup: Setup) -> None:
    double = setup.double
    await _channel(setup).send("something else")
    with pytest.raises(AssertionError, match=r"expected 1 message\(s\) matching 'never'.*else"):
        await double.wait_for_message(setup.guild.general, "never", timeout=0.05)
    with pytest.raises(AssertionError, match="gave up waiting for the moon"):
        await double.wait_until(lambda: None, 0.05, what="the moon")


async def test_wait_until_reads_the_doubles_state(setup: Setup) -> None:
    double = setup.double
    waiter = asyncio.create_task(
        double.wait_until(lambda: len(double.channel_messages(setup.guild.general)) >= 2)
    )
    await _channel(setup).send("one")
    await _channel(setup).send("two")
    assert await waiter is True


async def test_wait_for_requests_counts_answered_requests(setup: Setup) -> None:
    double = setup.double
    start = len(double.requests)

    def posts(request: RecordedRequest) -> bool:
        return request.route == "/channels/{channel_id}/messages"

    waiter = asyncio.create_task(double.wait_for_requests(posts, 2, since=start))
    await _channel(setup).send("a")
    await _channel(setup).send("b")
    found = await waiter
    assert [r.json["content"] for r in found if r.json] == ["a", "b"]
    assert all(r.status == 200 for r in found)


async def test_wait_for_bot_state_rechecks_state_the_double_cannot_see(setup: Setup) -> None:
    stored: list[str] = []

    async def later() -> None:
        await asyncio.sleep(0.05)
        stored.append("attached")  # no Discord traffic follows this change

    async def probe() -> str | None:
        return stored[0] if stored else None

    writer = asyncio.create_task(later())
    assert await setup.double.wait_for_bot_state(probe, 2, recheck=0.01) == "attached"
    await writer
    with pytest.raises(AssertionError, match="gave up waiting for the poll"):
        await setup.double.wait_for_bot_state(_never, 0.05, what="the poll")


async def _never() -> None:
    return None


def test_validation_is_required_by_default(tmp_path: Path) -> None:
    # The description ships inside the package: the default never quietly skips validation.
    with pytest.raises(SpecNotFoundError, match="DISCORD_API_SPEC"):
        DiscordDouble(spec_path=tmp_path / "openapi.json")
    assert DiscordDouble().validator is not None
