"""One Discord Scheduled Event per upcoming session, kept in step with the schedule."""

from __future__ import annotations

import asyncio
import logging

import discord

from bot.scheduling.sessions import ScheduleInfo, SessionOccurrence
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
                event = await self._event(guild_id, links.event_id)
                if event is not None:  # (None: already deleted in Discord)
                    await event.delete()
            except discord.NotFound:
                pass  # deleted in Discord meanwhile
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
            event = await self._event(guild_id, links.event_id)
            if event is None or event.status is not discord.EventStatus.scheduled:
                log.info("event %s is gone or no longer scheduled; not started", links.event_id)
                return
            await event.start()
        except discord.HTTPException:
            log.info("could not start event %s", links.event_id)

    async def _ensure(self, occ: SessionOccurrence) -> None:
        sessions = self.bot.services.sessions
        guild_id = occ.schedule.guild_id
        links = await sessions.links(guild_id, occ.schedule.id, occ.key)
        if links.event_id is not None:
            event = await self._event(guild_id, links.event_id)
            if event is not None:
                if event.start_time == occ.start and event.end_time == occ.end:
                    return
                try:
                    await event.edit(start_time=occ.start, end_time=occ.end)
                    return
                except discord.NotFound:
                    pass  # deleted in Discord meanwhile: make a new one
        week = await week_for(self.bot, occ)
        title = week.readings[0].title if week.readings else week_heading(week)
        description = f"{week_heading(week)}\n\n{week_text(week, EVENT_DESCRIPTION_LIMIT)}"
        guild = await self._guild(guild_id)
        created = await guild.create_scheduled_event(
            name=truncate(f"Reading group: {title}", EVENT_NAME_LIMIT),
            description=truncate(description.replace("**", ""), EVENT_DESCRIPTION_LIMIT),
            start_time=occ.start,
            end_time=occ.end,
            entity_type=discord.EntityType.external,
            privacy_level=discord.PrivacyLevel.guild_only,
            location=await self._location(occ.schedule),
        )
        await sessions.link(guild_id, occ.schedule.id, occ.key, event_id=created.id)

    async def _guild(self, guild_id: int) -> discord.Guild:
        """The server from the cache, or from Discord before the gateway has delivered it
        (a timer that was due while the bot was down runs before the bot connects)."""
        return self.bot.get_guild(guild_id) or await self.bot.fetch_guild(guild_id)

    async def _event(self, guild_id: int, event_id: int) -> discord.ScheduledEvent | None:
        """The event, from the cache or from Discord; None if it was deleted in Discord."""
        guild = await self._guild(guild_id)
        event = guild.get_scheduled_event(event_id)
        if event is not None:
            return event
        try:
            return await guild.fetch_scheduled_event(event_id)
        except discord.NotFound:
            return None

    async def _location(self, info: ScheduleInfo) -> str:
        channel_id = await sessions_channel_id(self.bot, info)
        channel = self.bot.get_channel(channel_id) if channel_id else None
        name = getattr(channel, "name", None)
        return truncate(f"#{name}" if name else "On this Discord server", EVENT_LOCATION_LIMIT)
