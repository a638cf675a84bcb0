"""The term as organisers run it: /term start|overview."""

from __future__ import annotations

from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.errors import UserError
from bot.scheduling.parsing import parse_date
from bot.types import guild_id_of
from bot.ui.checks import organiser_only
from bot.ui.library import day

MAX_DISTANCE = timedelta(days=366)


@app_commands.guild_only()
class Term(commands.GroupCog, group_name="term"):
    """When the term starts, and how it is going week by week."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(
        name="start", extras={"example": "/term start date:2027-03-01", "organiser": True}
    )
    @app_commands.describe(date="The first day of week 1, YYYY-MM-DD")
    @organiser_only()
    async def start(self, interaction: discord.Interaction, date: str) -> None:
        """Set the day week 1 starts (used while no weekly session is scheduled)."""
        guild_id = guild_id_of(interaction)
        start = parse_date(date)
        today = await self.bot.guild_config.local_date(guild_id, self.bot.clock())
        if abs(start - today) > MAX_DISTANCE:
            raise UserError("Pick a start within a year of today.")
        library = self.bot.services.library
        await library.set_start_date(guild_id, start)
        week = await library.current_week(guild_id, today)
        if await self.bot.services.sessions.current(guild_id) is not None:
            text = (
                f"Saved: week 1 starts on {day(start)} whenever no weekly session is scheduled. "
                "While one is, the weeks follow the sessions (week N is the Nth session), so "
                f"today is still in week {week}."
            )
        elif start > today:
            text = f"Week 1 now starts on {day(start)}, in {(start - today).days} days."
        else:
            text = f"Week 1 now starts on {day(start)}; today is in week {week}."
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Term(bot))
