"""Embeds, RSVP buttons and channel helpers shared by the sessions and reminders cogs.

The RSVP buttons are :class:`discord.ui.DynamicItem` s whose custom id carries the status and
the occurrence token (``rsvp:<status>:<schedule id>:<key epoch>``), so a click after a restart
is parsed from the id alone and still lands on the right session.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from typing import Any

import discord
from discord.utils import format_dt

from bot.durations import format_duration
from bot.errors import UserError
from bot.library.records import ReadingCard, SyllabusWeek
from bot.scheduling.sessions import (
    OccurrenceLinks,
    RsvpCounts,
    ScheduleInfo,
    SessionOccurrence,
    parse_token,
)
from bot.types import StudyBot, study_bot
from bot.ui.limits import EMBED_DESCRIPTION, EMBED_FIELD_NAME, EMBED_FIELD_VALUE, truncate
from bot.ui.views import StudyItem

log = logging.getLogger(__name__)

RSVP_LABELS = {"going": "Going", "maybe": "Maybe", "cant": "Can't"}
RSVP_STYLES = {
    "going": discord.ButtonStyle.success,
    "maybe": discord.ButtonStyle.primary,
    "cant": discord.ButtonStyle.danger,
}
RSVP_EMOJI = {"going": "✅", "maybe": "🤔", "cant": "❌"}
SESSION_COLOUR = discord.Colour.dark_red()
NO_READING = "No reading is assigned for this week yet (organisers: `/reading assign`)."


# -- text pieces -----------------------------------------------------------------------------


def long_date(day: date | datetime) -> str:
    """``Thursday 5 March 2026`` (no platform-specific strftime flags)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def when_text(moment: datetime) -> str:
    """``<t:…:F> (<t:…:R>)``: shown in each reader's own time zone and language."""
    return f"{format_dt(moment, 'F')} ({format_dt(moment, 'R')})"


def counts_text(counts: RsvpCounts) -> str:
    return " · ".join(
        f"{RSVP_EMOJI[status]} {RSVP_LABELS[status]}: {getattr(counts, status)}"
        for status in RSVP_LABELS
    )


def local_time_text(occ: SessionOccurrence) -> str:
    """``19:00 Europe/London``: the wall-clock time where the group meets."""
    return f"{occ.local_start:%H:%M} {occ.schedule.zone}"


def occurrence_line(occ: SessionOccurrence, now: datetime) -> str:
    """One line of ``/session list``."""
    line = f"**{occ.local_start:%a} {occ.local_start.day} {occ.local_start:%b}** · {when_text(occ.start)}"
    notes = []
    if occ.occurrence.moved:
        usual = occ.key.astimezone(occ.local_start.tzinfo)
        same_day = usual.date() == occ.local_start.date()
        notes.append(
            f"moved from {usual:%H:%M}"
            if same_day
            else f"moved from {usual:%a} {usual.day} {usual:%b}"
        )
    if occ.start <= now < occ.end:
        notes.append("in progress")
    if notes:
        line += f" ({', '.join(notes)})"
    counts = occ.counts
    return (
        line + f"\n  {local_time_text(occ)} · ✅ {counts.going} 🤔 {counts.maybe} ❌ {counts.cant}"
    )


def reading_card_text(card: ReadingCard) -> str:
    line = f"**{card.title}** — {card.authors}" + (f" ({card.year})" if card.year else "")
    if card.where:
        line += f"\n{card.where}"
    if card.url:
        line += f"\n<{card.url}>"
    return line


def week_heading(week: SyllabusWeek) -> str:
    return truncate(
        f"Week {week.number}" + (f": {week.label}" if week.label else ""), EMBED_FIELD_NAME
    )


def week_text(week: SyllabusWeek, limit: int = EMBED_FIELD_VALUE) -> str:
    if not week.readings:
        return NO_READING
    return truncate("\n\n".join(reading_card_text(card) for card in week.readings), limit)


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


# -- looking things up -----------------------------------------------------------------------


async def week_for(bot: StudyBot, occ: SessionOccurrence) -> SyllabusWeek:
    """The syllabus week a session belongs to (week N starts on the date of session N)."""
    return await bot.services.library.current(occ.schedule.guild_id, occ.occurrence.local_date)


async def sessions_channel_id(bot: StudyBot, info: ScheduleInfo) -> int | None:
    """The schedule's own channel, else the server's configured sessions channel."""
    if info.channel_id is not None:
        return info.channel_id
    return (await bot.guild_config.get(info.guild_id)).channels.get("sessions")


async def tell_organisers(bot: StudyBot, guild_id: int, text: str) -> bool:
    """Post a note in the server's log channel; False when there is none or it failed."""
    channel_id = (await bot.guild_config.get(guild_id)).channels.get("log")
    if channel_id is None:
        log.warning("guild %s (no log channel): %s", guild_id, text)
        return False
    try:
        await bot.get_partial_messageable(channel_id, guild_id=guild_id).send(text)
    except discord.HTTPException:
        log.warning("could not post in the log channel of guild %s: %s", guild_id, text)
        return False
    return True


