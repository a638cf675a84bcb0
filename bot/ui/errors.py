"""The central error handler for slash commands, buttons, selects and modals.

User errors (bad input, missing permission) get an ephemeral explanation. Anything else is a
bug: it is logged with its traceback under a short error id, and the member is told that id.
"""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from bot.errors import UserError
from bot.ui import observe

log = logging.getLogger(__name__)


class NotOrganiser(app_commands.CheckFailure):
    """Raised by the organiser check; its message explains who may run the command."""


def _user_message(error: BaseException) -> str | None:
    """The friendly text for an expected error, or ``None`` for a bug."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        original = error.__cause__ if isinstance(error, app_commands.TransformerError) else None
        error = original or getattr(error, "original", None) or error
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, NotOrganiser):
        return str(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works inside a server, not in direct messages."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I am missing permissions here: {missing}. Ask an organiser to grant them."
    if isinstance(error, app_commands.TransformerError):
        return f"I could not understand `{str(error.value)[:100]}`. Please check that option."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


async def send_ephemeral(interaction: discord.Interaction, content: str) -> None:
    """Reply privately, whether or not the interaction was already answered."""
    mentions = discord.AllowedMentions.none()
    try:
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=True, allowed_mentions=mentions)
        else:
            await interaction.response.send_message(
                content, ephemeral=True, allowed_mentions=mentions
            )
    except discord.HTTPException:
        log.warning("could not deliver an error reply for interaction %s", interaction.id)


async def report_error(interaction: discord.Interaction, error: BaseException) -> str:
    """Tell the member what went wrong; log the traceback of anything unexpected.

    Returns the outcome for the metrics: ``user_error`` or ``error`` (a bug).
    """
    message = _user_message(error)
    outcome = observe.USER_ERROR
    if message is None:
        outcome = observe.ERROR
        error_id = secrets.token_hex(4)
        command = interaction.command.qualified_name if interaction.command else "component"
        log.error(
            "error %s in %s (guild %s, user %s)",
            error_id,
            command,
            interaction.guild_id,
            interaction.user.id,
            exc_info=error,
        )
        message = (
            f"Sorry, something went wrong on my side (error id `{error_id}`). "
            "It has been logged; please try again or tell an organiser."
        )
    await send_ephemeral(interaction, message)
    observe.finish(interaction, outcome)
    return outcome


class CommandTree(app_commands.CommandTree):
    """Observes every application command and routes its errors to :func:`report_error`.

    Success is recorded by the bot's ``on_app_command_completion`` listener.
    """

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        observe.begin(interaction)
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)
