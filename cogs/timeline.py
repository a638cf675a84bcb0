"""The timeline of events 1917–1927: /timeline [year]."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.errors import UserError
from bot.ui import embeds, history
from bot.ui import library as cards
from bot.ui.paginator import Page, send_paged

TIMELINE_PAGES = "timeline"


class TimelinePages:
    """The whole timeline (argument empty) or one year's events."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        self.titles = {r.id: r.full_title for r in bot.content.readings}

    async def render(self, interaction: discord.Interaction, arg: str, number: int) -> Page:
        if arg and not arg.isdecimal():
            raise UserError("These pages are no longer available; run /timeline again.")
        year = int(arg) if arg else None
        events = self.bot.services.library.timeline(year)
        pages = history.timeline_pages(events, year, self.titles, self.bot.content.glossary)
        return embeds.page_of(pages, number)


class Timeline(commands.Cog):
    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.page_sources[TIMELINE_PAGES] = TimelinePages(self.bot)

    async def cog_unload(self) -> None:
        self.bot.page_sources.pop(TIMELINE_PAGES, None)

    @app_commands.command(extras={"example": "/timeline year:1921"})
    @app_commands.describe(year="Only this year's events (leave empty for all of them)")
    async def timeline(self, interaction: discord.Interaction, year: int | None = None) -> None:
        """Dated events the readings refer to, optionally one year."""
        self.bot.services.library.timeline(year)  # an empty year is a UserError naming the rest
        await send_paged(interaction, TIMELINE_PAGES, "" if year is None else str(year))

    @timeline.autocomplete("year")
    async def year_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return cards.choices(self.bot.services.library.complete_years(str(current or "")), int)


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Timeline(bot))
