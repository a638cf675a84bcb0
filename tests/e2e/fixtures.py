"""End-to-end fixtures (a pytest plugin, see tests/conftest.py): the real bot, its real cogs and discord.py, against the loopback double.

Every request body the bot sends is validated against Discord's OpenAPI description; a test
fails at teardown if any was invalid or hit a route the double does not know.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import discord
import pytest
from pydantic import SecretStr
from sqlalchemy import text

from bot.client import StudyCircle
from bot.db import create_engine, migrate
from bot.runtime import open_bot
from bot.scheduling.clock import Clock, Sleeper, real_sleep_until, utc_now
from bot.settings import Settings
from discord_double import DiscordDouble
from discord_double.state import FakeGuild, FakeUser
from discord_double.testing import assert_no_validation_errors, connected_bot, running_double
from tests.conftest import database_url

BotRunner = Callable[..., AbstractAsyncContextManager[StudyCircle]]


@dataclass(frozen=True)
class Server:
    """A guild with an organiser (Manage Server) and a plain member."""

    guild: FakeGuild
    organiser: FakeUser
    member: FakeUser


@pytest.fixture
async def double() -> AsyncIterator[DiscordDouble]:
    async with running_double() as double:
        yield double
        assert_no_validation_errors(double)


def add_server(double: DiscordDouble, name: str) -> Server:
    guild = double.add_guild(name)
    organiser = double.add_member(
        guild,
        f"{name.split()[0].lower()}-organiser",
        permissions=discord.Permissions(manage_guild=True),
    )
    member = double.add_member(guild, f"{name.split()[0].lower()}-member")
    return Server(guild, organiser, member)


@pytest.fixture
async def server(double: DiscordDouble) -> Server:
    return add_server(double, "Reading Room")


@pytest.fixture
async def other_server(double: DiscordDouble, server: Server) -> Server:
    return add_server(double, "Other Circle")


async def reset_database(url: str) -> None:
    """PostgreSQL is shared between tests: start each from an empty schema."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database at the newest schema, migrated once per test run and copied into
    each test (the bot then finds nothing to migrate); the migration tests build their own."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"

    async def build() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(build())
    return path


@pytest.fixture
async def settings(
    tmp_path: Path, double: DiscordDouble, migrated_sqlite_template: Path
) -> Settings:
    url = database_url(tmp_path)
    await reset_database(url)
    if url.startswith("sqlite"):
        shutil.copyfile(migrated_sqlite_template, tmp_path / "test.sqlite3")
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=SecretStr("double-token"),
        database_url=url,
        discord_api_base=double.api_base,
        discord_gateway_url=double.gateway_url,
        health_file=tmp_path / "heartbeat.json",
    )


@pytest.fixture
def bot_runner(double: DiscordDouble, settings: Settings) -> BotRunner:
    """Start the bot (again, for restart tests) on the same database and double."""

    @asynccontextmanager
    async def run(
        clock: Clock = utc_now, sleep_until: Sleeper = real_sleep_until
    ) -> AsyncIterator[StudyCircle]:
        async with (
            open_bot(settings, clock=clock, sleep_until=sleep_until) as bot,
            connected_bot(double, bot),
        ):
            yield bot

    return run


@pytest.fixture
async def bot(bot_runner: BotRunner, server: Server) -> AsyncIterator[StudyCircle]:
    async with bot_runner() as running:
        yield running
