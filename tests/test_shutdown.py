"""Stopping the bot lets work in flight finish, and stops the rest before the engine goes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text

from bot.settings import Settings
from bot.shutdown import discord_handler_tasks, finish
from discord_double import DiscordDouble
from tests.e2e.fixtures import BotRunner, Server


async def test_finish_waits_for_quick_tasks_and_cancels_slow_ones() -> None:
    unwound = asyncio.Event()

    async def slow() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            unwound.set()

    quick = asyncio.create_task(asyncio.sleep(0.01, result="done"))
    stuck = asyncio.create_task(slow())
    cut = await finish([quick, stuck], seconds=0.2)
    assert cut == {stuck}
    assert quick.result() == "done"
    assert stuck.cancelled()
    assert unwound.is_set()


async def test_finish_with_no_grace_cancels_at_once() -> None:
    stuck = asyncio.create_task(asyncio.Event().wait())
    assert await finish([stuck], seconds=0) == {stuck}
    assert stuck.cancelled()


async def test_handler_tasks_are_found_by_discord_py_names_but_never_the_caller() -> None:
    hold = asyncio.Event()
    names = [
        "discord.py: on_message",
        "CommandTree-invoker",
        "discord-ui-view-dispatch-1",
        "timer-dispatcher:1",
    ]
    tasks = [asyncio.create_task(hold.wait(), name=name) for name in names]
    try:
        found = {task.get_name() for task in discord_handler_tasks()}
        assert found == set(names[:3])
    finally:
        hold.set()
        await asyncio.gather(*tasks)

    async def look() -> set[asyncio.Task[Any]]:
        return discord_handler_tasks()

    caller = asyncio.create_task(look(), name="discord.py: on_ready")
    assert caller not in await caller


async def _slow_prompt(
    bot_runner: BotRunner, double: DiscordDouble, server: Server, release_after: float | None
) -> tuple[asyncio.Task[Any], list[str]]:
    """Run /prompt random with its service holding a database connection until
    ``release_after`` seconds into the shutdown (or for ever); stop the bot meanwhile.
    Returns the member's pending reply and what ran, in order."""
    ran: list[str] = []
    entered, hold = asyncio.Event(), asyncio.Event()
    async with bot_runner() as bot:
        draw = bot.services.prompts.random

        async def holding_a_connection(*args: Any) -> Any:
            async with bot.session_factory() as session:
                await session.execute(text("SELECT 1"))
                entered.set()
                try:
                    await hold.wait()
                except asyncio.CancelledError:
                    ran.append("cancelled")
                    raise
            ran.append("released")
            return await draw(*args)

        bot.services.prompts.random = holding_a_connection  # type: ignore[method-assign]
        reply = asyncio.create_task(double.slash(server.guild, server.member, "prompt random"))
        await entered.wait()
        if release_after is not None:
            asyncio.get_running_loop().call_later(release_after, hold.set)
    ran.append("closed")
    return reply, ran


async def test_a_command_in_flight_at_shutdown_still_answers(
    bot_runner: BotRunner, double: DiscordDouble, server: Server
) -> None:
    reply, ran = await _slow_prompt(bot_runner, double, server, release_after=0.2)
    assert ran == ["released", "closed"]
    answer = await reply
    assert answer.embeds
    assert "Discussion prompt" in answer.embeds[0]["title"]


async def test_a_command_outlasting_the_grace_is_stopped_before_the_bot_closes(
    bot_runner: BotRunner,
    double: DiscordDouble,
    server: Server,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.shutdown_grace_seconds = 0.05
    reply, ran = await _slow_prompt(bot_runner, double, server, release_after=None)
    assert ran == ["cancelled", "closed"]
    assert "1 commands or events were still running" in caplog.text
    reply.cancel()
    await asyncio.gather(reply, return_exceptions=True)
