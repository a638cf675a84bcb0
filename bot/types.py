"""What the Discord-facing code may rely on about the bot, without importing the bot class.

``bot/ui`` receives the bot through ``interaction.client``. It types it as :class:`StudyBot`,
the declared shape of the bot, so that :mod:`bot.client` (the composition root, which builds
everything) can import ``bot/ui`` without an import cycle. :func:`study_bot` checks the client
at run time and narrows the type, so no cast is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import discord
from discord.ext import commands
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import GuildConfigService
from bot.errors import UserError
from bot.library.loader import ContentPack
from bot.metrics import Metrics
from bot.scheduling import SessionOccurrence
from bot.scheduling.clock import Clock
from bot.scheduling.timers import TimerDispatcher, TimerService
from bot.services import Services
from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a paged reply (see :mod:`bot.ui.paginator`)."""

    embed: discord.Embed
    number: int  # zero-based, already clamped to the last page
    total: int


class PageSource(Protocol):
    """Renders page N of something (the resolution, a search) from a short argument."""

    async def render(self, interaction: discord.Interaction, arg: str, number: int) -> Page: ...


class SessionEventsKeeper(Protocol):
    """Keeps Discord's Scheduled Events in step with the sessions (:mod:`bot.ui.session_events`)."""

    async def sync(self, guild_id: int) -> bool: ...
    async def sync_or_warn(self, guild_id: int) -> None: ...
    async def withdraw(self, occ: SessionOccurrence) -> None: ...
    async def start(self, occ: SessionOccurrence) -> None: ...


class StudyBot(commands.AutoShardedBot):
    """The shared dependencies every feature reaches through the bot (set by the bot class)."""

    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    content: ContentPack
    clock: Clock
    guild_config: GuildConfigService
    timers: TimerService
    dispatcher: TimerDispatcher
    services: Services
    page_sources: dict[str, PageSource]
    session_events: SessionEventsKeeper
    metrics: Metrics


def study_bot(interaction: discord.Interaction) -> StudyBot:
    """The bot behind an interaction, typed for the features' use."""
    client = interaction.client
    if not isinstance(client, StudyBot):
        raise TypeError(f"{type(client).__name__} is not a Study Circle bot")
    return client


def guild_id_of(interaction: discord.Interaction) -> int:
    """The server an interaction comes from; a friendly error in direct messages."""
    if interaction.guild_id is None:
        raise UserError("This only works in a server, not in direct messages.")
    return interaction.guild_id
