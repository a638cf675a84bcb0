"""The term as organisers run it: /term start|overview."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.errors import UserError
from bot.scheduling.parsing import parse_date
from bot.scheduling.term import TermReport, TermWeek
from bot.types import guild_id_of
from bot.ui.checks import organiser_only
from bot.ui.library import day
from bot.ui.term import chart_file, display_names, export_file, export_rows, overview_embed

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

    @app_commands.command(
        name="overview", extras={"example": "/term overview format:csv", "organiser": True}
    )
    @app_commands.rename(fmt="format")
    @app_commands.describe(fmt="A chart (default), or a CSV or Markdown file with names")
    @organiser_only()
    async def overview(
        self,
        interaction: discord.Interaction,
        fmt: Literal["chart", "csv", "markdown"] = "chart",
    ) -> None:
        """Each week: the reading, the session, RSVPs, who came and who read it."""
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        weeks, zone = await term_weeks(self.bot, guild_id)
        title = f"The term so far — {self.bot.content.meta.name}"
        embed = overview_embed(weeks, zone, title)
        files = [chart_file(weeks, title)] if weeks else []
        if fmt != "chart" and weeks:
            ids: set[int] = set()
            for week in weeks:
                ids |= week.tally.present | week.done
            names = await display_names(self.bot, guild_id, ids)
            stamp = self.bot.clock().astimezone(zone)
            files.append(export_file(export_rows(weeks, zone, names), fmt, stamp))
        await interaction.followup.send(embed=embed, files=files, ephemeral=True)


async def term_weeks(bot: StudyCircle, guild_id: int) -> tuple[list[TermWeek], ZoneInfo]:
    """The term's weeks and the zone their times are shown in (the sessions', else the
    server's)."""
    config = await bot.guild_config.get(guild_id)
    today = await bot.guild_config.local_date(guild_id, bot.clock())
    report = TermReport(bot.services.library, bot.services.sessions)
    weeks = await report.weeks(guild_id, today, config.timezone)
    info = await bot.services.sessions.current(guild_id)
    return weeks, ZoneInfo(info.zone if info is not None else config.timezone)


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Term(bot))
