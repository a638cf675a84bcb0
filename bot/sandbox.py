"""``python -m bot sandbox``: the real bot, its cogs and a database, against the local double."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from pydantic import SecretStr

from bot.client import StudyCircle
from bot.runtime import open_bot
from bot.settings import Settings
from discord_double.interactions import InteractionReply
from discord_double.sandbox import run_sandbox
from discord_double.testing import running_bot
from discord_double.validation import SpecNotFoundError

APOLOGY_MARKER = "something went wrong on my side"


def is_error_reply(reply: InteractionReply) -> bool:
    """The central error handler's apology means a command crashed."""
    return APOLOGY_MARKER in (reply.content or "")


async def main(settings: Settings, commands: list[str] | None, database_url: str | None) -> int:
    with tempfile.TemporaryDirectory(prefix="study-circle-sandbox-") as scratch:
        url = database_url or f"sqlite+aiosqlite:///{Path(scratch) / 'sandbox.sqlite3'}"

        async def start_bot(
            api_base: str, gateway_url: str
        ) -> AbstractAsyncContextManager[StudyCircle]:
            sandbox_settings = settings.model_copy(
                update={
                    "discord_token": SecretStr("sandbox-token"),
                    "database_url": url,
                    "discord_api_base": api_base,
                    "discord_gateway_url": gateway_url,
                    "discord_dev_guild_id": None,
                    "health_file": Path(scratch) / "heartbeat.json",
                }
            )

            @asynccontextmanager
            async def lifecycle() -> AsyncIterator[StudyCircle]:
                async with (
                    open_bot(sandbox_settings) as bot,
                    running_bot(bot, api_base, gateway_url),
                ):
                    yield bot

            return lifecycle()

        try:
            return await run_sandbox(start_bot, commands, is_error_reply=is_error_reply)
        except SpecNotFoundError as error:  # a broken install or a wrong DISCORD_API_SPEC
            print(f"error: {error}", file=sys.stderr)
            return 2
