"""Changing the weekly schedule and bringing Discord in step with it.

``/session schedule``, ``skip``, ``move``, ``cancel`` and the time poll's "Make this the weekly
session" button all go through here, so every path withdraws the announcements of sessions
that no longer happen and re-syncs the Discord events the same way. A replacement that would
drop members' answers, skips or moves, and every cancellation, is confirmed first.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.scheduling.parsing import format_duration
from bot.scheduling.sessions import ScheduleInfo, SessionOccurrence
from bot.types import StudyBot, guild_id_of, study_bot
from bot.ui.confirm import ask
from bot.ui.faults import fault_notes
from bot.ui.session_events import EVENT_HORIZON, EVENT_PERMISSION_NOTE
from bot.ui.sessions import (
    edit_announcement,
    long_date,
    render_session,
    sessions_channel_id,
    when_text,
    withdrawn_embed,
)

log = logging.getLogger(__name__)


async def apply_schedule(
    interaction: discord.Interaction,
    acknowledge: Callable[[], Awaitable[Any]],
    **schedule: Any,
) -> None:
    """Replace the weekly schedule and bring Discord in step: announcements of sessions
    that no longer happen are withdrawn, the events re-synced, the change confirmed.

    ``acknowledge`` answers the interaction once the input is known to be valid (bad input
    raises before it, so the member gets a private error).
    """
    bot = study_bot(interaction)
    guild_id = guild_id_of(interaction)
    sessions = bot.services.sessions
    before = await upcoming_sessions(bot, guild_id)
    if schedule.get("channel_id") is None and await _needs_default_channel(bot, guild_id):
        schedule["channel_id"] = interaction.channel_id  # nowhere configured: post here
    info = await sessions.schedule(guild_id, created_by=interaction.user.id, **schedule)
    await acknowledge()
    await withdraw_upcoming(bot, before, "The schedule changed: see `/session list`.")
    upcoming = await sessions.next(guild_id)
    await confirm(interaction, await schedule_text(bot, info, upcoming))


async def schedule_or_ask(
    interaction: discord.Interaction,
    acknowledge: Callable[[], Awaitable[Any]],
    **schedule: Any,
) -> None:
    """Replace the schedule at once when nothing would be lost; otherwise say what would be
    lost and replace it only if the organiser confirms."""
    bot = study_bot(interaction)
    losses = await bot.services.sessions.replacement_losses(
        guild_id_of(interaction),
        schedule["weekday"],
        schedule["at"],
        schedule.get("zone"),
        schedule.get("starts"),
        schedule.get("ends"),
    )
    if losses.nothing:
        await apply_schedule(interaction, acknowledge, **schedule)
        return

    async def replace(click: discord.Interaction) -> None:
        await apply_schedule(
            click,
            lambda: click.response.edit_message(content="Replacing the schedule…", view=None),
            **schedule,
        )

    question = "\n".join(
        [
            "Replace the weekly schedule? These would be lost:",
            *losses.lines(),
            "Sessions on the same day at the same time keep their answers.",
        ]
    )
    await ask(interaction, question, replace, confirm_label="Replace it")


async def cancel_or_keep(interaction: discord.Interaction) -> None:
    """``/session cancel``: say what stops and what is lost; cancel only on confirmation."""
    bot = study_bot(interaction)
    guild_id = guild_id_of(interaction)
    sessions = bot.services.sessions
    info, losses = await sessions.cancel_losses(guild_id)

    async def cancel(click: discord.Interaction) -> None:
        before = await upcoming_sessions(bot, guild_id)
        cancelled = await sessions.cancel(guild_id)
        await click.response.edit_message(content="Cancelling the weekly sessions…", view=None)
        await withdraw_upcoming(bot, before, "The weekly sessions were cancelled.")
        await click.followup.send(
            f"🛑 The weekly sessions ({cancelled.describe()}) are cancelled. "
            "Start again any time with `/session schedule`."
        )

    lines = [
        f"Stop the weekly sessions ({info.describe()})? Their reminders, Discord events and "
        "announcements are withdrawn.",
        *(["These would be lost too:", *losses.lines()] if not losses.nothing else []),
    ]
    await ask(interaction, "\n".join(lines), cancel, confirm_label="Cancel the sessions")


async def confirm(interaction: discord.Interaction, text: str) -> None:
    """After a deferral: bring the Discord events in step, then answer (and warn privately
    if Discord refused the events)."""
    bot = study_bot(interaction)
    permitted = await bot.session_events.sync(guild_id_of(interaction))
    await interaction.followup.send(text)
    if not permitted:
        await interaction.followup.send(EVENT_PERMISSION_NOTE, ephemeral=True)


async def upcoming_sessions(bot: StudyBot, guild_id: int) -> list[SessionOccurrence]:
    """The sessions that have Discord events and announcements to tidy after a change."""
    return await bot.services.sessions.list(guild_id, EVENT_HORIZON + 1)


async def withdraw_upcoming(
    bot: StudyBot, occurrences: list[SessionOccurrence], reason: str
) -> None:
    """Withdraw those of ``occurrences`` that have not started yet."""
    now = bot.clock()
    for occ in occurrences:
        if occ.start > now:
            await withdraw(bot, occ, reason)


async def withdraw(bot: StudyBot, occ: SessionOccurrence, reason: str) -> None:
    """A session will not happen: delete its event and strike out its announcement."""
    await bot.session_events.withdraw(occ)
    guild_id = occ.schedule.guild_id
    links = await bot.services.sessions.links(guild_id, occ.schedule.id, occ.key)
    error = await edit_announcement(
        bot,
        guild_id,
        occ.schedule.id,
        occ.key,
        links,
        embed=withdrawn_embed(occ, reason),
        view=None,
    )
    if error is not None and links.announcement_channel_id is not None:
        # Members would still see live RSVP buttons for a session that is not happening.
        await fault_notes(bot).report(
            guild_id,
            links.announcement_channel_id,
            error,
            f"I could not mark the announcement of the session on "
            f"{long_date(occ.local_start)} in <#{links.announcement_channel_id}> as "
            "withdrawn; please delete it",
        )


async def refresh_announcement(bot: StudyBot, occ: SessionOccurrence) -> None:
    """Show a session's changes (a move, its new thread) on its announcement, if it has one."""
    guild_id = occ.schedule.guild_id
    links = await bot.services.sessions.links(guild_id, occ.schedule.id, occ.key)
    if links.announcement_message_id is None:
        return
    embed, view = await render_session(bot, occ)
    error = await edit_announcement(
        bot, guild_id, occ.schedule.id, occ.key, links, embed=embed, view=view
    )
    if error is not None:  # cosmetic: /session next and the list show the same
        log.info("could not update the announcement %s: %s", links.announcement_message_id, error)


