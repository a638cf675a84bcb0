"""Pacing under Discord's global limit: each process its share, interactions never held back."""

from __future__ import annotations

import asyncio
import time

from bot.pacing import BUDGET_PER_SECOND, TokenBucket, exempt, share_of_budget
from discord_double import DiscordDouble
from tests.e2e.fixtures import Server


def test_each_process_takes_its_share_of_the_budget() -> None:
    assert share_of_budget(1, 1) == BUDGET_PER_SECOND
    assert share_of_budget(1, 3) == BUDGET_PER_SECOND / 3
    assert share_of_budget(2, 3) == 2 * BUDGET_PER_SECOND / 3
    # Three processes with a shard each stay under Discord's 50 together.
    assert 3 * share_of_budget(1, 3) < 50


def test_interaction_replies_are_not_paced() -> None:
    assert exempt("/api/v10/interactions/1/token/callback")
    assert exempt("/api/v10/webhooks/1/token/messages/@original")
    assert not exempt("/api/v10/channels/1/messages")


async def test_a_burst_is_spread_at_the_rate() -> None:
    bucket = TokenBucket(lambda: 100.0)
    started = time.monotonic()
    await asyncio.gather(*(bucket.take() for _ in range(30)))
    elapsed = time.monotonic() - started
    # One token saved up at first, then 100 a second: 29 more take about 0.29 s.
    assert 0.25 <= elapsed <= 0.8
    assert bucket.waited_seconds > 0


async def test_the_bot_never_draws_a_global_429_in_a_burst(
    bot: object, double: DiscordDouble, server: Server
) -> None:
    from bot.client import StudyCircle

    assert isinstance(bot, StudyCircle)
    channel = bot.get_partial_messageable(server.guild.general.id, guild_id=server.guild.id)
    await asyncio.gather(*(channel.send(f"burst {n}") for n in range(70)))
    posts = [r for r in double.rest.requests if r.path.endswith("/messages") and r.method == "POST"]
    assert len([r for r in posts if r.status == 200]) == 70
    assert double.rest.global_limit.limited == 0
