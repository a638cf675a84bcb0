"""Organiser settings: /config show|timezone|channel|organiser-role."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.config import CHANNEL_PURPOSES, GuildConfig
from bot.errors import UserError
from bot.timezones import zone_choices
from bot.types import guild_id_of
from bot.ui.checks import organiser_only

ChannelPurpose = Literal["sessions", "readings", "polls", "log"]


def config_embed(config: GuildConfig) -> discord.Embed:
    embed = discord.Embed(title="Study Circle settings for this server")
    embed.add_field(name="Time zone", value=config.timezone)
    role = (
        f"<@&{config.organiser_role_id}>"
        if config.organiser_role_id
        else "not set (Manage Server only)"
    )
    embed.add_field(name="Organiser role", value=role)
    for purpose, what in CHANNEL_PURPOSES.items():
        channel = config.channels.get(purpose)
        embed.add_field(
            name=f"{purpose.capitalize()} channel",
            value=f"<#{channel}>" if channel else f"not set — used for {what}",
            inline=False,
        )
    return embed


@app_commands.guild_only()
class Config(commands.GroupCog, group_name="config"):
    """Server settings (organisers only)."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", extras={"example": "/config show", "organiser": True})
    @organiser_only()
    async def show(self, interaction: discord.Interaction) -> None:
        """Show this server's time zone, channels and organiser role."""
        config = await self.bot.guild_config.get(guild_id_of(interaction))
        await interaction.response.send_message(embed=config_embed(config), ephemeral=True)

    @app_commands.command(
        name="timezone",
        extras={"example": "/config timezone zone:Europe/London", "organiser": True},
    )
    @app_commands.describe(zone="An IANA time zone name, e.g. Europe/London")
    @organiser_only()
    async def timezone(self, interaction: discord.Interaction, zone: str) -> None:
        """Set the server's time zone (used for sessions, readings and reminders)."""
        config = await self.bot.guild_config.set_timezone(guild_id_of(interaction), zone)
        await interaction.response.send_message(
            f"Time zone set to **{config.timezone}**.", ephemeral=True
        )

    @timezone.autocomplete("zone")
    async def zone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zone_choices(current)]

    @app_commands.command(
        name="channel",
        extras={"example": "/config channel purpose:sessions channel:#sessions", "organiser": True},
    )
    @app_commands.describe(purpose="What the channel is for", channel="The channel to use")
    @organiser_only()
    async def channel(
        self,
        interaction: discord.Interaction,
        purpose: ChannelPurpose,
        channel: discord.TextChannel,
    ) -> None:
        """Choose the channel the bot posts in for a purpose."""
        await self.bot.guild_config.set_channel(guild_id_of(interaction), purpose, channel.id)
        await interaction.response.send_message(
            f"The **{purpose}** channel is now {channel.mention}.", ephemeral=True
        )

    @app_commands.command(
        name="organiser-role",
        extras={"example": "/config organiser-role role:@Organisers", "organiser": True},
    )
    @app_commands.describe(role="Members with this role may run organiser commands")
    @organiser_only()
    async def organiser_role(self, interaction: discord.Interaction, role: discord.Role) -> None:
        """Let members with this role run organiser commands (besides Manage Server)."""
        if role.is_default():
            raise UserError("Pick a specific role: @everyone would make every member an organiser.")
        await self.bot.guild_config.set_organiser_role(guild_id_of(interaction), role.id)
        await interaction.response.send_message(
            f"Members with {role.mention} can now run organiser commands.", ephemeral=True
        )


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Config(bot))
