"""The session timers' handlers: the announcement, the session's start and the reading post."""

from __future__ import annotations

from datetime import date

import discord

from bot.client import StudyCircle
from bot.scheduling.sessions import (
    SESSION_ANNOUNCE,
    SESSION_READING,
    SESSION_START,
    SessionOccurrence,
)
from bot.scheduling.timers import TimerRecord, delivery_nonce
from bot.ui.attendance import thread_view
from bot.ui.embeds import fit
from bot.ui.faults import NotDelivered, fault_notes
from bot.ui.limits import EMBED_DESCRIPTION, EMBED_FIELD_VALUE, truncate
from bot.ui.part_threads import open_part_threads
from bot.ui.schedule_change import refresh_announcement
from bot.ui.sessions import (
    SESSION_COLOUR,
    long_date,
    render_session,
    sessions_channel_id,
    tell_organisers,
    week_for,
    week_heading,
    week_text,
    when_text,
)

THREAD_NAME_LIMIT = 100
SEED_PROMPTS = 3
KINDS = (SESSION_ANNOUNCE, SESSION_START, SESSION_READING)


class SessionTimerHandlers:
    """What happens when a session timer is due (the reminders are in ``cogs.reminders``).

    Every handler ends with ``after_timer``, which rolls the timer horizon on, and raises
    :class:`NotDelivered` when Discord refused the post, so the timer is recorded as failed.
    """

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot

    def register(self) -> None:
        dispatcher = self.bot.dispatcher
        dispatcher.register(SESSION_ANNOUNCE, self.on_announce)
        dispatcher.register(SESSION_START, self.on_start)
        dispatcher.register(SESSION_READING, self.on_reading)

    def unregister(self) -> None:
        for kind in KINDS:
            self.bot.dispatcher.handlers.pop(kind, None)

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
            await thread.send(embed=embed, view=thread_view(occ))
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
        await open_part_threads(self.bot, occ, channel, thread)
        await refresh_announcement(self.bot, occ)
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
