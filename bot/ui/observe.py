"""Each interaction is observed the same way: its ids go into the log context, its outcome and
duration into the metrics (``study_circle_commands_total``, ``..._command_duration_seconds``).
"""

from __future__ import annotations

import logging
import time

import discord

from bot.log import bind_context
from bot.types import StudyBot

log = logging.getLogger(__name__)

STARTED = "study_circle_started"  # key in interaction.extras

OK = "ok"
USER_ERROR = "user_error"
ERROR = "error"


def command_name(interaction: discord.Interaction) -> str:
    if interaction.command is not None:
        return interaction.command.qualified_name
    data = interaction.data
    custom_id = str(data.get("custom_id", "")) if data is not None else ""
    # Persistent components encode state after the first colon; the prefix names the kind.
    return f"component:{custom_id.split(':', 1)[0]}" if custom_id else "component"


def begin(interaction: discord.Interaction) -> None:
    """Called first in the task that handles the interaction."""
    interaction.extras.setdefault(STARTED, time.perf_counter())
    shard_id = interaction.guild.shard_id if interaction.guild is not None else None
    bind_context(
        guild_id=interaction.guild_id,
        shard_id=shard_id,
        interaction_id=interaction.id,
        command=command_name(interaction),
    )


def finish(interaction: discord.Interaction, outcome: str) -> None:
    client = interaction.client
    if not isinstance(client, StudyBot):
        return
    name = command_name(interaction)
    client.metrics.commands.labels(name, outcome).inc()
    started = interaction.extras.get(STARTED)
    if isinstance(started, float):
        seconds = time.perf_counter() - started
        client.metrics.command_seconds.labels(name).observe(seconds)
        log.debug("%s finished (%s) in %.1f ms", name, outcome, seconds * 1000)
