"""Letting work in flight finish when the bot stops, so no task still holds a database
connection when the engine is disposed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

# discord.py names the tasks it runs event listeners ("discord.py: on_message"), slash commands
# ("CommandTree-invoker") and component, modal and view-timeout callbacks ("discord-ui-…") in.
HANDLER_TASK_PREFIXES = ("discord.py: ", "CommandTree-invoker", "discord-ui-")

# After cancelling, how long a task may take to unwind (roll back, close its session).
UNWIND_SECONDS = 5.0


def discord_handler_tasks() -> set[asyncio.Task[Any]]:
    """The event, command and component handlers running on this loop, bar the caller."""
    current = asyncio.current_task()
    return {
        task
        for task in asyncio.all_tasks()
        if task is not current and task.get_name().startswith(HANDLER_TASK_PREFIXES)
    }


async def finish(tasks: Iterable[asyncio.Future[Any]], seconds: float) -> set[asyncio.Future[Any]]:
    """Wait up to ``seconds`` for ``tasks``; cancel the rest and wait for them to unwind.

    Returns the tasks that were cut short.
    """
    pending = {task for task in tasks if not task.done()}
    if pending and seconds > 0:
        _, pending = await asyncio.wait(pending, timeout=seconds)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=UNWIND_SECONDS)
    return pending
