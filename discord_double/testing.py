"""Helpers for tests that drive a discord.py bot through the double.

    async with running_double() as double:
        guild = double.add_guild("Reading Group")
        member = double.add_member(guild, "ada")
        async with connected_bot(double, MyBot()):
            reply = await double.slash(guild, member, "ping")
        assert_no_validation_errors(double)

As pytest fixtures::

    @pytest.fixture
    async def double():
        async with running_double() as double:
            yield double
            assert_no_validation_errors(double)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from .double import DiscordDouble

__all__ = [
    "assert_no_validation_errors",
    "bot_starter",
    "connected_bot",
    "discord_pointed_at",
    "running_bot",
    "running_double",
]

ClientT = TypeVar("ClientT", bound=discord.Client)
# discord.py waits this long after the last GUILD_CREATE before "ready"; 2 s is too slow here.
FAST_GUILD_READY_TIMEOUT = 0.05


@contextlib.asynccontextmanager
async def running_double(
    *,
    validate: bool | None = True,
    spec_path: Path | str | None = None,
    **options: Any,
) -> AsyncIterator[DiscordDouble]:
    """A started double, closed afterwards. Validation is required by default in tests."""
    double = DiscordDouble(validate=validate, spec_path=spec_path, **options)
    await double.start()
    try:
        yield double
    finally:
        await double.close()


@contextlib.contextmanager
def discord_pointed_at(api_base: str, gateway_url: str) -> Iterator[None]:
    """Point discord.py's REST base and gateway at the double; restore them afterwards."""
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


@contextlib.asynccontextmanager
async def running_bot(
    bot: ClientT,
    api_base: str,
    gateway_url: str,
    *,
    token: str = "double-token",
    fast_ready: bool = True,
) -> AsyncIterator[asyncio.Task[None]]:
    """``bot.start()`` as a background task against the double; closed cleanly on exit."""
    if fast_ready:
        # A private knob of discord.py's ConnectionState; it only shortens the pause before
        # "ready" (2 s after the last GUILD_CREATE by default).
        state = bot._connection
        state.guild_ready_timeout = min(state.guild_ready_timeout, FAST_GUILD_READY_TIMEOUT)
    with discord_pointed_at(api_base, gateway_url):
        runner = asyncio.create_task(bot.start(token), name="bot under test")
        try:
            yield runner
        finally:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(runner, timeout=5)


@contextlib.asynccontextmanager
async def connected_bot(
    double: DiscordDouble,
    bot: ClientT,
    *,
    token: str = "double-token",
    wait_for_bot_ready: bool = True,
    fast_ready: bool = True,
) -> AsyncIterator[ClientT]:
    """Run ``bot`` against ``double`` until the block ends, then close it cleanly.

    Waits for the double's readiness (identified, guilds sent, commands synced if the double
    expects it) and, with ``wait_for_bot_ready``, for discord.py's own ``on_ready``. If the bot
    dies while starting, its exception is raised here.
    """
    async with running_bot(
        bot, double.api_base, double.gateway_url, token=token, fast_ready=fast_ready
    ) as runner:
        await _first_of(runner, double.wait_until_ready())
        if wait_for_bot_ready:
            await _first_of(runner, bot.wait_until_ready())
        yield bot


def bot_starter(
    make_bot: Callable[[], discord.Client], *, token: str = "double-token"
) -> Callable[[str, str], Awaitable[contextlib.AbstractAsyncContextManager[Any]]]:
    """A ``run_sandbox`` callback that builds a bot with ``make_bot()`` and runs it."""

    async def start_bot(
        api_base: str, gateway_url: str
    ) -> contextlib.AbstractAsyncContextManager[Any]:
        return running_bot(make_bot(), api_base, gateway_url, token=token)

    return start_bot


async def _first_of(runner: asyncio.Task[None], awaitable: Any) -> None:
    waiter = asyncio.ensure_future(awaitable)
    done, _ = await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if waiter in done:
        waiter.result()
        return
    waiter.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await waiter
    runner.result()  # raises what killed the bot
    raise AssertionError("the bot stopped before it was ready")


def assert_no_validation_errors(double: DiscordDouble) -> None:
    """Fail if the bot sent an undocumented or invalid request, or hit an unknown route."""
    failures = double.failures
    if failures:
        listing = "\n  ".join(failures)
        raise AssertionError(f"{len(failures)} bad request(s) to the Discord double:\n  {listing}")
