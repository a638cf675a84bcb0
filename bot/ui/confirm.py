"""Ask before destroying data: a private yes/no that only the member who asked can answer.

The question says what will be lost. Nothing happens unless the confirm button is pressed
within :data:`TIMEOUT` seconds; a timeout, the other button or a restart (the view lives in
memory only) all leave everything as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.errors import UserError
from bot.ui import limits
from bot.ui.checks import require_organiser
from bot.ui.views import StudyView

log = logging.getLogger(__name__)

TIMEOUT = 120.0
NOTHING_CHANGED = "Nothing was changed."
Action = Callable[[discord.Interaction], Awaitable[None]]


class Confirmation(StudyView):
    """Two buttons under a question; ``action`` gets the confirming click to answer."""

    def __init__(
        self,
        owner_id: int,
        action: Action,
        *,
        confirm_label: str,
        organiser: bool = True,
        timeout: float = TIMEOUT,
    ) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.action = action
        self.organiser = organiser
        self.origin: discord.Interaction | None = None
        self.done = False
        self.confirm.label = confirm_label

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.user.id != self.owner_id:
            raise UserError("This question was for the member who asked; run the command yourself.")
        return True

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, _button: discord.ui.Button[Any]
    ) -> None:
        if self.done:
            raise UserError("This was already answered.")
        if self.organiser:
            await require_organiser(interaction)  # the role may have gone since the question
        self.done = True
        self.stop()
        await self.action(interaction)

    @discord.ui.button(label="Keep everything", style=discord.ButtonStyle.secondary)
    async def keep(self, interaction: discord.Interaction, _button: discord.ui.Button[Any]) -> None:
        self.done = True
        self.stop()
        await interaction.response.edit_message(content=NOTHING_CHANGED, view=None)

    async def on_timeout(self) -> None:
        if self.done or self.origin is None:
            return
        try:
            await self.origin.edit_original_response(
                content=f"{NOTHING_CHANGED} (No answer within {TIMEOUT / 60:.0f} minutes.)",
                view=None,
            )
        except discord.HTTPException:
            log.info("could not mark an unanswered confirmation as expired")


async def ask(
    interaction: discord.Interaction,
    question: str,
    action: Action,
    *,
    confirm_label: str,
    organiser: bool = True,
) -> Confirmation:
    """Ask privately; ``action`` runs only on the confirming click (and must answer it)."""
    view = Confirmation(
        interaction.user.id, action, confirm_label=confirm_label, organiser=organiser
    )
    view.origin = interaction
    text = limits.truncate(question, limits.CONTENT)
    if interaction.response.is_done():
        await interaction.followup.send(text, view=view, ephemeral=True)
    else:
        await interaction.response.send_message(text, view=view, ephemeral=True)
    return view
