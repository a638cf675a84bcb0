"""/me: a member's own settings in this server (for now, their time zone)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.members import local_text
from bot.timezones import zone_choices
from bot.types import guild_id_of
from bot.ui.limits import CHOICES

SERVER_ZONE = "server"


@app_commands.guild_only()
class Me(commands.GroupCog, group_name="me"):
    """Your own settings in this server."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(
        name="timezone", extras={"example": "/me timezone zone:Asia/Tokyo", "organiser": False}
    )
    @app_commands.describe(
        zone='Your IANA time zone, e.g. Asia/Tokyo, or "server" to use the server\'s again'
    )
    async def timezone(
        self, interaction: discord.Interaction, zone: app_commands.Range[str, 1, 64]
    ) -> None:
        """Read and show your reminders, sessions and progress in your own time zone."""
        guild_id = guild_id_of(interaction)
        server = (await self.bot.guild_config.get(guild_id)).timezone
        zones = self.bot.services.zones
        now = self.bot.clock()
        if zone.strip().casefold() == SERVER_ZONE:
            had = await zones.clear(guild_id, interaction.user.id)
            head = "Your own time zone is removed" if had else "You had no time zone of your own"
            await interaction.response.send_message(
                f"{head}: times are read and shown in the server's, **{server}** "
                f"(now {local_text(now, ZoneInfo(server))}).",
                ephemeral=True,
            )
            return
        chosen = await zones.set(guild_id, interaction.user.id, zone)
        await interaction.response.send_message(
            f"🕒 Your time zone here is now **{chosen.key}** (now {local_text(now, chosen)}). "
            f"Your reminders, `/session next` and `/reading progress` read and show times in it; "
            f"the group's own times stay in the server's, {server}.",
            ephemeral=True,
        )

    @timezone.autocomplete("zone")
    async def zone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        choices = [app_commands.Choice(name=z, value=z) for z in zone_choices(current)]
        if SERVER_ZONE.startswith(current.strip().casefold()):
            server = app_commands.Choice(name="server (use the server's time zone)", value="server")
            choices = [server, *choices]
        return choices[:CHOICES]


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Me(bot))
