"""Command overhead through the loopback double, against a bare /ping in the same run.

Run: .venv/bin/python -m bench.commands [--rounds 200]

The real bot (all cogs, SQLite in a temporary folder) runs in this process against the
loopback Discord double. Each sample is the bot's own time from receiving the interaction
(discord.py parsing INTERACTION_CREATE) to sending its response (the HTTP request for the
interaction callback leaving discord.py), taken by wrapping those two discord.py methods; the
full round trip through the double is printed too. Commands are interleaved round by round so
drift in the machine's load hits all of them alike. Target: p99 of each command ≤ 1.5 × p99
of /ping.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import discord
from discord.webhook.async_ import async_context
from pydantic import SecretStr

from bot.runtime import open_bot
from bot.settings import Settings
from discord_double.testing import connected_bot, running_double

COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("ping", {}),
    ("kronstadt", {"point": 7}),
    ("source search", {"query": "soviets"}),
    ("reading current", {}),
    ("prompt random", {}),
]


class Stopwatch:
    """Stamps interactions on arrival and when their response's HTTP request starts."""

    def __init__(self, bot: discord.Client) -> None:
        self.received: dict[str, float] = {}
        self.elapsed: dict[str, float] = {}
        state = bot._connection
        parse = state.parsers["INTERACTION_CREATE"]
        adapter = async_context.get()
        request = adapter.request

        def timed_parse(data: dict[str, Any]) -> None:
            self.received[data["id"]] = time.perf_counter()
            parse(data)

        def timed_request(route: Any, *args: Any, **kwargs: Any) -> Any:
            # Interaction callbacks go through the webhook adapter, keyed by interaction id.
            interaction_id = str(route.webhook_id)
            if route.path.endswith("/callback") and interaction_id in self.received:
                self.elapsed[interaction_id] = time.perf_counter() - self.received[interaction_id]
            return request(route, *args, **kwargs)

        state.parsers["INTERACTION_CREATE"] = timed_parse
        adapter.request = timed_request  # type: ignore[method-assign]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(rounds: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as scratch:
        async with running_double(validate=True) as double:
            guild = double.add_guild("Bench")
            member = double.add_member(guild, "reader")
            double.add_member(
                guild, "organiser", permissions=discord.Permissions(manage_guild=True)
            )
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                discord_token=SecretStr("bench"),
                database_url=f"sqlite+aiosqlite:///{Path(scratch) / 'bench.sqlite3'}",
                discord_api_base=double.api_base,
                discord_gateway_url=double.gateway_url,
                health_file=Path(scratch) / "heartbeat.json",
            )
            async with open_bot(settings) as bot, connected_bot(double, bot):
                watch = Stopwatch(bot)
                samples: dict[str, list[float]] = {name: [] for name, _ in COMMANDS}
                trips: dict[str, list[float]] = {name: [] for name, _ in COMMANDS}
                for _ in range(5):  # warm caches and code paths
                    for name, options in COMMANDS:
                        await double.slash(guild, member, name, **options)
                for _ in range(rounds):
                    for name, options in COMMANDS:
                        started = time.perf_counter()
                        reply = await double.slash(guild, member, name, **options)
                        trips[name].append((time.perf_counter() - started) * 1000)
                        samples[name].append(watch.elapsed[str(reply.interaction_id)] * 1000)
            if double.failures:
                raise SystemExit(f"invalid requests during the bench: {double.failures}")
    ping_p99 = percentile(samples["ping"], 0.99)
    print(f"interaction received → response sent, in the bot, {rounds} samples each (ms):")
    print(f"{'command':<20}{'p50':>7}{'p99':>7}{'p99÷ping':>10}{'round trip p50/p99':>21}")
    for name, values in samples.items():
        p99 = percentile(values, 0.99)
        trip = f"{statistics.median(trips[name]):.2f} / {percentile(trips[name], 0.99):.2f}"
        print(
            f"/{name:<19}{statistics.median(values):>7.2f}{p99:>7.2f}"
            f"{p99 / ping_p99:>9.2f}×{trip:>21}"
        )
    print("target: every command's p99 ≤ 1.5 × /ping's p99")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    asyncio.run(main(parser.parse_args().rounds))
