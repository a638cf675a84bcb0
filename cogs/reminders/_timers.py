"""The reminder timers' handlers: session reminders (role ping or DMs) and personal ones."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import discord

from bot.client import StudyCircle
from bot.scheduling.recurring import RECURRING_REMINDER
from bot.scheduling.reminders import PERSONAL_REMINDER, PersonalReminder
from bot.scheduling.sessions import SESSION_REMINDER, SessionOccurrence
from bot.scheduling.timers import TimerRecord, delivery_nonce
from bot.ui.faults import NotDelivered, fault_notes
from bot.ui.limits import CONTENT, truncate
from bot.ui.reminder_buttons import delivered_view
from bot.ui.sessions import jump_url, sessions_channel_id, tell_organisers, week_for, when_text

log = logging.getLogger(__name__)

LATE_NOTE = " (a little late: I was offline when it was due)"
CLOSED_DMS_FAILURE = (
    "I could not post the session reminder for members with closed DMs in <#{channel}>"
)
KINDS = (SESSION_REMINDER, PERSONAL_REMINDER, RECURRING_REMINDER)


def user_ping(user_id: int) -> discord.AllowedMentions:
    """Ping exactly this member: nothing else in the message can notify anyone."""
    return discord.AllowedMentions(
        everyone=False, roles=False, users=[discord.Object(id=user_id)], replied_user=False
    )


def users_ping(user_ids: Iterable[int]) -> discord.AllowedMentions:
    return discord.AllowedMentions(
        everyone=False,
        roles=False,
        users=[discord.Object(id=u) for u in user_ids],
        replied_user=False,
    )


def role_ping(role_id: int) -> discord.AllowedMentions:
    return discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(id=role_id)], replied_user=False
    )


def mention_batches(user_ids: list[int], text: str) -> list[tuple[list[int], str]]:
    """``<@a> <@b> … text`` messages, each within 2,000 characters, covering every member."""
    room = CONTENT - len(text) - 1
    batches: list[list[int]] = [[]]
    for user_id in user_ids:
        if batches[-1] and len(" ".join(f"<@{u}>" for u in [*batches[-1], user_id])) > room:
            batches.append([])
        batches[-1].append(user_id)
    return [(ids, " ".join(f"<@{u}>" for u in ids) + f" {text}") for ids in batches if ids]


class ReminderTimerHandlers:
    """Delivers reminders when their timers are due.

    Both kinds send with :func:`delivery_nonce`, so a run cut short by a crash can safely run
    again (``redeliver=True``): Discord answers a repeated nonce with the message it already has.
    """

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot

    def register(self) -> None:
        self.bot.dispatcher.register(SESSION_REMINDER, self.on_session_reminder, redeliver=True)
        self.bot.dispatcher.register(PERSONAL_REMINDER, self.on_personal_reminder, redeliver=True)
        self.bot.dispatcher.register(RECURRING_REMINDER, self.on_recurring_reminder, redeliver=True)

    def unregister(self) -> None:
        for kind in KINDS:
            self.bot.dispatcher.handlers.pop(kind, None)

    async def on_session_reminder(self, timer: TimerRecord) -> None:
        sessions = self.bot.services.sessions
        occ = await sessions.occurrence_for_timer(timer)
        if occ is None:
            return
        guild_id = occ.schedule.guild_id
        config = await sessions.reminder_settings(guild_id)
        channel_id = await sessions_channel_id(self.bot, occ.schedule)
        text = await self._session_text(occ, late=timer.late)
        nudge = (
            set(await sessions.nudge_targets(guild_id, occ.schedule.id, occ.key))
            if config.nudge
            else set()
        )
        nudge_line = await self._nudge_line(occ)
        what = "I could not post the session reminder in <#{channel}>"
        snooze = delivered_view(timer.id, done=False)  # each member snoozes their own copy
        delivered = True
        if config.delivery == "role" and config.role_id is not None:
            if channel_id is None:
                await tell_organisers(
                    self.bot, guild_id, "No sessions channel is set for the role reminder."
                )
            else:
                delivered = await self._send(
                    channel_id,
                    guild_id,
                    f"<@&{config.role_id}> {text}",
                    role_ping(config.role_id),
                    delivery_nonce(timer, "role"),
                    what,
                    snooze,
                )
            for user_id in sorted(nudge):  # the role ping reached the rest; a nudge is extra
                await self._dm(
                    user_id, f"{text}\n{nudge_line}", delivery_nonce(timer, user_id), snooze
                )
            closed: list[int] = []
        else:
            recipients = await sessions.recipients_for_reminder(guild_id, occ.schedule.id, occ.key)
            closed = [
                u
                for u in recipients
                if not await self._dm(
                    u,
                    f"{text}\n{nudge_line}" if u in nudge else text,
                    delivery_nonce(timer, u),
                    snooze,
                )
            ]
        if closed and channel_id is not None:
            for ids, content in mention_batches(closed, text):
                nonce = delivery_nonce(timer, "fallback", *ids)
                delivered &= await self._send(
                    channel_id,
                    guild_id,
                    content,
                    users_ping(ids),
                    nonce,
                    CLOSED_DMS_FAILURE,
                    snooze,
                )
        await sessions.after_timer(timer)
        if not delivered:
            raise NotDelivered(f"session reminder not posted in {channel_id}")

    async def _session_text(self, occ: SessionOccurrence, *, late: bool) -> str:
        guild = self.bot.get_guild(occ.schedule.guild_id)
        where = f" in **{guild.name}**" if guild else ""
        week = await week_for(self.bot, occ)
        reading = f"\nReading: **{week.readings[0].title}**" if week.readings else ""
        return truncate(
            f"⏰ Reminder: the reading group{where} meets {when_text(occ.start)}"
            f"{LATE_NOTE if late else ''}.{reading}",
            1500,
        )

    async def _nudge_line(self, occ: SessionOccurrence) -> str:
        links = await self.bot.services.sessions.links(
            occ.schedule.guild_id, occ.schedule.id, occ.key
        )
        line = "You have not answered the RSVP yet: are you coming?"
        if links.announcement_channel_id and links.announcement_message_id:
            url = jump_url(
                occ.schedule.guild_id, links.announcement_channel_id, links.announcement_message_id
            )
            line += f" Answer here: {url}"
        return line

    async def on_personal_reminder(self, timer: TimerRecord) -> None:
        reminder = PersonalReminder.from_timer(timer)
        await self._deliver_own(timer, reminder.user_id, reminder.text, reminder.channel_id)

    async def on_recurring_reminder(self, timer: TimerRecord) -> None:
        """A repeating reminder: schedule its next time first (idempotent), then deliver."""
        series = await self.bot.services.recurring.fired(timer)
        if series is None:
            return  # deleted since the timer was set
        await self._deliver_own(
            timer,
            series.user_id,
            f"{series.text}\n-# 🔁 {series.rule.describe()}",
            series.channel_id,
        )

    async def _deliver_own(
        self, timer: TimerRecord, user_id: int, text: str, channel_id: int | None
    ) -> None:
        """DM a member their own reminder with Snooze and Done; in the channel it was set in
        (with a ping of them alone) when their DMs are closed."""
        guild = self.bot.get_guild(timer.guild_id)
        where = f" from **{guild.name}**" if guild else ""
        late = LATE_NOTE if timer.late else ""
        view = delivered_view(timer.id)
        nonce = delivery_nonce(timer, user_id)
        if await self._dm(
            user_id, truncate(f"⏰ Reminder{where}{late}: {text}", CONTENT), nonce, view
        ):
            return
        if channel_id is None:
            log.info("reminder %s: DMs closed and no channel to fall back to", timer.id)
            return
        delivered = await self._send(
            int(channel_id),
            timer.guild_id,
            truncate(f"<@{user_id}> ⏰ Reminder{late}: {text}", CONTENT),
            user_ping(user_id),
            delivery_nonce(timer, "fallback"),
            # The reminder's text stays private; the note only says whose it was.
            f"I could not DM a reminder to <@{user_id}>, nor post it in <#{{channel}}> instead",
            view,
        )
        if not delivered:
            raise NotDelivered(f"personal reminder {timer.id} not delivered")

    # -- delivery ------------------------------------------------------------------------------

    async def _dm(
        self, user_id: int, content: str, nonce: str, view: discord.ui.View | None = None
    ) -> bool:
        """Send a DM; False when it could not be delivered (closed DMs, unknown user, or an
        error discord.py's retries did not overcome): the callers then post in a channel."""
        try:
            channel = await self.bot.create_dm(discord.Object(id=user_id))
            if view is None:
                await channel.send(content, nonce=nonce)
            else:
                await channel.send(content, nonce=nonce, view=view)
        except discord.HTTPException as error:
            if not isinstance(error, discord.Forbidden | discord.NotFound):
                log.warning("could not DM %s: %s", user_id, error)
            return False
        return True

    async def _send(
        self,
        channel_id: int,
        guild_id: int,
        content: str,
        mentions: discord.AllowedMentions,
        nonce: str,
        what: str,
        view: discord.ui.View | None = None,
    ) -> bool:
        """Post in a channel; False (organisers told, once per problem) if Discord refused.

        ``what`` describes the failure for organisers; ``{channel}`` becomes the channel id.
        """
        notes = fault_notes(self.bot)
        try:
            channel = self.bot.get_partial_messageable(channel_id, guild_id=guild_id)
            if view is None:
                await channel.send(content, allowed_mentions=mentions, nonce=nonce)
            else:
                await channel.send(content, allowed_mentions=mentions, nonce=nonce, view=view)
        except discord.HTTPException as error:
            await notes.report(guild_id, channel_id, error, what.format(channel=channel_id))
            return False
        notes.ok(guild_id, channel_id)
        return True
