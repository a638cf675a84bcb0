"""Base classes for views, modals and persistent items that route their errors to the central
handler."""

from __future__ import annotations

from typing import Any

import discord

from bot.ui import observe
from bot.ui.errors import report_error


class StudyView(discord.ui.View):
    """A view whose callback errors are reported like command errors."""

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        await report_error(interaction, error)


class StudyModal(discord.ui.Modal):
    # discord.py's own Modal.on_error drops BaseView's ``item`` argument; mypy blames us for it.
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await report_error(interaction, error)


class StudyItem:
    """Mix into a ``discord.ui.DynamicItem`` and write :meth:`act` instead of ``callback``: its
    errors are reported like command errors (a dynamic item has no view of its own to catch them).
    """

    async def callback(self, interaction: discord.Interaction) -> None:
        observe.begin(interaction)
        try:
            await self.act(interaction)
        except Exception as error:
            await report_error(interaction, error)
        else:
            observe.finish(interaction, observe.OK)

    async def act(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError
