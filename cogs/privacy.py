"""/privacy delete-my-data: a member removes what the bot stores about them in this server."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.types import guild_id_of
from bot.ui.views import StudyView

CONFIRM_SECONDS = 120


class ConfirmDeletion(StudyView):
    def __init__(self, bot: StudyCircle, user_id: int) -> None:
        super().__init__(timeout=CONFIRM_SECONDS)
        self.bot = bot
        self.user_id = user_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.user_id:
            return True
        await interaction.response.send_message(
            "These buttons belong to someone else's request.", ephemeral=True
        )
        return False

    @discord.ui.button(label="Delete my data", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        removed = await self.bot.services.privacy.delete_member_data(
            guild_id_of(interaction), interaction.user.id
        )
        self.stop()
        summary = "\n".join(f"• {line}" for line in removed.lines())
        await interaction.response.edit_message(
            content=f"Done. In this server I removed or anonymised:\n{summary}", view=None
        )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(content="Nothing was deleted.", view=None)


@app_commands.guild_only()
class Privacy(commands.GroupCog, group_name="privacy"):
    """Your data in this server."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="delete-my-data", extras={"example": "/privacy delete-my-data"})
    async def delete_my_data(self, interaction: discord.Interaction) -> None:
        """Remove your votes, RSVPs, progress and reminders here; your prompts stay, unnamed."""
        await interaction.response.send_message(
            "This removes, in this server: your poll votes, RSVPs and attendance, readings you "
            "marked done, your reminder opt-in and personal reminders. Prompts you wrote and "
            "polls you created stay, without your name. It cannot be undone.",
            view=ConfirmDeletion(self.bot, interaction.user.id),
            ephemeral=True,
        )


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Privacy(bot))
