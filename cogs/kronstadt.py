"""The Kronstadt resolution: /kronstadt [point]."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.library.glossary import Glossary
from bot.library.schemas import Resolution
from bot.ui import embeds, history
from bot.ui import library as cards
from bot.ui.paginator import Page, send_paged

RESOLUTION_PAGES = "kronstadt"
POINT_PAGES = "kpoint"


class ResolutionPages:
    """The whole resolution: opening (dates, preamble, points at a glance), points, context."""

    def __init__(self, resolution: Resolution) -> None:
        self.pages = history.resolution_pages(resolution)

    async def render(self, interaction: discord.Interaction, arg: str, number: int) -> Page:
        return embeds.page_of(self.pages, number)


class PointPages:
    """One point per page, so Previous/Next step through the points."""

    def __init__(self, resolution: Resolution, glossary: Glossary) -> None:
        self.pages = [
            history.point_embed(resolution, p, glossary.for_point(p.number))
            for p in resolution.points
        ]

    async def render(self, interaction: discord.Interaction, arg: str, number: int) -> Page:
        return embeds.page_of(self.pages, number)


class Kronstadt(commands.Cog):
    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        resolution = self.bot.content.resolution
        self.bot.page_sources[RESOLUTION_PAGES] = ResolutionPages(resolution)
        self.bot.page_sources[POINT_PAGES] = PointPages(resolution, self.bot.content.glossary)

    async def cog_unload(self) -> None:
        self.bot.page_sources.pop(RESOLUTION_PAGES, None)
        self.bot.page_sources.pop(POINT_PAGES, None)

    # A plain integer, not Discord's min/max: any other number gets the bot's own explanation
    # naming the valid range, and the range follows the content pack rather than a constant.
    @app_commands.command(extras={"example": "/kronstadt point:3"})
    @app_commands.describe(point="One point, 1 to 15 (leave empty for the whole resolution)")
    async def kronstadt(self, interaction: discord.Interaction, point: int | None = None) -> None:
        """The Kronstadt resolution of March 1921, whole or one point with its context."""
        if point is None:
            await send_paged(interaction, RESOLUTION_PAGES)
            return
        found = self.bot.services.library.point(point)  # UserError names the valid range
        points = self.bot.content.resolution.points
        await send_paged(interaction, POINT_PAGES, number=points.index(found))

    @kronstadt.autocomplete("point")
    async def point_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        pairs = self.bot.services.library.complete_points(str(current or ""))
        return cards.choices(pairs, int)


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Kronstadt(bot))
