"""Organisers' one-click follow-ups under a poll's result.

- ``poll:assign:<poll>:<week>`` makes a ranked poll's winning reading the reading of a week;
- ``poll:weekly:<poll>`` makes a time poll's winning slot the weekly session.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import discord

from bot.discussion.polls import CloseOutcome, PollInfo, PollOptionInfo, PollResult
from bot.errors import UserError
from bot.text import neutralise_mentions
from bot.types import StudyBot, guild_id_of, study_bot
from bot.ui import limits
from bot.ui.checks import require_organiser
from bot.ui.polls.embeds import NO_PINGS, slot_time
from bot.ui.polls.items import PollButton
from bot.ui.schedule_change import schedule_or_ask

MAX_WEEK = 52


async def follow_up_view(bot: StudyBot, outcome: CloseOutcome) -> discord.ui.View | None:
    """Organisers' one-click action under a result: assign the reading, or make the session."""
    poll, result = outcome.poll, outcome.result
    if len(result.winners) != 1:
        return None
    option = poll.option(result.winners[0])
    if option is None or option.payload is None:
        return None
    view = discord.ui.View(timeout=None)
    if poll.kind == "ranked":
        today = await bot.guild_config.local_date(poll.guild_id, bot.clock())
        week = await bot.services.library.current_week(poll.guild_id, today) + 1
        view.add_item(AssignButton.new(poll.id, min(week, MAX_WEEK)))
    elif poll.kind == "time":
        view.add_item(WeeklyButton.new(poll.id))
    else:
        return None
    return view


def _winner_option(poll: PollInfo, result: PollResult) -> PollOptionInfo:
    if poll.is_open:
        raise UserError("The poll is still open; close it first with `/poll close`.")
    if len(result.winners) != 1 or (option := poll.option(result.winners[0])) is None:
        raise UserError("This poll has no single winner to act on.")
    return option


async def _winner(interaction: discord.Interaction, poll_id: int) -> PollOptionInfo:
    """The winning option of a closed poll, for an organiser."""
    await require_organiser(interaction)
    polls = study_bot(interaction).services.polls
    guild_id = guild_id_of(interaction)
    poll = await polls.get(poll_id, guild_id)
    return _winner_option(poll, await polls.results(poll_id, guild_id))


class AssignButton(PollButton, tag="assign", arg=r"\d{1,2}"):
    week: int

    def read_arg(self, arg: str) -> None:
        self.week = int(arg)

    @classmethod
    def new(cls, poll_id: int, week: int, *, done: bool = False) -> AssignButton:
        return cls(
            discord.ui.Button(
                label=f"Assigned to week {week}" if done else f"Assign winner to week {week}",
                emoji="📚",
                style=discord.ButtonStyle.success,
                custom_id=cls.custom_id_for(poll_id, week),
                disabled=done,
            )
        )

    async def act(self, interaction: discord.Interaction) -> None:
        option = await _winner(interaction, self.poll_id)
        if option.payload is None:
            raise UserError("The winner of this poll is not a reading from the library.")
        library = study_bot(interaction).services.library
        card = await library.assign(
            guild_id_of(interaction), option.payload, self.week, by=interaction.user.id
        )
        view = discord.ui.View(timeout=None)
        view.add_item(AssignButton.new(self.poll_id, self.week, done=True))
        await interaction.response.edit_message(view=view, allowed_mentions=NO_PINGS)
        await interaction.followup.send(
            neutralise_mentions(
                limits.truncate(
                    f"📚 **{card.title}** is now the reading for week {self.week}.",
                    limits.CONTENT,
                )
            )
        )


class WeeklyButton(PollButton, tag="weekly"):
    @classmethod
    def new(cls, poll_id: int, *, done: bool = False) -> WeeklyButton:
        return cls(
            discord.ui.Button(
                label="This is now the weekly session" if done else "Make this the weekly session",
                emoji="🗓️",
                style=discord.ButtonStyle.success,
                custom_id=cls.custom_id_for(poll_id),
                disabled=done,
            )
        )

    async def act(self, interaction: discord.Interaction) -> None:
        option = await _winner(interaction, self.poll_id)
        slot = slot_time(option)
        if slot is None:
            raise UserError("The winner of this poll is not a time.")
        # The slot is an instant; the weekly session repeats its wall-clock time in the
        # schedule's own zone (else the server's), so it follows daylight saving like every
        # session and a slot at the time the group already meets changes nothing.
        bot, guild_id = study_bot(interaction), guild_id_of(interaction)
        current = await bot.services.sessions.current(guild_id)
        zone = current.zone if current else (await bot.guild_config.get(guild_id)).timezone
        local = slot.astimezone(ZoneInfo(zone))
        view = discord.ui.View(timeout=None)
        view.add_item(WeeklyButton.new(self.poll_id, done=True))
        if current is not None and (current.weekday, current.at) == (
            local.weekday(),
            local.time().replace(tzinfo=None),
        ):
            await interaction.response.edit_message(view=view, allowed_mentions=NO_PINGS)
            await interaction.followup.send(
                f"🗓️ {current.describe()} is already the weekly session: nothing changed, "
                "and every RSVP stays."
            )
            return
        # The same path as /session schedule (asking first if answers would be lost), so old
        # announcements and events are tidied too.
        await schedule_or_ask(
            interaction,
            lambda: interaction.response.edit_message(view=view, allowed_mentions=NO_PINGS),
            weekday=local.weekday(),
            at=local.time().replace(tzinfo=None),
            zone=zone,
        )
