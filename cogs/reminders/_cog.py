"""The /remind commands: personal reminders and the server's session reminder settings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.errors import UserError
from bot.members import MemberZone
from bot.scheduling.parsing import format_duration, parse_date
from bot.scheduling.recurring import MAX_COUNT, RecurringSeries
from bot.scheduling.reminders import MAX_TEXT, PersonalReminder
from bot.scheduling.sessions import ReminderConfig
from bot.types import guild_id_of
from bot.ui.checks import organiser_only
from bot.ui.limits import CHOICE_NAME, CHOICES, EMBED_DESCRIPTION, truncate
from bot.ui.reminder_buttons import ITEMS, shared_view
from bot.ui.sessions import when_text
from bot.ui.zones import zone_note, zone_of
from cogs.reminders._timers import ReminderTimerHandlers

LIST_TEXT = 90


def reminder_line(reminder: PersonalReminder, zone: MemberZone | None = None) -> str:
    text = truncate(" ".join(reminder.text.split()), LIST_TEXT)
    local = f" ({zone_note(reminder.due_at, zone)})" if zone is not None else ""
    return f"`#{reminder.number}` {when_text(reminder.due_at)}{local}: {text}"


def series_line(series: RecurringSeries, zone: MemberZone) -> str:
    text = truncate(" ".join(series.text.split()), LIST_TEXT)
    rule = f"{series.rule.describe()} ({series.zone.key})"
    ends = f", until {series.until.isoformat()}" if series.until else ""
    if series.count is not None:
        ends += f", {series.count - series.fired} more time(s)"
    upcoming = (
        f" next {when_text(series.next_due)} ({zone_note(series.next_due, zone)})"
        if series.next_due
        else ""
    )
    return f"`#r{series.id}` 🔁 {rule}{ends}:{upcoming}: {text}"


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
        self.timers = ReminderTimerHandlers(bot)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ITEMS)
        self.timers.register()
        # Before the dispatcher starts: a series whose timer was missed in downtime goes on.
        await self.bot.services.recurring.resume()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ITEMS)
        self.timers.unregister()

    # -- personal reminders -------------------------------------------------------------------

    @app_commands.command(
        name="me", extras={"example": '/remind me when:"in 2 days" what:Read ch. 3'}
    )
    @app_commands.describe(
        when='When: "in 2 days", "friday 18:00", "tomorrow 9am" or "2026-12-03 18:00"',
        what="What to remind you of (it never pings anyone else)",
        share="Post it here with a Me too button, so others can be reminded at the same time",
    )
    async def me(
        self,
        interaction: discord.Interaction,
        when: app_commands.Range[str, 1, 100],
        what: app_commands.Range[str, 1, MAX_TEXT],
        share: bool = False,
    ) -> None:
        """Remind yourself of something later (by DM, or here if your DMs are closed)."""
        guild_id = guild_id_of(interaction)
        zone = await zone_of(self.bot, guild_id, interaction.user.id)
        reminder = await self.bot.services.reminders.remind_me(
            guild_id, interaction.user.id, when, what, zone.zone, interaction.channel_id
        )
        local = zone_note(reminder.due_at, zone)
        if share:
            await interaction.response.send_message(
                f"⏰ {interaction.user.display_name} will be reminded {when_text(reminder.due_at)} "
                f"({local}):\n> {truncate(reminder.text, 1500)}\n"
                "-# Press Me too to be reminded at the same time.",
                view=shared_view(reminder.id),
                allowed_mentions=discord.AllowedMentions.none(),
            )
            return
        await interaction.response.send_message(
            f"⏰ Reminder `#{reminder.number}` set for {when_text(reminder.due_at)} ({local}):\n"
            f"> {truncate(reminder.text, 1500)}",
            ephemeral=True,
        )

    @app_commands.command(
        name="every",
        extras={"example": '/remind every rule:"monday 09:00" what:Read the week\'s chapter'},
    )
    @app_commands.describe(
        rule='"monday 09:00", "weekday 18:30", "1st of the month", "every 2 weeks on thu 19:00"',
        what="What to remind you of (it never pings anyone else)",
        until="Last date, YYYY-MM-DD (optional)",
        count="How many times in all (optional)",
    )
    async def every(
        self,
        interaction: discord.Interaction,
        rule: app_commands.Range[str, 1, 100],
        what: app_commands.Range[str, 1, MAX_TEXT],
        until: app_commands.Range[str, 1, 20] | None = None,
        count: app_commands.Range[int, 1, MAX_COUNT] | None = None,
    ) -> None:
        """A repeating reminder in your time zone; shows its next three times."""
        guild_id = guild_id_of(interaction)
        zone = await zone_of(self.bot, guild_id, interaction.user.id)
        series, times = await self.bot.services.recurring.create(
            guild_id,
            interaction.user.id,
            rule,
            what,
            zone.zone,
            interaction.channel_id,
            until=parse_date(until) if until else None,
            count=count,
        )
        coming = "\n".join(f"• {when_text(t)} · {zone_note(t, zone)}" for t in times)
        await interaction.response.send_message(
            f"🔁 Repeating reminder `#r{series.id}`: {series.rule.describe()} in {zone.label}.\n"
            f"> {truncate(series.text, 1000)}\nNext times:\n{coming}\n"
            "-# Delete it with /remind delete.",
            ephemeral=True,
        )

    @app_commands.command(name="list", extras={"example": "/remind list"})
    async def list_reminders(self, interaction: discord.Interaction) -> None:
        """Your pending reminders in this server."""
        guild_id = guild_id_of(interaction)
        reminders = await self.bot.services.reminders.list(guild_id, interaction.user.id)
        repeating = await self.bot.services.recurring.list(guild_id, interaction.user.id)
        if not reminders and not repeating:
            await interaction.response.send_message(
                "You have no pending reminders here. Set one with `/remind me`.", ephemeral=True
            )
            return
        zone = await zone_of(self.bot, guild_id, interaction.user.id)
        lines = [reminder_line(r, zone) for r in reminders]
        lines += [series_line(r, zone) for r in repeating]
        embed = discord.Embed(
            title="Your reminders",
            description=truncate("\n".join(lines), EMBED_DESCRIPTION),
        )
        embed.set_footer(text=f"Times in {zone.label}. Delete one with /remind delete.")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="delete", extras={"example": "/remind delete id:2"})
    @app_commands.rename(reminder_id="id")
    @app_commands.describe(
        reminder_id="The reminder's number, e.g. 2, or r7 for a repeating one (see /remind list)"
    )
    async def delete(self, interaction: discord.Interaction, reminder_id: str) -> None:
        """Delete one of your reminders (one-off or repeating)."""
        guild_id = guild_id_of(interaction)
        wanted = reminder_id.strip().lstrip("#").casefold()
        if wanted.startswith("r") and wanted[1:].isdigit():
            series = await self.bot.services.recurring.delete(
                guild_id, interaction.user.id, int(wanted[1:])
            )
            await interaction.response.send_message(
                f"🗑️ Deleted repeating reminder `#r{series.id}` ({series.rule.describe()}: "
                f"{truncate(series.text, 200)}).",
                ephemeral=True,
            )
            return
        if not wanted.isdigit():
            raise UserError(
                "Give the reminder's number as `/remind list` shows it: `2`, or `r7` for a "
                "repeating reminder."
            )
        reminder = await self.bot.services.reminders.delete(
            guild_id, interaction.user.id, int(wanted)
        )
        await interaction.response.send_message(
            f"🗑️ Deleted reminder `#{reminder.number}` ({truncate(reminder.text, 200)}).",
            ephemeral=True,
        )

    @delete.autocomplete("reminder_id")
    async def delete_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        reminders = await self.bot.services.reminders.list(
            interaction.guild_id, interaction.user.id
        )
        zone = (await zone_of(self.bot, interaction.guild_id, interaction.user.id)).zone
        wanted = str(current).strip().lstrip("#").casefold()
        choices = []
        named: list[tuple[str, datetime | None, str]] = [
            (str(r.number), r.due_at, r.text) for r in reminders
        ]
        for series in await self.bot.services.recurring.list(
            interaction.guild_id, interaction.user.id
        ):
            named.append((f"r{series.id}", series.next_due, f"🔁 {series.text}"))
        for value, due_at, text in named:
            due = (
                f"{due_at.astimezone(zone):%a %d %b %H:%M} {zone.key}"
                if due_at is not None
                else "ended"
            )
            name = f"#{value} · {due} · {' '.join(text.split())}"
            if wanted in name.casefold():
                choices.append(app_commands.Choice(name=truncate(name, CHOICE_NAME), value=value))
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
        guild_id = guild_id_of(interaction)
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
        guild_id = guild_id_of(interaction)
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
        guild_id = guild_id_of(interaction)
        removed = await self.bot.services.sessions.opt_out(guild_id, interaction.user.id)
        text = (
            "You will no longer get session reminders by DM, unless you answer Going or Maybe."
            if removed
            else "You were not opted in to session reminders."
        )
        await interaction.response.send_message(text, ephemeral=True)
