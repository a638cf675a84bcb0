"""Server-side permission checks for organiser-only commands."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.types import study_bot
from bot.ui.errors import NotOrganiser

ORGANISER_HELP = (
    "Only organisers can do this: members with the Manage Server permission"
    " or the organiser role set with `/config organiser-role`."
)


async def is_organiser(interaction: discord.Interaction) -> bool:
    """True for members with Manage Server or the server's configured organiser role."""
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    config = await study_bot(interaction).guild_config.get(interaction.guild.id)
    role_id = config.organiser_role_id
    return role_id is not None and any(role.id == role_id for role in member.roles)


def organiser_only() -> Any:
    """Check decorator: runs on every invocation, whatever the client shows or hides."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not await is_organiser(interaction):
            raise NotOrganiser(ORGANISER_HELP)
        return True

    return app_commands.check(predicate)


async def require_organiser(interaction: discord.Interaction) -> None:
    """The same check for buttons and selects, which have no decorator checks."""
    if not await is_organiser(interaction):
        raise NotOrganiser(ORGANISER_HELP)
