"""The double enforces Discord's global rate limit: 50 requests a second per bot, shared by
every process using the token, interaction callbacks exempt."""

from __future__ import annotations

import aiohttp

from discord_double import DiscordDouble
from discord_double.ratelimit import GlobalRateLimit


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_fifty_a_second_then_429_until_the_window_moves() -> None:
    ticks = Ticks()
    limit = GlobalRateLimit(clock=ticks)
    assert all(limit.check("Bot a", f"/channels/1/messages?n={i}") is None for i in range(50))
    wait = limit.check("Bot a", "/channels/1/messages")
    assert wait is not None
    assert abs(wait - 1.0) < 1e-9
    assert limit.check("Bot b", "/channels/1/messages") is None  # another bot has its own
    assert limit.check("Bot a", "/interactions/1/tok/callback") is None  # exempt
    assert limit.check("Bot a", "/webhooks/1/tok") is None  # follow-ups exempt
    ticks.now += 0.5
    assert limit.check("Bot a", "/channels/1/messages") is not None
    ticks.now += 0.5
    assert limit.check("Bot a", "/channels/1/messages") is None
    assert limit.limited == 2


async def test_a_burst_over_http_gets_global_429s(double: DiscordDouble) -> None:
    guild = double.add_guild("Burst")
    channel = next(iter(guild.channels.values()))
    url = f"{double.api_base}/channels/{channel.id}/messages"
    headers = {"Authorization": "Bot burst-token"}
    statuses: list[int] = []
    answers: list[dict[str, object]] = []
    async with aiohttp.ClientSession() as http:
        for index in range(60):
            async with http.post(url, json={"content": f"m{index}"}, headers=headers) as reply:
                statuses.append(reply.status)
                if reply.status == 429:
                    assert reply.headers["X-RateLimit-Global"] == "true"
                    answers.append(await reply.json())
    assert statuses.count(200) == 50
    assert statuses.count(429) == 10
    assert all(answer["global"] is True for answer in answers)
    assert all(0 < float(str(answer["retry_after"])) <= 1 for answer in answers)
    assert double.rest.global_limit.limited == 10
