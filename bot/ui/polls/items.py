"""The base of every poll button and select: all its state is in its custom id.

A poll component's custom id is ``poll:<tag>:<poll id>``, or ``poll:<tag>:<poll id>:<arg>`` when
it carries one more field (an option, a week, the ranking so far). Nothing is kept in memory, so
open polls keep working after a restart. The guild always comes from the interaction, never from
the custom id: a custom id copied into another server finds nothing there.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Self, TypeVar

import discord

from bot.ui.views import StudyItem

ItemT = TypeVar("ItemT", bound=discord.ui.Item[Any])


class PollItem(
    StudyItem,
    discord.ui.DynamicItem[ItemT],
    # Only for this abstract base (never registered); each subclass gets its own template.
    template=r"poll:[a-z]+:\d{1,19}(?::[0-9a-z]*)?",
):
    """A persistent poll component. Subclasses name their tag, and the pattern of their extra
    field if they have one, in the class statement, and read that field in :meth:`read_arg`::

        class VoteButton(PollButton, tag="v", arg=r"\\d{1,19}"):
            def read_arg(self, arg: str) -> None:
                self.option_id = int(arg)

    The custom id is parsed here, once, whether the item was just built or restored from a click.
    """

    wraps: type[ItemT]  # the discord.py component class a click must restore
    tag: ClassVar[str]
    has_arg: ClassVar[bool]
    poll_id: int

    def __init_subclass__(cls, *, tag: str | None = None, arg: str | None = None) -> None:
        if tag is None:  # another abstract base (PollButton, PollSelect) keeps this template
            super().__init_subclass__(template=cls.__discord_ui_compiled_template__)
            return
        cls.tag, cls.has_arg = tag, arg is not None
        extra = "" if arg is None else f":(?P<arg>{arg})"
        super().__init_subclass__(template=rf"poll:{tag}:(?P<poll>\d{{1,19}}){extra}")

    def __init__(self, item: ItemT) -> None:
        super().__init__(item)
        match = self.template.fullmatch(self.custom_id)
        if match is None:
            raise ValueError(f"{self.custom_id!r} is not a {type(self).__name__} custom id")
        self.poll_id = int(match["poll"])
        if self.has_arg:
            self.read_arg(match["arg"])

    def read_arg(self, arg: str) -> None:
        """Read the field after the poll id into a typed attribute (if the item has one)."""

    @classmethod
    def custom_id_for(cls, poll_id: int, arg: object = None) -> str:
        custom_id = f"poll:{cls.tag}:{poll_id}"
        return custom_id if arg is None else f"{custom_id}:{arg}"

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        """Restore the clicked component: it is the item itself, its custom id the state."""
        if not isinstance(item, cls.wraps):
            raise TypeError(f"{cls.__name__} needs a {cls.wraps.__name__}, not {item!r}")
        return cls(item)


class PollButton(PollItem[discord.ui.Button[Any]]):
    wraps = discord.ui.Button


class PollSelect(PollItem[discord.ui.Select[Any]]):
    wraps = discord.ui.Select
