from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import discord
import pytest

from discord_double import DiscordDouble, FakeGuild, FakeUser
from discord_double.testing import connected_bot, running_double

from .example_bot import ExampleBot


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "packaging: installs the package into a scratch folder (a few seconds; "
        'deselect with -m "not packaging")',
    )


@dataclass
class Setup:
    double: DiscordDouble
    bot: ExampleBot
    guild: FakeGuild
    organiser: FakeUser
    member: FakeUser


@pytest.fixture
async def double() -> AsyncIterator[DiscordDouble]:
    async with running_double() as double:
        yield double


@pytest.fixture
async def setup(double: DiscordDouble) -> AsyncIterator[Setup]:
    guild = double.add_guild("Reading Group")
    organiser = double.add_member(guild, "olga", permissions=discord.Permissions(manage_guild=True))
    member = double.add_member(guild, "max")
    async with connected_bot(double, ExampleBot(shard_count=1)) as bot:
        yield Setup(double, bot, guild, organiser, member)
