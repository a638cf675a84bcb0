"""The glossary: /who <name> for the people, organisations, places and terms of the pack."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.ui import library as cards
from bot.ui.glossary import who_embed


class Glossary(commands.Cog):
    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot

    @app_commands.command(name="who", extras={"example": "/who name:Kozlovsky"})
    @app_commands.describe(name="A person, organisation, place or term (any spelling)")
    async def who(self, interaction: discord.Interaction, name: str) -> None:
        """Who or what is it? A glossary card with the readings, points and events about it."""
        entry = self.bot.services.library.who(name)  # NotFound names the closest entries
        await interaction.response.send_message(embed=who_embed(entry, self.bot.content))

    @who.autocomplete("name")
    async def name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return cards.choices(self.bot.services.library.complete_glossary(str(current or "")))


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Glossary(bot))
