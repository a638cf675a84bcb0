"""Buttons on reminders: Snooze (10 minutes, 1 hour, tomorrow), Done and Me too.

They are :class:`discord.ui.DynamicItem` s whose custom id carries the reminder's timer id
(``remind:snooze:<timer>:<10m|1h|tmrw>``, ``remind:done:<timer>``, ``remind:metoo:<timer>``),
so a click after a restart is parsed from the id alone. Personal reminders are delivered by DM,
where an interaction has no server: the server is then the timer row's, and only the member
the reminder belongs to may snooze or close it. A session reminder may be snoozed by anyone it
reached; the snooze is their own copy.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.errors import NotFound, UserError
from bot.scheduling.copies import SNOOZES, snooze_until
from bot.scheduling.recurring import RECURRING_REMINDER
from bot.scheduling.reminders import PERSONAL_REMINDER
from bot.scheduling.sessions import SESSION_REMINDER
from bot.scheduling.timers import TimerRecord
from bot.text import neutralise_mentions
from bot.types import study_bot
from bot.ui.limits import CONTENT, truncate
from bot.ui.sessions import when_text
from bot.ui.views import StudyItem
from bot.ui.zones import zone_note, zone_of

NO_PINGS = discord.AllowedMentions.none()
_LEADING_PINGS = re.compile(r"^(?:<@!?\d+>\s*)+")
OWN_KINDS = (PERSONAL_REMINDER, RECURRING_REMINDER)


async def _reminder(interaction: discord.Interaction, timer_id: int) -> TimerRecord:
    """The clicked reminder's timer, checked against the server the click came from."""
    timer = await study_bot(interaction).timers.get(timer_id)
    kinds = (*OWN_KINDS, SESSION_REMINDER)
    if timer is None or timer.kind not in kinds:
        raise NotFound("That reminder no longer exists.")
    if interaction.guild_id is not None and interaction.guild_id != timer.guild_id:
        raise NotFound("That reminder belongs to another server.")
    if timer.kind in OWN_KINDS:
        owner = int(timer.payload.get("user_id", timer.owner_id or 0))
        if owner != interaction.user.id:
            raise UserError("That reminder is someone else's: only they can snooze or close it.")
    return timer


async def _text_of(interaction: discord.Interaction, timer: TimerRecord) -> str:
    """What the snoozed copy should say: the reminder's own text where it is kept."""
    bot = study_bot(interaction)
    if timer.kind == PERSONAL_REMINDER and timer.payload.get("text"):
        return str(timer.payload["text"])
    if timer.kind == RECURRING_REMINDER:
        series = await bot.services.recurring.get(int(timer.payload.get("series_id", 0)))
        if series is not None:
            return series.text
    content = interaction.message.content if interaction.message else ""
    return _LEADING_PINGS.sub("", content).strip() or "Your snoozed reminder"


class SnoozeButton(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"remind:snooze:(?P<timer>\d{1,19}):(?P<choice>10m|1h|tmrw)",
):
    """Remind me of this again later, as my own reminder."""

    def __init__(self, timer_id: int, choice: str) -> None:
        self.timer_id, self.choice = timer_id, choice
        super().__init__(
            discord.ui.Button(
                label=f"Snooze: {SNOOZES[choice]}" if choice != "tmrw" else "Snooze: tomorrow",
                emoji="💤",
                style=discord.ButtonStyle.secondary,
                custom_id=f"remind:snooze:{timer_id}:{choice}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SnoozeButton:
        return cls(int(match["timer"]), match["choice"])

    async def act(self, interaction: discord.Interaction) -> None:
        bot = study_bot(interaction)
        timer = await _reminder(interaction, self.timer_id)
        zone = await zone_of(bot, timer.guild_id, interaction.user.id)
        due = snooze_until(self.choice, bot.clock(), zone.zone)
        channel = timer.payload.get("channel_id") if timer.kind in OWN_KINDS else None
        copy, made = await bot.services.copies.snooze(
            timer.guild_id,
            interaction.user.id,
            timer.id,
            await _text_of(interaction, timer),
            due,
            int(channel) if channel else None,
        )
        verb = "Snoozed" if made else "Already snoozed"
        text = (
            f"💤 {verb}: reminder `#{copy.number}` comes again {when_text(copy.due_at)}, "
            f"{zone_note(copy.due_at, zone)}."
        )
        if timer.kind in OWN_KINDS:  # the member's own message: its buttons have done their job
            await interaction.response.edit_message(view=None, allowed_mentions=NO_PINGS)
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
        else:  # a session reminder others may share: leave it as it is
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)


class DoneButton(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"remind:done:(?P<timer>\d{1,19})",
):
    """Close a delivered reminder: its buttons go, and it says it was done."""

    def __init__(self, timer_id: int) -> None:
        self.timer_id = timer_id
        super().__init__(
            discord.ui.Button(
                label="Done",
                emoji="✅",
                style=discord.ButtonStyle.success,
                custom_id=f"remind:done:{timer_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DoneButton:
        return cls(int(match["timer"]))

    async def act(self, interaction: discord.Interaction) -> None:
        await _reminder(interaction, self.timer_id)
        content = interaction.message.content if interaction.message else ""
        await interaction.response.edit_message(
            content=truncate(f"{neutralise_mentions(content)}\n✅ Done.", CONTENT),
            view=None,
            allowed_mentions=NO_PINGS,
        )


class MeTooButton(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"remind:metoo:(?P<timer>\d{1,19})",
):
    """Give the clicking member their own copy of a reminder shared in a channel."""

    def __init__(self, timer_id: int) -> None:
        self.timer_id = timer_id
        super().__init__(
            discord.ui.Button(
                label="Me too",
                emoji="🙋",
                style=discord.ButtonStyle.primary,
                custom_id=f"remind:metoo:{timer_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MeTooButton:
        return cls(int(match["timer"]))

    async def act(self, interaction: discord.Interaction) -> None:
        bot = study_bot(interaction)
        if interaction.guild_id is None:
            raise UserError("Me too only works on reminders shared in a server.")
        copy, made = await bot.services.copies.me_too(
            interaction.guild_id, interaction.user.id, self.timer_id, interaction.channel_id
        )
        zone = await zone_of(bot, interaction.guild_id, interaction.user.id)
        head = "⏰ You will be reminded too" if made else "You already have your own copy"
        await interaction.response.send_message(
            f"{head}: reminder `#{copy.number}`, {when_text(copy.due_at)}, "
            f"{zone_note(copy.due_at, zone)}.",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )


ITEMS = (SnoozeButton, DoneButton, MeTooButton)


def delivered_view(timer_id: int, *, done: bool = True) -> discord.ui.View:
    """Snooze 10 minutes / 1 hour / tomorrow, and Done (not on session reminders)."""
    view = discord.ui.View(timeout=None)
    for choice in SNOOZES:
        view.add_item(SnoozeButton(timer_id, choice))
    if done:
        view.add_item(DoneButton(timer_id))
    return view


def shared_view(timer_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(MeTooButton(timer_id))
    return view
