"""Weekly sessions: /session commands, RSVP buttons, Discord events and the session timers."""

from __future__ import annotations

import io
import logging
from datetime import date

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.scheduling import (
    SESSION_ANNOUNCE,
    SESSION_READING,
    SESSION_START,
    SessionOccurrence,
    TimerRecord,
)
from bot.scheduling.parsing import format_duration
from bot.scheduling.sessions import NO_SCHEDULE, WEEKDAY_NAMES
from bot.scheduling.timers import delivery_nonce
from bot.timezones import zone_choices
from bot.ui.checks import organiser_only
from bot.ui.embeds import fit
from bot.ui.faults import NotDelivered, fault_notes
from bot.ui.limits import CHOICE_NAME, CHOICES, EMBED_DESCRIPTION, EMBED_FIELD_VALUE, truncate
from bot.ui.schedule_change import (
    apply_schedule,
    confirm,
    upcoming_sessions,
    withdraw,
    withdraw_upcoming,
)
from bot.ui.sessions import (
    SESSION_COLOUR,
    RsvpButton,
    edit_announcement,
    long_date,
    occurrence_line,
    render_session,
    sessions_channel_id,
    tell_organisers,
    week_for,
    week_heading,
    week_text,
    when_text,
)

log = logging.getLogger(__name__)

THREAD_NAME_LIMIT = 100
SEED_PROMPTS = 3


def _weekday_choices(current: str) -> list[app_commands.Choice[str]]:
    wanted = current.strip().casefold()
    return [
        app_commands.Choice(name=day, value=day.lower())
        for day in WEEKDAY_NAMES
        if day.casefold().startswith(wanted)
    ]


def _date_choice(occ: SessionOccurrence) -> app_commands.Choice[str]:
    name = f"{long_date(occ.occurrence.local_date)}, {occ.local_start:%H:%M} ({occ.schedule.zone})"
    if occ.occurrence.moved:
        name += " (moved)"
    return app_commands.Choice(
        name=truncate(name, CHOICE_NAME), value=occ.occurrence.local_date.isoformat()
    )