async def edit_announcement(
    bot: StudyBot,
    guild_id: int,
    schedule_id: int,
    key: datetime,
    links: OccurrenceLinks,
    **fields: Any,
) -> discord.HTTPException | None:
    """Edit an occurrence's announcement (if it has one); the refusal, if Discord refused.

    A 404 means the message or its channel was deleted: the link is forgotten, so later edits
    skip it and reminders stop linking to it, and ``None`` is returned. It is not re-posted:
    whoever deleted it meant it, and ``/session next`` shows the same card and buttons.
    """
    if links.announcement_message_id is None or links.announcement_channel_id is None:
        return None
    message = bot.get_partial_messageable(
        links.announcement_channel_id, guild_id=guild_id
    ).get_partial_message(links.announcement_message_id)
    try:
        await message.edit(**fields)
    except discord.NotFound:
        log.info("announcement %s was deleted; forgetting it", links.announcement_message_id)
        await bot.services.sessions.link(
            guild_id, schedule_id, key, announcement_channel_id=None, announcement_message_id=None
        )
    except discord.HTTPException as error:
        return error
    return None


# -- the session card --------------------------------------------------------------------------


def session_embed(
    occ: SessionOccurrence,
    week: SyllabusWeek | None,
    links: OccurrenceLinks | None = None,
    *,
    title: str = "Reading group session",
) -> discord.Embed:
    """The card used by announcements, ``/session next`` and RSVP updates."""
    lines = [
        when_text(occ.start),
        f"{local_time_text(occ)} · {format_duration(occ.schedule.duration)}",
    ]
    if occ.occurrence.moved:
        lines.append(f"Moved from its usual time ({format_dt(occ.key, 'F')}).")
    embed = discord.Embed(
        title=truncate(f"{title}: {long_date(occ.local_start)}", 256),
        description=truncate("\n".join(lines), EMBED_DESCRIPTION),
        colour=SESSION_COLOUR,
    )
    if week is not None:
        embed.add_field(name=week_heading(week), value=week_text(week), inline=False)
    embed.add_field(name="RSVPs", value=counts_text(occ.counts), inline=False)
    if links is not None and links.thread_id is not None:
        embed.add_field(name="Discussion", value=f"<#{links.thread_id}>", inline=False)
    embed.set_footer(text="Answer with the buttons below; you can change your answer any time.")
    return embed


def withdrawn_embed(occ: SessionOccurrence, reason: str) -> discord.Embed:
    """What an announcement turns into when its session is skipped or cancelled."""
    return discord.Embed(
        title=truncate(f"No session on {long_date(occ.local_start)}", 256),
        description=truncate(f"~~{format_dt(occ.start, 'F')}~~\n{reason}", EMBED_DESCRIPTION),
        colour=discord.Colour.dark_grey(),
    )


async def render_session(
    bot: StudyBot, occ: SessionOccurrence
) -> tuple[discord.Embed, discord.ui.View]:
    week = await week_for(bot, occ)
    links = await bot.services.sessions.links(occ.schedule.guild_id, occ.schedule.id, occ.key)
    return session_embed(occ, week, links), rsvp_view(occ)


# -- RSVP buttons ------------------------------------------------------------------------------


def rsvp_custom_id(status: str, token: str) -> str:
    return f"rsvp:{status}:{token}"


class RsvpButton(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"rsvp:(?P<status>going|maybe|cant):(?P<token>\d+:\d+)",
):
    """Going / Maybe / Can't for one session occurrence."""

    def __init__(self, status: str, token: str, count: int = 0) -> None:
        self.status = status
        self.token = token
        super().__init__(
            discord.ui.Button(
                label=f"{RSVP_LABELS[status]} ({count})",
                style=RSVP_STYLES[status],
                custom_id=rsvp_custom_id(status, token),
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RsvpButton:
        return cls(match["status"], match["token"])

    async def act(self, interaction: discord.Interaction) -> None:
        await answer_rsvp(interaction, self.status, self.token)


def rsvp_view(occ: SessionOccurrence) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for status in RSVP_LABELS:
        view.add_item(RsvpButton(status, occ.token, getattr(occ.counts, status)))
    return view


async def answer_rsvp(interaction: discord.Interaction, status: str, token: str) -> None:
    """Record the answer, update the clicked card in place (and the announcement, if that is
    another message), then confirm privately."""
    bot = study_bot(interaction)
    guild_id = interaction.guild_id
    if guild_id is None:
        raise UserError("RSVPs only work inside the server.")
    schedule_id, key = parse_token(token)
    sessions = bot.services.sessions
    await sessions.rsvp(guild_id, schedule_id, key, interaction.user.id, status)
    occ = await sessions.find(guild_id, schedule_id, key)
    embed, view = await render_session(bot, occ)
    await interaction.response.edit_message(embed=embed, view=view)
    links = await sessions.links(guild_id, schedule_id, key)
    clicked = interaction.message.id if interaction.message else None
    if links.announcement_message_id != clicked:
        error = await edit_announcement(
            bot, guild_id, schedule_id, key, links, embed=embed, view=view
        )
        if error is not None:  # the counts there are cosmetic; the member's answer is saved
            log.info("could not refresh the announcement of session %s: %s", token, error)
    await interaction.followup.send(
        f"{RSVP_EMOJI[status]} You answered **{RSVP_LABELS[status]}** for the session on "
        f"{when_text(occ.start)}.",
        ephemeral=True,
    )
