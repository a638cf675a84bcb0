"""A persistent (dynamic) item's errors reach the central handler, like a command's."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.errors import UserError
from bot.ui.views import StudyItem
from tests.ui.test_errors import fake_interaction


class Probe(StudyItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"probe:(?P<n>\d)"):
    def __init__(self, n: int) -> None:
        self.n = n
        self.acted = 0
        super().__init__(discord.ui.Button(label="Probe", custom_id=f"probe:{n}"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> Probe:
        return cls(int(match["n"]))

    async def act(self, interaction: discord.Interaction) -> None:
        self.acted += 1
        if self.n == 0:
            raise UserError("Probe 0 refuses.")


async def test_act_runs_on_click() -> None:
    interaction = fake_interaction()
    probe = Probe(1)
    await probe.callback(interaction)
    assert probe.acted == 1
    interaction.response.send_message.assert_not_awaited()


async def test_errors_in_act_are_answered_ephemerally() -> None:
    interaction = fake_interaction()
    await Probe(0).callback(interaction)
    args, kwargs = interaction.response.send_message.call_args
    assert args[0] == "Probe 0 refuses."
    assert kwargs["ephemeral"] is True