@app_commands.guild_only()
class Sessions(commands.GroupCog, group_name="session"):
    """Weekly sessions: schedule, list, skip, move, RSVP and calendar."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RsvpButton)
        self.bot.dispatcher.register(SESSION_ANNOUNCE, self.on_announce)
        self.bot.dispatcher.register(SESSION_START, self.on_start)
        self.bot.dispatcher.register(SESSION_READING, self.on_reading)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RsvpButton)
        for kind in (SESSION_ANNOUNCE, SESSION_START, SESSION_READING):
            self.bot.dispatcher.handlers.pop(kind, None)

    # -- commands --------------------------------------------------------------------------

    @app_commands.command(
        name="schedule",
        extras={
            "example": "/session schedule weekday:thursday time:19:00 timezone:Europe/London",
            "organiser": True,
        },
    )
    @app_commands.describe(
        weekday="Day of the week, e.g. thursday",
        time="Local start time, e.g. 19:00 or 7pm",
        timezone="IANA time zone (default: the server's, see /config timezone)",
        channel="Where announcements and threads go (default: the sessions channel)",
        duration="How long a session lasts, e.g. 90m or 2h (default 90m)",
        starts="First possible date, YYYY-MM-DD (default: from now)",
        ends="Last possible date, YYYY-MM-DD (default: no end)",
    )
    @organiser_only()
    async def schedule(
        self,
        interaction: discord.Interaction,
        weekday: str,
        time: str,
        timezone: str | None = None,
        channel: discord.TextChannel | None = None,
        duration: str | None = None,
        starts: str | None = None,
        ends: str | None = None,
    ) -> None:
        """Set (or replace) the weekly session: weekday, local time and time zone."""
        await apply_schedule(
            interaction,
            lambda: interaction.response.defer(thinking=True),
            weekday=weekday,
            at=time,
            zone=timezone,
            channel_id=channel.id if channel else None,
            duration=duration,
            starts=starts,
            ends=ends,
        )

    @app_commands.command(name="next", extras={"example": "/session next"})
    async def next_session(self, interaction: discord.Interaction) -> None:
        """When the next session is, what to read, who is coming, and RSVP buttons."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        occ = await self.bot.services.sessions.next(guild_id)
        if occ is None:
            await interaction.response.send_message(NO_SCHEDULE, ephemeral=True)
            return
        embed, view = await render_session(self.bot, occ)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @app_commands.command(name="list", extras={"example": "/session list count:5"})
    @app_commands.describe(count="How many sessions to show (1-25, default 5)")
    async def list_sessions(
        self, interaction: discord.Interaction, count: app_commands.Range[int, 1, 25] = 5
    ) -> None:
        """The coming sessions with their times and RSVP counts."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        upcoming = await self.bot.services.sessions.list(guild_id, count)
        if not upcoming:
            await interaction.response.send_message(NO_SCHEDULE, ephemeral=True)
            return
        info = upcoming[0].schedule
        now = self.bot.clock()
        header = f"{info.describe()} · {format_duration(info.duration)} each"
        body = "\n".join(occurrence_line(occ, now) for occ in upcoming)
        embed = discord.Embed(
            title=f"Next {len(upcoming)} session{'s' if len(upcoming) != 1 else ''}",
            description=truncate(f"{header}\n\n{body}", EMBED_DESCRIPTION),
            colour=SESSION_COLOUR,
        )
        embed.set_footer(text="✅ going · 🤔 maybe · ❌ can't. RSVP on the announcement.")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(
        name="skip", extras={"example": "/session skip date:2026-12-24", "organiser": True}
    )
    @app_commands.describe(date="The session's usual date, YYYY-MM-DD (pick from the list)")
    @organiser_only()
    async def skip(self, interaction: discord.Interaction, date: str) -> None:
        """Skip one session (its reminders, event and announcement are withdrawn)."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        sessions = self.bot.services.sessions
        occ = await sessions.skip(guild_id, date)
        following = await sessions.next(guild_id)
        text = f"⏭️ The session of **{long_date(occ.occurrence.local_date)}** is skipped."
        if following is not None:
            text += f"\nNext session: {when_text(following.start)}."
        await interaction.response.defer(thinking=True)
        await withdraw(self.bot, occ, "This session is skipped.")
        await confirm(interaction, text)

    @app_commands.command(
        name="move",
        extras={"example": "/session move date:2026-12-03 new_time:20:00", "organiser": True},
    )
    @app_commands.describe(
        date="The session's usual date, YYYY-MM-DD (pick from the list)",
        new_time="New time that day (20:00) or a new date and time (2026-12-04 19:30)",
    )
    @organiser_only()
    async def move(self, interaction: discord.Interaction, date: str, new_time: str) -> None:
        """Move one session to another time (between the sessions before and after it)."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        sessions = self.bot.services.sessions
        occ = await sessions.move(guild_id, date, new_time)
        await interaction.response.defer(thinking=True)
        await self._refresh_announcement(occ)
        await confirm(
            interaction,
            f"🕒 The session of **{long_date(occ.occurrence.local_date)}** now starts "
            f"{when_text(occ.start)} ({occ.local_start:%H:%M} {occ.schedule.zone}).",
        )

    @app_commands.command(name="cancel", extras={"example": "/session cancel", "organiser": True})
    @organiser_only()
    async def cancel(self, interaction: discord.Interaction) -> None:
        """Stop the weekly sessions (their timers, events and announcements are withdrawn)."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        sessions = self.bot.services.sessions
        before = await upcoming_sessions(self.bot, guild_id)
        info = await sessions.cancel(guild_id)
        await interaction.response.defer(thinking=True)
        await withdraw_upcoming(self.bot, before, "The weekly sessions were cancelled.")
        await interaction.followup.send(
            f"🛑 The weekly sessions ({info.describe()}) are cancelled. "
            "Start again any time with `/session schedule`."
        )

    @app_commands.command(name="calendar", extras={"example": "/session calendar"})
    async def calendar(self, interaction: discord.Interaction) -> None:
        """Download the sessions as an .ics file for your calendar app."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        name = interaction.guild.name if interaction.guild else "Reading group"
        data = await self.bot.services.sessions.calendar(guild_id, title=f"{name}: reading group")
        await interaction.response.send_message(
            "Import this file into your calendar app; skipped and moved sessions are included. "
            "Download it again after the schedule changes.",
            file=discord.File(io.BytesIO(data), filename="reading-group.ics"),
            ephemeral=True,
        )

    @app_commands.command(
        name="settings",
        extras={
            "example": "/session settings announce:3d reading_day:monday reading_time:09:00",
            "organiser": True,
        },
    )
    @app_commands.describe(
        announce="How long before each session to announce it, e.g. 3d or 36h",
        reading_day="Weekday of the weekly reading post, e.g. monday",
        reading_time="Local time of the weekly reading post, e.g. 09:00",
    )
    @organiser_only()
    async def settings(
        self,
        interaction: discord.Interaction,
        announce: str | None = None,
        reading_day: str | None = None,
        reading_time: str | None = None,
    ) -> None:
        """Announcement lead time and the weekly reading post's day and time."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        info = await self.bot.services.sessions.configure(
            guild_id,
            announce_before=announce,
            reading_weekday=reading_day,
            reading_time=reading_time,
        )
        config = await self.bot.guild_config.get(guild_id)
        reading_channel = config.channels.get("readings") or await sessions_channel_id(
            self.bot, info
        )
        if info.reading_weekday is not None and info.reading_time is not None:
            post = (
                f"{WEEKDAY_NAMES[info.reading_weekday]}s at {info.reading_time:%H:%M} "
                f"({info.zone})" + (f" in <#{reading_channel}>" if reading_channel else "")
            )
        else:
            post = "off (set `reading_day` and `reading_time`)"
        await interaction.response.send_message(
            f"Announcements: {format_duration(info.announce_before)} before each session.\n"
            f"Weekly reading post: {post}.",
            ephemeral=True,
        )

    # -- autocomplete ----------------------------------------------------------------------

    @schedule.autocomplete("weekday")
    @settings.autocomplete("reading_day")
    async def weekday_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _weekday_choices(current)

    @schedule.autocomplete("timezone")
    async def zone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zone_choices(current)]

    @skip.autocomplete("date")
    @move.autocomplete("date")
    async def date_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        now = self.bot.clock()
        upcoming = await self.bot.services.sessions.list(interaction.guild_id, CHOICES)
        wanted = current.strip().casefold()
        choices = [_date_choice(o) for o in upcoming if o.start > now]
        return [c for c in choices if wanted in c.name.casefold() or wanted in c.value][:CHOICES]

    # -- keeping Discord in step -------------------------------------------------------------

    async def _refresh_announcement(self, occ: SessionOccurrence) -> None:
        guild_id = occ.schedule.guild_id
        links = await self.bot.services.sessions.links(guild_id, occ.schedule.id, occ.key)
        if links.announcement_message_id is None:
            return
        embed, view = await render_session(self.bot, occ)
        error = await edit_announcement(
            self.bot, guild_id, occ.schedule.id, occ.key, links, embed=embed, view=view
        )
        if error is not None:  # cosmetic: /session next and the list show the same
            log.info(
                "could not update the announcement %s: %s", links.announcement_message_id, error
            )

    # -- timers --------------------------------------------------------------------------------

    async def on_announce(self, timer: TimerRecord) -> None:
        """Post the announcement with RSVP buttons and make sure the event exists."""
        sessions = self.bot.services.sessions
        occ = await sessions.occurrence_for_timer(timer)
        if occ is None:
            return  # skipped, moved away or replaced since the timer was set
        guild_id = occ.schedule.guild_id
        channel_id = await sessions_channel_id(self.bot, occ.schedule)
        refused: discord.HTTPException | None = None
        if channel_id is None:
            await tell_organisers(
                self.bot,
                guild_id,
                "I could not announce the coming session: no sessions channel is set. "
                "Use `/config channel purpose:sessions`.",
            )
        else:
            embed, view = await render_session(self.bot, occ)
            channel = self.bot.get_partial_messageable(channel_id, guild_id=guild_id)
            try:
                # The nonce makes discord.py's own 5xx retries safe: never two announcements.
                message = await channel.send(
                    embed=embed, view=view, nonce=delivery_nonce(timer, "announcement")
                )
            except discord.HTTPException as error:
                refused = error
                await fault_notes(self.bot).report(
                    guild_id,
                    channel_id,
                    error,
                    f"I could not post the announcement of the session on "
                    f"{long_date(occ.local_start)} in <#{channel_id}>",
                )
            else:
                fault_notes(self.bot).ok(guild_id, channel_id)
                await sessions.link(
                    guild_id,
                    occ.schedule.id,
                    occ.key,
                    announcement_channel_id=channel_id,
                    announcement_message_id=message.id,
                )
        await sessions.after_timer(timer)
        await self.bot.session_events.sync_or_warn(guild_id)
        if refused is not None:
            raise NotDelivered(f"announcement not posted in {channel_id}") from refused

    async def on_start(self, timer: TimerRecord) -> None:
        """Open the session's discussion thread and record attendance from the RSVPs."""
        sessions = self.bot.services.sessions
        occ = await sessions.occurrence_for_timer(timer)
        if occ is None:
            return
        guild_id = occ.schedule.guild_id
        channel_id = await sessions_channel_id(self.bot, occ.schedule)
        links = await sessions.links(guild_id, occ.schedule.id, occ.key)
        refused: discord.HTTPException | None = None
        if channel_id is not None and links.thread_id is None:
            refused = await self._open_thread(occ, channel_id)
        await sessions.record_attendance(guild_id, occ.schedule.id, occ.key)
        await self.bot.session_events.start(occ)
        await sessions.after_timer(timer)
        await self.bot.session_events.sync_or_warn(guild_id)
        if refused is not None:
            raise NotDelivered(f"session thread not opened in {channel_id}") from refused

    async def _open_thread(
        self, occ: SessionOccurrence, channel_id: int
    ) -> discord.HTTPException | None:
        """Open the discussion thread and seed it; Discord's refusal if there is no thread."""
        guild_id = occ.schedule.guild_id
        notes = fault_notes(self.bot)
        name = truncate(f"Session {long_date(occ.local_start)}", THREAD_NAME_LIMIT)
        try:
            channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
            if not isinstance(channel, discord.TextChannel):
                await tell_organisers(
                    self.bot,
                    guild_id,
                    f"I could not open the discussion thread for today's session: <#{channel_id}> "
                    "cannot hold threads. Pick a text channel with `/config channel`.",
                )
                return None
            thread = await channel.create_thread(
                name=name, type=discord.ChannelType.public_thread, auto_archive_duration=1440
            )
        except discord.HTTPException as error:
            await notes.report(
                guild_id,
                channel_id,
                error,
                f"I could not open the discussion thread for the session on "
                f"{long_date(occ.local_start)} in <#{channel_id}>",
            )
            return error
        # (No notes.ok here: threads need another permission than the channel's posts.)
        # Linked before seeding, so a refused seed post never leaves an unknown thread behind.
        await self.bot.services.sessions.link(
            guild_id, occ.schedule.id, occ.key, thread_id=thread.id
        )
        embed, used = await self._seed_embed(occ)
        try:
            await thread.send(embed=embed)
        except discord.HTTPException as error:
            await notes.report(
                guild_id,
                thread.id,
                error,
                f"I opened <#{thread.id}> but could not post the reading and prompts in it",
            )
        else:
            for prompt_id in used:  # only prompts members actually saw count as used
                await self.bot.services.prompts.mark_used(guild_id, prompt_id, occ.start)
        await self._refresh_announcement(occ)
        return None

    async def _seed_embed(self, occ: SessionOccurrence) -> tuple[discord.Embed, list[int]]:
        """The week's reading and a few unused prompts (and the ids of those prompts)."""
        guild_id = occ.schedule.guild_id
        week = await week_for(self.bot, occ)
        embed = discord.Embed(
            title=truncate(f"Discussion: {long_date(occ.local_start)}", 256),
            description=truncate(
                # Room for three prompt fields within the 6,000-character embed total.
                f"**{week_heading(week)}**\n\n{week_text(week, 2000)}",
                EMBED_DESCRIPTION,
            ),
            colour=SESSION_COLOUR,
        )
        reading_id = week.readings[0].id if week.readings else None
        prompts_service = self.bot.services.prompts
        prompts = await prompts_service.unused_for_session(guild_id, reading_id, SEED_PROMPTS)
        texts = [p.text for p in prompts]
        if not texts and week.readings:
            texts = list(week.readings[0].prompts[:SEED_PROMPTS])  # the pack's starters
        for number, text in enumerate(texts, start=1):
            embed.add_field(
                name=f"Prompt {number}", value=truncate(text, EMBED_FIELD_VALUE), inline=False
            )
        embed.set_footer(text="Add prompts for next time with /prompt add.")
        return fit(embed), [prompt.id for prompt in prompts]

    async def on_reading(self, timer: TimerRecord) -> None:
        """The weekly reading post, for the coming session's week."""
        sessions = self.bot.services.sessions
        guild_id = timer.guild_id
        info = await sessions.current(guild_id)
        if info is None or info.id != timer.payload.get("schedule_id"):
            return
        config = await self.bot.guild_config.get(guild_id)
        channel_id = config.channels.get("readings") or await sessions_channel_id(self.bot, info)
        upcoming = await sessions.next(guild_id)
        day = (
            upcoming.occurrence.local_date
            if upcoming is not None
            else date.fromisoformat(str(timer.payload.get("local_date")))
        )
        week = await self.bot.services.library.current(guild_id, day)
        description = week_text(week, 3500)
        if upcoming is not None:
            description += f"\n\nNext session: {when_text(upcoming.start)}."
        embed = discord.Embed(
            title=truncate(f"This week's reading: {week_heading(week)}", 256),
            description=truncate(description, EMBED_DESCRIPTION),
            colour=SESSION_COLOUR,
        )
        refused: discord.HTTPException | None = None
        if channel_id is None:
            await tell_organisers(
                self.bot, guild_id, "No readings or sessions channel is set for the reading post."
            )
        else:
            try:
                await self.bot.get_partial_messageable(channel_id, guild_id=guild_id).send(
                    embed=embed, nonce=delivery_nonce(timer, "reading")
                )
            except discord.HTTPException as error:
                refused = error
                await fault_notes(self.bot).report(
                    guild_id,
                    channel_id,
                    error,
                    f"I could not post this week's reading in <#{channel_id}>",
                )
            else:
                fault_notes(self.bot).ok(guild_id, channel_id)
        await sessions.after_timer(timer)
        if refused is not None:
            raise NotDelivered(f"reading post not posted in {channel_id}") from refused


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Sessions(bot))
