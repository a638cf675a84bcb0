"""Taking attendance: a button in each session thread and ``/session attendance`` open a member
picker, filled with those marked present (at the start: those who answered Going).

Both components are persistent (:class:`discord.ui.DynamicItem`): their custom ids carry the
session's token, so they work after a restart; the server always comes from the click.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import discord

from bot.errors import UserError
from bot.scheduling.recurrence import occurrence_on, regular_dates
from bot.scheduling.sessions import ScheduleInfo, SessionOccurrence, parse_token
from bot.scheduling.sessions.attendance import MAX_PRESENT
from bot.types import StudyBot, guild_id_of, study_bot
from bot.ui import limits
from bot.ui.checks import require_organiser
from bot.ui.sessions import long_date
from bot.ui.views import StudyItem

TOKEN = r"(?P<token>\d{1,19}:\d{1,12})"
LOOK_BACK = timedelta(weeks=8)


def attendance_text(occ: SessionOccurrence, present: list[int], *, saved: bool) -> str:
    who = ", ".join(f"<@{user_id}>" for user_id in present) or "nobody yet"
    head = "Saved. " if saved else ""
    return limits.truncate(
        f"{head}Attendance for the session of **{long_date(occ.local_start)}**: "
        f"{len(present)} present — {who}.\nPick everyone who came (up to {MAX_PRESENT}); "
        "each change is saved at once.",
        limits.CONTENT,
    )


class AttendanceSelect(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.UserSelect[Any]],
    template=rf"attend:pick:{TOKEN}",
):
    """Who came to one session (organisers only)."""

    def __init__(self, token: str, present: list[int] | None = None) -> None:
        self.token = token
        super().__init__(
            discord.ui.UserSelect(
                custom_id=f"attend:pick:{token}",
                placeholder="Who came?",
                min_values=0,
                max_values=MAX_PRESENT,
                default_values=[discord.Object(id=u) for u in (present or [])[:MAX_PRESENT]],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AttendanceSelect:
        return cls(match["token"])

    async def act(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        bot, guild_id = study_bot(interaction), guild_id_of(interaction)
        schedule_id, key = parse_token(self.token)
        data: Any = interaction.data or {}
        chosen = [int(value) for value in data.get("values", [])]
        present = await bot.services.sessions.set_present(guild_id, schedule_id, key, chosen)
        occ = await bot.services.sessions.find(guild_id, schedule_id, key)
        await interaction.response.edit_message(
            content=attendance_text(occ, present, saved=True),
            view=picker_view(occ.token, present),
            allowed_mentions=discord.AllowedMentions.none(),
        )


class AttendanceButton(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"attend:open:{TOKEN}",
):
    """In the session thread: opens the picker for organisers."""

    def __init__(self, token: str) -> None:
        self.token = token
        super().__init__(
            discord.ui.Button(
                label="Take attendance",
                emoji="📋",
                style=discord.ButtonStyle.secondary,
                custom_id=f"attend:open:{token}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AttendanceButton:
        return cls(match["token"])

    async def act(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        schedule_id, key = parse_token(self.token)
        await send_picker(interaction, schedule_id, key)


def picker_view(token: str, present: list[int]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AttendanceSelect(token, present))
    return view


def thread_view(occ: SessionOccurrence) -> discord.ui.View:
    """The button under a session thread's opening post."""
    view = discord.ui.View(timeout=None)
    view.add_item(AttendanceButton(occ.token))
    return view


async def send_picker(interaction: discord.Interaction, schedule_id: int, key: datetime) -> None:
    """The private picker for one session that has started."""
    bot, guild_id = study_bot(interaction), guild_id_of(interaction)
    sessions = bot.services.sessions
    occ = await sessions.started(guild_id, schedule_id, key)
    present = await sessions.default_present(guild_id, schedule_id, key)
    await interaction.response.send_message(
        attendance_text(occ, present, saved=False),
        view=picker_view(occ.token, present),
        ephemeral=True,
    )


def latest_started(info: ScheduleInfo, now: datetime, on: date | None = None) -> datetime:
    """The key of the session on ``on`` (its usual date), else of the latest one started."""
    recurrence = info.recurrence()
    made = info.created_at  # sessions "before" the schedule existed never happened

    def real(start: datetime) -> bool:
        return made is None or start > made

    if on is not None:
        occurrence = occurrence_on(recurrence, on)
        if occurrence is None or not real(occurrence.start):
            raise UserError(f"There was no session on {on}: sessions are on {info.weekday_name}s.")
        return occurrence.key
    today = now.astimezone(recurrence.tz).date()
    started = None
    for day in regular_dates(recurrence, today - LOOK_BACK):
        occurrence = occurrence_on(recurrence, day)
        if occurrence is None or not real(occurrence.start):
            continue
        if occurrence.start > now:
            break
        started = occurrence.key
    if started is None:
        raise UserError("No session has started yet: take attendance once one has.")
    return started


async def open_attendance(interaction: discord.Interaction, bot: StudyBot, on: date | None) -> None:
    """``/session attendance``: the picker for a session (default: the latest one)."""
    guild_id = guild_id_of(interaction)
    info = await bot.services.sessions.current(guild_id)
    if info is None:
        raise UserError("No weekly session is scheduled, so there is no attendance to take.")
    await send_picker(interaction, info.id, latest_started(info, bot.clock(), on))
