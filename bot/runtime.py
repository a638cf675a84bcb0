"""Building and running the bot: shared by ``python -m bot``, the sandbox and the tests."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.client import StudyCircle
from bot.db import create_session_factory, migrate
from bot.db.problems import ensure_reachable, open_engine
from bot.library.loader import load_pack
from bot.scheduling.clock import Clock, utc_now
from bot.settings import Settings

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_bot(
    settings: Settings, *, clock: Clock = utc_now, **options: Any
) -> AsyncIterator[StudyCircle]:
    """Load the content pack, migrate the database, build the bot; close both cleanly on exit.

    A broken pack raises :class:`~bot.library.loader.ContentError`, an unusable database
    :class:`~bot.db.problems.DatabaseProblem`, a database from a newer release
    :class:`~bot.db.migrate.SchemaTooNew`: the command line turns each into one clear report.
    """
    content = load_pack(settings.content_dir)
    engine = open_engine(settings.database_url)
    try:
        await ensure_reachable(engine)
        await migrate.upgrade_if_needed(engine)
        bot = StudyCircle(
            settings=settings,
            engine=engine,
            session_factory=create_session_factory(engine),
            content=content,
            clock=clock,
            **options,
        )
        async with bot:
            yield bot
    finally:
        await engine.dispose()


async def run(settings: Settings, token: str) -> None:
    """Run until the gateway closes or SIGTERM/SIGINT arrives."""
    async with open_bot(settings) as bot:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, _stop, bot, sig)
        await bot.start(token)


def _stop(bot: StudyCircle, sig: signal.Signals) -> None:
    log.info("received %s, shutting down", sig.name)
    asyncio.get_running_loop().create_task(bot.close())
