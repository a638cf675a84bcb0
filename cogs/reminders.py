"""Reminders: /remind commands, session reminders (role ping or DMs) and personal reminders."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Literal
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.errors import UserError
from bot.scheduling import (
    PERSONAL_REMINDER,
    SESSION_REMINDER,
    PersonalReminder,
    ReminderConfig,
    SessionOccurrence,
    TimerRecord,
)
from bot.scheduling.parsing import format_duration
from bot.scheduling.reminders import MAX_TEXT
from bot.scheduling.timers import delivery_nonce
from bot.ui.checks import organiser_only
from bot.ui.faults import NotDelivered, fault_notes
from bot.ui.limits import CHOICE_NAME, CHOICES, CONTENT, EMBED_DESCRIPTION, truncate
from bot.ui.sessions import (
    jump_url,
    sessions_channel_id,
    tell_organisers,
    week_for,
    when_text,
)

log = logging.getLogger(__name__)

LIST_TEXT = 90
LATE_NOTE = " (a little late: I was offline when it was due)"
CLOSED_DMS_FAILURE = (
    "I could not post the session reminder for members with closed DMs in <#{channel}>"
)


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


def reminder_line(reminder: PersonalReminder) -> str:
    text = truncate(" ".join(reminder.text.split()), LIST_TEXT)
    return f"`#{reminder.id}` {when_text(reminder.due_at)}: {text}"


def settings_text(config: ReminderConfig) -> str:
    offsets = ", ".join(format_duration(o) for o in config.offsets) or "none"
    if config.delivery == "role" and config.role_id is not None:
        delivery = f"a ping of <@&{config.role_id}> in the sessions channel"
    else:
        delivery = "DMs to members who opted in (`/remind optin`) or answered Going/Maybe"
    nudge = "on" if config.nudge else "off"
    return (
        f"Session reminders: **{offsets}** before each session, by {delivery}.\n"
        f"Nudge to opted-in members who have not answered the RSVP: **{nudge}**."
    )


@app_commands.guild_only()
class Reminders(commands.GroupCog, group_name="remind"):
    """Personal reminders and the server's session reminders."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        # Both send with delivery_nonce, so a run cut short by a crash can safely run again.
        self.bot.dispatcher.register(SESSION_REMINDER, self.on_session_reminder, redeliver=True)
        self.bot.dispatcher.register(PERSONAL_REMINDER, self.on_personal_reminder, redeliver=True)

    async def cog_unload(self) -> None:
        for kind in (SESSION_REMINDER, PERSONAL_REMINDER):
            self.bot.dispatcher.handlers.pop(kind, None)

    # -- personal reminders -------------------------------------------------------------------

    @app_commands.command(
        name="me", extras={"example": '/remind me when:"in 2 days" what:Read ch. 3'}
    )
    @app_commands.describe(
        when='When: "in 2 days", "friday 18:00", "tomorrow 9am" or "2026-12-03 18:00"',
        what="What to remind you of (it never pings anyone else)",
    )
    async def me(
        self,
        interaction: discord.Interaction,
        when: app_commands.Range[str, 1, 100],
        what: app_commands.Range[str, 1, MAX_TEXT],
    ) -> None:
        """Remind yourself of something later (by DM, or here if your DMs are closed)."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        zone = (await self.bot.guild_config.get(guild_id)).timezone
        reminder = await self.bot.services.reminders.remind_me(
            guild_id, interaction.user.id, when, what, zone, interaction.channel_id
        )
        await interaction.response.send_message(
            f"⏰ Reminder `#{reminder.id}` set for {when_text(reminder.due_at)}:\n"
            f"> {truncate(reminder.text, 1500)}",
            ephemeral=True,
        )

    @app_commands.command(name="list", extras={"example": "/remind list"})
    async def list_reminders(self, interaction: discord.Interaction) -> None:
        """Your pending reminders in this server."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        reminders = await self.bot.services.reminders.list(guild_id, interaction.user.id)
        if not reminders:
            await interaction.response.send_message(
                "You have no pending reminders here. Set one with `/remind me`.", ephemeral=True
            )
            return
        embed = discord.Embed(
            title="Your reminders",
            description=truncate("\n".join(map(reminder_line, reminders)), EMBED_DESCRIPTION),
        )
        embed.set_footer(text="Delete one with /remind delete.")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="delete", extras={"example": "/remind delete id:12"})
    @app_commands.rename(reminder_id="id")
    @app_commands.describe(reminder_id="The reminder's number (see /remind list)")
    async def delete(self, interaction: discord.Interaction, reminder_id: int) -> None:
        """Delete one of your reminders."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        reminder = await self.bot.services.reminders.delete(
            guild_id, interaction.user.id, reminder_id
        )
        await interaction.response.send_message(
            f"🗑️ Deleted reminder `#{reminder.id}` ({truncate(reminder.text, 200)}).",
            ephemeral=True,
        )

    @delete.autocomplete("reminder_id")
    async def delete_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        reminders = await self.bot.services.reminders.list(
            interaction.guild_id, interaction.user.id
        )
        zone = ZoneInfo((await self.bot.guild_config.get(interaction.guild_id)).timezone)
        wanted = str(current).strip().lstrip("#").casefold()
        choices = []
        for reminder in reminders:
            due = reminder.due_at.astimezone(zone)
            text = " ".join(reminder.text.split())
            name = f"#{reminder.id} · {due:%a %d %b %H:%M} {zone.key} · {text}"
            if wanted in name.casefold():
                choices.append(
                    app_commands.Choice(name=truncate(name, CHOICE_NAME), value=reminder.id)
                )
        return choices[:CHOICES]

    # -- session reminder settings ----------------------------------------------------------

    @app_commands.command(
        name="settings",
        extras={"example": "/remind settings offsets:24h,1h delivery:dm", "organiser": True},
    )
    @app_commands.describe(
        offsets="How long before each session, comma-separated, e.g. 24h,1h",
        delivery="role: ping a role in the sessions channel; dm: DM members who want it",
        role="The role to ping (needed for role delivery)",
        nudge="Also nudge opted-in members who have not answered the RSVP",
    )
    @organiser_only()
    async def settings(
        self,
        interaction: discord.Interaction,
        offsets: str,
        delivery: Literal["role", "dm"],
        role: discord.Role | None = None,
        nudge: bool | None = None,
    ) -> None:
        """Set when session reminders go out and how (role ping or DMs)."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        if role is not None and role.is_default():
            raise UserError("Pick a specific role to ping, not @everyone.")
        config = await self.bot.services.sessions.set_reminder_settings(
            guild_id,
            offsets=offsets,
            delivery=delivery,
            role_id=role.id if role else None,
            nudge=nudge,
        )
        text = settings_text(config)
        if (
            delivery == "role"
            and role is not None
            and not role.mentionable
            and isinstance(interaction.guild, discord.Guild)
            and not interaction.guild.me.guild_permissions.mention_everyone
        ):
            text += (
                f"\n⚠️ {role.mention} is not mentionable and I lack *Mention @everyone, @here and "
                "All Roles*, so the ping would be silent. Make the role mentionable."
            )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="optin", extras={"example": "/remind optin"})
    async def optin(self, interaction: discord.Interaction) -> None:
        """Get a DM before each session (when the server uses DM reminders)."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        added = await self.bot.services.sessions.opt_in(guild_id, interaction.user.id)
        config = await self.bot.services.sessions.reminder_settings(guild_id)
        text = (
            "✅ You will get a DM before each session."
            if added
            else "You are already opted in to session reminders."
        )
        if config.delivery == "role":
            text += " (This server currently pings a role instead of sending DMs.)"
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="optout", extras={"example": "/remind optout"})
    async def optout(self, interaction: discord.Interaction) -> None:
        """Stop session reminder DMs (answering Going or Maybe still gets you one)."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        removed = await self.bot.services.sessions.opt_out(guild_id, interaction.user.id)
        text = (
            "You will no longer get session reminders by DM, unless you answer Going or Maybe."
            if removed
            else "You were not opted in to session reminders."
        )
        await interaction.response.send_message(text, ephemeral=True)

    # -- timers --------------------------------------------------------------------------------

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
                )
            for user_id in sorted(nudge):  # the role ping reached the rest; a nudge is extra
                await self._dm(user_id, f"{text}\n{nudge_line}", delivery_nonce(timer, user_id))
            closed: list[int] = []
        else:
            recipients = await sessions.recipients_for_reminder(guild_id, occ.schedule.id, occ.key)
            closed = [
                u
                for u in recipients
                if not await self._dm(
                    u, f"{text}\n{nudge_line}" if u in nudge else text, delivery_nonce(timer, u)
                )
            ]
        if closed and channel_id is not None:
            for ids, content in mention_batches(closed, text):
                nonce = delivery_nonce(timer, "fallback", *ids)
                delivered &= await self._send(
                    channel_id, guild_id, content, users_ping(ids), nonce, CLOSED_DMS_FAILURE
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
        guild = self.bot.get_guild(reminder.guild_id)
        where = f" from **{guild.name}**" if guild else ""
        late = LATE_NOTE if timer.late else ""
        nonce = delivery_nonce(timer, reminder.user_id)
        if await self._dm(reminder.user_id, f"⏰ Reminder{where}{late}: {reminder.text}", nonce):
            return
        if reminder.channel_id is None:
            log.info("reminder %s: DMs closed and no channel to fall back to", reminder.id)
            return
        delivered = await self._send(
            int(reminder.channel_id),
            reminder.guild_id,
            f"<@{reminder.user_id}> ⏰ Reminder{late}: {reminder.text}",
            user_ping(reminder.user_id),
            delivery_nonce(timer, "fallback"),
            # The reminder's text stays private; the note only says whose it was.
            f"I could not DM a reminder to <@{reminder.user_id}>, nor post it in "
            "<#{channel}> instead",
        )
        if not delivered:
            raise NotDelivered(f"personal reminder {reminder.id} not delivered")

    # -- delivery ------------------------------------------------------------------------------

    async def _dm(self, user_id: int, content: str, nonce: str) -> bool:
        """Send a DM; False when it could not be delivered (closed DMs, unknown user, or an
        error discord.py's retries did not overcome): the callers then post in a channel."""
        try:
            channel = await self.bot.create_dm(discord.Object(id=user_id))
            await channel.send(content, nonce=nonce)
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
    ) -> bool:
        """Post in a channel; False (organisers told, once per problem) if Discord refused.

        ``what`` describes the failure for organisers; ``{channel}`` becomes the channel id.
        """
        notes = fault_notes(self.bot)
        try:
            await self.bot.get_partial_messageable(channel_id, guild_id=guild_id).send(
                content, allowed_mentions=mentions, nonce=nonce
            )
        except discord.HTTPException as error:
            await notes.report(guild_id, channel_id, error, what.format(channel=channel_id))
            return False
        notes.ok(guild_id, channel_id)
        return True


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Reminders(bot))
