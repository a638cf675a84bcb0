import logging
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest
from discord import app_commands

from bot.errors import UserError
from bot.ui.errors import NotOrganiser, report_error


def fake_interaction(*, done: bool = False) -> MagicMock:
    """An Interaction mock specced on the real classes (``spec_set``), so a misspelt attribute,
    read or written, fails."""
    interaction = MagicMock(spec_set=discord.Interaction)
    interaction.id = 1
    interaction.guild_id = 10
    interaction.user = MagicMock(spec_set=discord.Member, id=20)
    interaction.command = None
    interaction.data = None
    interaction.extras = {}
    interaction.client = MagicMock(spec_set=discord.Client)
    interaction.response = MagicMock(spec_set=discord.InteractionResponse)
    interaction.response.is_done.return_value = done
    interaction.response.send_message = AsyncMock()
    interaction.followup = MagicMock(spec_set=discord.Webhook)
    interaction.followup.send = AsyncMock()
    return interaction


@app_commands.command()
async def probe(interaction: discord.Interaction) -> None:
    """A real command object to wrap errors in."""


def wrapped(error: Exception) -> app_commands.CommandInvokeError:
    return app_commands.CommandInvokeError(probe, error)


async def test_user_error_is_shown_ephemerally_without_mentions() -> None:
    interaction = fake_interaction()
    await report_error(interaction, wrapped(UserError("Pick a week between 1 and 10.")))
    interaction.response.send_message.assert_awaited_once()
    args, kwargs = interaction.response.send_message.call_args
    assert args[0] == "Pick a week between 1 and 10."
    assert kwargs["ephemeral"] is True
    assert kwargs["allowed_mentions"].everyone is False
    assert kwargs["allowed_mentions"].roles is False


async def test_check_failure_explains_who_may_run_it() -> None:
    interaction = fake_interaction()
    await report_error(interaction, NotOrganiser("Only organisers can do this."))
    assert interaction.response.send_message.call_args.args[0] == "Only organisers can do this."


async def test_unexpected_error_is_logged_with_traceback_and_an_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    interaction = fake_interaction(done=True)  # already deferred: must use the follow-up
    with caplog.at_level(logging.ERROR, logger="bot.ui.errors"):
        await report_error(interaction, wrapped(ZeroDivisionError("boom")))
    interaction.response.send_message.assert_not_awaited()
    message = interaction.followup.send.call_args.args[0]
    assert "something went wrong" in message
    record = caplog.records[-1]
    assert record.exc_info is not None
    error_id = message.split("`")[1]
    assert error_id in record.getMessage()
    assert "boom" not in message  # internals stay in the log


async def test_failed_delivery_is_swallowed_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    interaction = fake_interaction()
    response = MagicMock(spec_set=["status", "reason"], status=404, reason="Not Found")
    interaction.response.send_message.side_effect = discord.NotFound(response, "gone")
    with caplog.at_level(logging.WARNING, logger="bot.ui.errors"):
        await report_error(interaction, wrapped(UserError("nope")))
    assert "could not deliver" in caplog.text
