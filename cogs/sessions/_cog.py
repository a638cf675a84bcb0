"""The /session commands: schedule, list, skip, move, cancel, calendar, calendar-link,
attendance and settings."""

from __future__ import annotations

import io

import discord
from aiohttp import web
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.errors import UserError
from bot.scheduling.parsing import format_duration, parse_date
from bot.scheduling.sessions import NO_SCHEDULE, WEEKDAY_NAMES, SessionOccurrence
from bot.scheduling.sessions.feeds import CalendarFeeds
from bot.timezones import zone_choices
from bot.types import guild_id_of
from bot.ui.attendance import AttendanceButton, AttendanceSelect, open_attendance
from bot.ui.calendar_feed import FeedRoutes, calendar_bytes, feed_url
from bot.ui.checks import organiser_only, require_organiser
from bot.ui.limits import CHOICE_NAME, CHOICES, EMBED_DESCRIPTION, truncate
from bot.ui.schedule_change import (
    cancel_or_keep,
    confirm,
    refresh_announcement,
    schedule_or_ask,
    withdraw,
)
from bot.ui.sessions import (
    SESSION_COLOUR,
    RsvpButton,
    long_date,
    occurrence_line,
    render_session,
    sessions_channel_id,
    when_text,
)
from bot.ui.zones import zone_note, zone_of
from cogs.sessions._timers import SessionTimerHandlers

FEEDS_OFF = (
    "Calendar links are not set up on this bot: its host needs HTTP_PORT and PUBLIC_BASE_URL "
    "(see docs/calendar-feed.md). `/session calendar` gives you a file to import meanwhile."
)


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
        self.timers = SessionTimerHandlers(bot)
        secret = bot.settings.feed_secret
        self.feeds = CalendarFeeds(bot.session_factory, bot.clock, secret) if secret else None
        super().__init__()

    def web_routes(self) -> list[web.RouteDef]:
        """The calendar feeds, served by the bot's web server (see bot.web.server)."""
        return FeedRoutes(self.bot, self.feeds).routes() if self.feeds is not None else []

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RsvpButton, AttendanceButton, AttendanceSelect)
        self.timers.register()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RsvpButton, AttendanceButton, AttendanceSelect)
        self.timers.unregister()

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
        await schedule_or_ask(
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
        guild_id = guild_id_of(interaction)
        occ = await self.bot.services.sessions.next(guild_id)
        if occ is None:
            await interaction.response.send_message(NO_SCHEDULE, ephemeral=True)
            return
        embed, view = await render_session(self.bot, occ)
        zone = await zone_of(self.bot, guild_id, interaction.user.id)
        embed.description = truncate(
            f"{embed.description}\nFor you: {zone_note(occ.start, zone)}", EMBED_DESCRIPTION
        )
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @app_commands.command(name="list", extras={"example": "/session list count:5"})
    @app_commands.describe(count="How many sessions to show (1-25, default 5)")
    async def list_sessions(
        self, interaction: discord.Interaction, count: app_commands.Range[int, 1, 25] = 5
    ) -> None:
        """The coming sessions with their times and RSVP counts."""
        guild_id = guild_id_of(interaction)
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
        guild_id = guild_id_of(interaction)
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
        guild_id = guild_id_of(interaction)
        sessions = self.bot.services.sessions
        occ = await sessions.move(guild_id, date, new_time)
        await interaction.response.defer(thinking=True)
        await refresh_announcement(self.bot, occ)
        await confirm(
            interaction,
            f"🕒 The session of **{long_date(occ.occurrence.local_date)}** now starts "
            f"{when_text(occ.start)} ({occ.local_start:%H:%M} {occ.schedule.zone}).",
        )

    @app_commands.command(name="cancel", extras={"example": "/session cancel", "organiser": True})
    @organiser_only()
    async def cancel(self, interaction: discord.Interaction) -> None:
        """Stop the weekly sessions, after saying what stops (asks to confirm)."""
        await cancel_or_keep(interaction)

    @app_commands.command(name="calendar", extras={"example": "/session calendar"})
    async def calendar(self, interaction: discord.Interaction) -> None:
        """Download the sessions as an .ics file for your calendar app."""
        guild_id = guild_id_of(interaction)
        if await self.bot.services.sessions.current(guild_id) is None:
            raise UserError(NO_SCHEDULE)
        data = await calendar_bytes(self.bot, guild_id)
        zone = await zone_of(self.bot, guild_id, interaction.user.id)
        following = await self.bot.services.sessions.next(guild_id)
        first = f" The next one is {zone_note(following.start, zone)}." if following else ""
        await interaction.response.send_message(
            "Import this file into your calendar app: each session names its reading, and "
            "skipped and moved sessions are included. It keeps the group's own time zone, so "
            "daylight saving stays exact; your calendar shows it in yours. To stay up to date "
            f"without downloading it again, subscribe with `/session calendar-link`.{first}",
            file=discord.File(io.BytesIO(data), filename="reading-group.ics"),
            ephemeral=True,
        )

    @app_commands.command(
        name="attendance",
        extras={"example": "/session attendance date:2027-03-04", "organiser": True},
    )
    @app_commands.describe(date="The session's usual date, YYYY-MM-DD (default: the latest)")
    @organiser_only()
    async def attendance(self, interaction: discord.Interaction, date: str | None = None) -> None:
        """Take attendance for a session: pick who came (starts from who answered Going)."""
        await open_attendance(interaction, self.bot, parse_date(date) if date else None)

    @app_commands.command(name="calendar-link", extras={"example": "/session calendar-link"})
    @app_commands.describe(reset="Organisers: retire the current link and make a new one")
    async def calendar_link(self, interaction: discord.Interaction, reset: bool = False) -> None:
        """A private link your calendar app can subscribe to (it stays up to date)."""
        guild_id = guild_id_of(interaction)
        if self.feeds is None or not self.bot.settings.public_base_url:
            raise UserError(FEEDS_OFF)
        if reset:
            await require_organiser(interaction)
            token = await self.feeds.reset(guild_id, interaction.user.id)
        else:
            token = await self.feeds.token(guild_id, interaction.user.id)
        url = feed_url(self.bot, token)
        if url is None:
            raise UserError(FEEDS_OFF)
        head = "New link: the old one no longer works.\n" if reset else ""
        await interaction.response.send_message(
            f'{head}Subscribe to this link in your calendar app ("add calendar from URL"); '
            f"it follows every change to the schedule and the readings:\n<{url}>\n"
            "Keep it to yourself: anyone with it can see the sessions. Organisers can retire "
            "it with `/session calendar-link reset:true`.",
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
        guild_id = guild_id_of(interaction)
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