async def _needs_default_channel(bot: StudyBot, guild_id: int) -> bool:
    if (await bot.guild_config.get(guild_id)).channels.get("sessions") is not None:
        return False
    previous = await bot.services.sessions.current(guild_id)
    return previous is None or previous.channel_id is None


async def schedule_text(
    bot: StudyBot, info: ScheduleInfo, upcoming: SessionOccurrence | None
) -> str:
    """The confirmation of a new schedule: when, where, and what goes out before each."""
    channel_id = await sessions_channel_id(bot, info)
    lines = [
        f"📅 **Weekly sessions**: {info.describe()}, {format_duration(info.duration)} each"
        + (f", in <#{channel_id}>." if channel_id else ".")
    ]
    if info.starts or info.ends:
        lines.append(
            "Dates: "
            + (f"from {info.starts} " if info.starts else "")
            + (f"until {info.ends}" if info.ends else "with no end")
        )
    if upcoming is not None:
        lines.append(f"Next session: {when_text(upcoming.start)}.")
    config = await bot.services.sessions.reminder_settings(info.guild_id)
    offsets = ", ".join(format_duration(o) for o in config.offsets) or "none"
    lines.append(
        f"Announcements go out {format_duration(info.announce_before)} before each session "
        f"with RSVP buttons; reminders {offsets} before (`/remind settings`)."
    )
    return "\n".join(lines)
