"""Base classes for views and modals that route their errors to the central handler."""

from __future__ import annotations

from typing import Any

import discord

from bot.ui.errors import report_error


class StudyView(discord.ui.View):
    """A view whose callback errors are reported like command errors."""

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error)


class StudyModal(discord.ui.Modal):
    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report_error(interaction, error)
