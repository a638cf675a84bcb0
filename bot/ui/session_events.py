"""One Discord Scheduled Event per upcoming session, kept in step with the schedule."""

from __future__ import annotations

import asyncio
import logging

import discord

from bot.scheduling import ScheduleInfo, SessionOccurrence
from bot.types import StudyBot
from bot.ui.faults import fault_notes
from bot.ui.limits import truncate
from bot.ui.sessions import (
    long_date,
    sessions_channel_id,
    tell_organisers,
    week_for,
    week_heading,
    week_text,
)

log = logging.getLogger(__name__)

EVENT_HORIZON = 2  # Discord events exist for the next two sessions, like the timers
EVENT_ACTIVE = 2
EVENT_EXTERNAL = 3
EVENT_GUILD_ONLY = 2
EVENT_NAME_LIMIT = 100
EVENT_DESCRIPTION_LIMIT = 1000
EVENT_LOCATION_LIMIT = 100
EVENT_PERMISSION_NOTE = (
    "I could not create the Discord events for the coming sessions: I lack the **Manage Events** "
    "permission. Sessions, announcements and reminders work without it; grant it to get events."
)


class SessionEvents:
    """Keeps one Discord Scheduled Event per upcoming session in step with the schedule."""

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self._locks: dict[int, asyncio.Lock] = {}
        self._warned: set[int] = set()  # servers told about the missing permission

    def _lock(self, guild_id: int) -> asyncio.Lock:
        return self._locks.setdefault(guild_id, asyncio.Lock())

    async def sync(self, guild_id: int) -> bool:
        """Create or move the events of the next sessions; False if Discord said 403."""
        return not isinstance(await self._sync(guild_id), discord.Forbidden)

    async def _sync(self, guild_id: int) -> discord.HTTPException | None:
        """Like :meth:`sync`; Discord's refusal, if any (the next sync tries again)."""
        sessions = self.bot.services.sessions
        async with self._lock(guild_id):
            now = self.bot.clock()
            upcoming = [
                o for o in await sessions.list(guild_id, EVENT_HORIZON + 1) if o.start > now
            ]
            try:
                for occ in upcoming[:EVENT_HORIZON]:
                    await self._ensure(occ)
            except discord.Forbidden as error:
                return error
            except discord.HTTPException as error:
                log.warning("could not sync the events of guild %s: %s", guild_id, error)
                return error
        self._warned.discard(guild_id)
        fault_notes(self.bot).ok(guild_id, "events")
        return None

    async def sync_or_warn(self, guild_id: int) -> None:
        """For timers: tell organisers once (in the log channel) when events fail."""
        error = await self._sync(guild_id)
        if error is None:
            return
        if not isinstance(error, discord.Forbidden):
            await fault_notes(self.bot).report(
                guild_id, "events", error, "I could not update the Discord events of the sessions"
            )
            return
        if guild_id in self._warned:
            return
        self._warned.add(guild_id)
        await tell_organisers(self.bot, guild_id, EVENT_PERMISSION_NOTE)

    async def withdraw(self, occ: SessionOccurrence) -> None:
        """Delete the event of a session that will not happen."""
        sessions = self.bot.services.sessions
        guild_id = occ.schedule.guild_id
        async with self._lock(guild_id):
            links = await sessions.links(guild_id, occ.schedule.id, occ.key)
            if links.event_id is None:
                return
            try:
                await self.bot.http.delete_scheduled_event(guild_id, links.event_id)
            except discord.NotFound:
                pass  # already deleted in Discord
            except discord.HTTPException as error:
                await fault_notes(self.bot).report(
                    guild_id,
                    "events",
                    error,
                    f"I could not delete the Discord event of the session on "
                    f"{long_date(occ.local_start)}, which will not take place; please delete it",
                )
                return
            await sessions.link(guild_id, occ.schedule.id, occ.key, event_id=None)

    async def start(self, occ: SessionOccurrence) -> None:
        """Mark the session's event as happening now (Discord ends it at its end time)."""
        guild_id = occ.schedule.guild_id
        links = await self.bot.services.sessions.links(guild_id, occ.schedule.id, occ.key)
        if links.event_id is None:
            return
        try:
            await self.bot.http.edit_scheduled_event(guild_id, links.event_id, status=EVENT_ACTIVE)
        except discord.HTTPException:
            log.info("could not start event %s", links.event_id)

    async def _ensure(self, occ: SessionOccurrence) -> None:
        sessions = self.bot.services.sessions
        guild_id = occ.schedule.guild_id
        links = await sessions.links(guild_id, occ.schedule.id, occ.key)
        times = {
            "scheduled_start_time": occ.start.isoformat(),
            "scheduled_end_time": occ.end.isoformat(),
        }
        if links.event_id is not None:
            if self._in_step(guild_id, links.event_id, occ):
                return
            try:
                await self.bot.http.edit_scheduled_event(guild_id, links.event_id, **times)
                return
            except discord.NotFound:
                pass  # someone deleted it in Discord: make a new one
        week = await week_for(self.bot, occ)
        title = week.readings[0].title if week.readings else week_heading(week)
        description = f"{week_heading(week)}\n\n{week_text(week, EVENT_DESCRIPTION_LIMIT)}"
        body = {
            "name": truncate(f"Reading group: {title}", EVENT_NAME_LIMIT),
            "description": truncate(description.replace("**", ""), EVENT_DESCRIPTION_LIMIT),
            "privacy_level": EVENT_GUILD_ONLY,
            "entity_type": EVENT_EXTERNAL,
            "entity_metadata": {"location": await self._location(occ.schedule)},
            **times,
        }
        created = await self.bot.http.create_guild_scheduled_event(guild_id, **body)
        await sessions.link(guild_id, occ.schedule.id, occ.key, event_id=int(created["id"]))

    def _in_step(self, guild_id: int, event_id: int, occ: SessionOccurrence) -> bool:
        guild = self.bot.get_guild(guild_id)
        event = guild.get_scheduled_event(event_id) if guild else None
        return event is not None and event.start_time == occ.start and event.end_time == occ.end

    async def _location(self, info: ScheduleInfo) -> str:
        channel_id = await sessions_channel_id(self.bot, info)
        channel = self.bot.get_channel(channel_id) if channel_id else None
        name = getattr(channel, "name", None)
        return truncate(f"#{name}" if name else "On this Discord server", EVENT_LOCATION_LIMIT)
