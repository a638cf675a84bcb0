"""Paged replies whose buttons keep working after a restart.

A page source renders page N of something (the resolution, a search, the syllabus) from a
short argument. The buttons carry ``source key, page, owner, argument`` in their custom id, so
no view state lives in memory: after a redeploy a click still renders the right page. When the
owner clicks, the message turns the page; anyone else gets their own private copy, so one
member's paging never jumps a shared message away from the others.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.errors import UserError
from bot.types import Page, PageSource, study_bot
from bot.ui.views import StudyItem

__all__ = ["Page", "PageButton", "PageSource", "clamp", "pager_view", "send_paged"]

CUSTOM_ID_LIMIT = 100
ARG_PATTERN = r"[^\n]*"


def _custom_id(key: str, number: int, owner: int, arg: str) -> str:
    return f"pg:{key}:{number}:{owner}:{arg}"


def fits_custom_id(key: str, arg: str, owner: int) -> bool:
    return len(_custom_id(key, 9999, owner, arg)) <= CUSTOM_ID_LIMIT


class PageButton(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"pg:(?P<key>[a-z_]+):(?P<number>\d+):(?P<owner>\d+):(?P<arg>" + ARG_PATTERN + ")",
):
    def __init__(
        self, key: str, number: int, owner: int, arg: str, *, label: str, disabled: bool
    ) -> None:
        self.key, self.number, self.owner, self.arg = key, number, owner, arg
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=_custom_id(key, number, owner, arg),
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PageButton:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(
            match["key"],
            int(match["number"]),
            int(match["owner"]),
            match["arg"],
            label=label or "",
            disabled=False,
        )

    async def act(self, interaction: discord.Interaction) -> None:
        source = study_bot(interaction).page_sources.get(self.key)
        if source is None:
            raise UserError("These pages are no longer available; run the command again.")
        page = await source.render(interaction, self.arg, self.number)
        if interaction.user.id == self.owner:
            view = pager_view(self.key, page, self.owner, self.arg)
            await interaction.response.edit_message(embed=page.embed, view=view)
        else:
            view = pager_view(self.key, page, interaction.user.id, self.arg)
            await interaction.response.send_message(embed=page.embed, view=view, ephemeral=True)


def pager_view(
    key: str, page: Page, owner: int, arg: str
) -> discord.ui.View | discord.utils.MISSING:
    """Previous / position / next buttons, or no view for a single page."""
    if page.total <= 1:
        return discord.utils.MISSING
    view = discord.ui.View(timeout=None)
    previous = max(page.number - 1, 0)
    following = min(page.number + 1, page.total - 1)
    view.add_item(
        PageButton(key, previous, owner, arg, label="◀ Previous", disabled=page.number == 0)
    )
    view.add_item(
        discord.ui.Button(
            label=f"{page.number + 1} / {page.total}",
            disabled=True,
            custom_id=f"pgpos:{page.number}",
        )
    )
    view.add_item(
        PageButton(
            key, following, owner, arg, label="Next ▶", disabled=page.number >= page.total - 1
        )
    )
    return view


async def send_paged(
    interaction: discord.Interaction,
    key: str,
    arg: str = "",
    *,
    number: int = 0,
    ephemeral: bool = False,
) -> None:
    """Answer the interaction with page ``number`` of the source registered under ``key``."""
    bot = study_bot(interaction)
    if not fits_custom_id(key, arg, interaction.user.id):
        raise UserError("That is too long to page through; please shorten it.")
    page = await bot.page_sources[key].render(interaction, arg, number)
    view = pager_view(key, page, interaction.user.id, arg)
    if interaction.response.is_done():
        await interaction.followup.send(embed=page.embed, view=view, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(embed=page.embed, view=view, ephemeral=ephemeral)


def clamp(number: int, total: int) -> int:
    return max(0, min(number, total - 1)) if total else 0
