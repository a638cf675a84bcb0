"""Polls: /poll create|next-reading|time|close|results.

Bot-run polls live in the database (``bot.discussion.polls``); their buttons and selects are
dynamic items (``bot.ui.polls``) so they keep working after a restart. The timer core closes
each poll at its deadline (timer kind ``poll.close``); polls whose deadline passed while the
bot was down are closed and announced at start-up.
"""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.discussion.polls import Candidate, PollInfo
from bot.discussion.slots import parse_slots
from bot.errors import UserError
from bot.scheduling.timers import TimerRecord
from bot.services import POLL_CLOSE
from bot.shutdown import finish
from bot.types import guild_id_of
from bot.ui.checks import is_organiser
from bot.ui.polls import POLL_ITEMS
from bot.ui.polls.closing import (
    announce_all,
    announce_close,
    close_from_timer,
    close_overdue,
    results_channel_id,
)
from bot.ui.polls.creating import (
    native_poll,
    next_reading_candidates,
    poll_choices,
    post_poll,
    reading_choices,
    reading_label,
)
from bot.ui.polls.embeds import winner_summary
from bot.ui.polls.native import close_native, results_message

log = logging.getLogger(__name__)

NEXT_READING_QUESTION = "Which reading should we do next?"
TIME_QUESTION = "Which times work for you?"
DURATION_HELP = "How long the poll stays open, e.g. 30m, 2h, 3d (default 1 day)"


@app_commands.guild_only()
class Polls(commands.GroupCog, group_name="poll"):
    """Polls: plain, ranked (next reading) and time-slot, closed on time by the timer core."""

    def __init__(self, bot: StudyCircle) -> None:
        self.bot = bot
        self._announcing: set[asyncio.Task[None]] = set()
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*POLL_ITEMS)
        # Safe to run again after a crash: the result post carries a nonce.
        self.bot.dispatcher.register(POLL_CLOSE, self.on_close_timer, redeliver=True)
        await self._close_overdue()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*POLL_ITEMS)
        self.bot.dispatcher.handlers.pop(POLL_CLOSE, None)
        await finish(self._announcing, 0)

    async def _close_overdue(self) -> None:
        """Close overdue polls before the dispatcher starts (so their timers are cancelled
        rather than reported as missed) and announce them in the background."""
        try:
            outcomes = await close_overdue(self.bot, self.bot.owns_guild)
        except Exception:
            log.exception("could not close overdue polls at start-up")
            return
        if outcomes:
            task = asyncio.create_task(
                announce_all(self.bot, outcomes), name="announce overdue polls"
            )
            self._announcing.add(task)
            task.add_done_callback(self._announcing.discard)

    async def on_close_timer(self, record: TimerRecord) -> None:
        await close_from_timer(
            self.bot, record.guild_id, int(record.payload["poll_id"]), retry=record.attempts > 1
        )

    # ---- commands -----------------------------------------------------------------------------

    @app_commands.command(
        name="create",
        extras={"example": '/poll create question:"Next week?" options:"Serge; Brinton; Pirani"'},
    )
    @app_commands.describe(
        question="What to ask (up to 300 characters)",
        options="2–25 options separated by ; or commas, e.g. tea; coffee; juice",
        duration=DURATION_HELP,
        anonymous="Nobody, organisers included, can see who voted for what",
        hide_results="Show no tallies until the poll closes",
        multiple="Members may pick several options",
        native="Use Discord's own poll (≤10 answers of ≤55 characters, 1 hour to 32 days)",
    )
    async def create(
        self,
        interaction: discord.Interaction,
        question: str,
        options: str,
        duration: str | None = None,
        anonymous: bool = False,
        hide_results: bool = False,
        multiple: bool = False,
        native: bool = False,
    ) -> None:
        """Start a poll with buttons or a menu; it closes on time and posts the result."""
        guild_id = guild_id_of(interaction)
        if native:
            poll = native_poll(
                question,
                options,
                duration,
                anonymous=anonymous,
                hide_results=hide_results,
                multiple=multiple,
            )
            await interaction.response.send_message(poll=poll)
            message = await interaction.original_response()
            tracked = await self.bot.services.polls.track_native(
                guild_id,
                message.channel.id,
                interaction.user.id,
                poll.question,
                [answer.text for answer in poll.answers],
                int(poll.duration.total_seconds() // 3600),
                poll.multiple,
            )
            await self.bot.services.polls.attach_message(tracked.id, guild_id, message.id)
            await interaction.followup.send(
                f"This is poll #{tracked.number}: `/poll results id:{tracked.number}` shows its "
                "count, and its creator or an organiser can end it early with `/poll close`.",
                ephemeral=True,
            )
            return
        created = await self.bot.services.polls.create(
            guild_id,
            interaction.channel_id or 0,
            interaction.user.id,
            question,
            options,
            duration,
            anonymous=anonymous,
            hide_results=hide_results,
            multiple=multiple,
        )
        await post_poll(interaction, created)

    @app_commands.command(name="next-reading", extras={"example": "/poll next-reading"})
    @app_commands.describe(
        readings="Candidates separated by ; (default: the readings not yet reached)",
        question="What to ask (default: Which reading should we do next?)",
        duration=DURATION_HELP,
        anonymous="Nobody, organisers included, can see who ranked what",
        hide_results="Show no tallies until the poll closes",
    )
    async def next_reading(
        self,
        interaction: discord.Interaction,
        readings: str | None = None,
        question: str | None = None,
        duration: str | None = None,
        anonymous: bool = False,
        hide_results: bool = False,
    ) -> None:
        """Rank the candidate readings; instant runoff picks the next one."""
        guild_id = guild_id_of(interaction)
        cards = await next_reading_candidates(self.bot, guild_id, readings)
        poll = await self.bot.services.polls.create_ranked(
            guild_id,
            interaction.channel_id or 0,
            interaction.user.id,
            question or NEXT_READING_QUESTION,
            [Candidate(reading_label(card), card.id) for card in cards],
            duration,
            anonymous=anonymous,
            hide_results=hide_results,
        )
        await post_poll(interaction, poll)

    @app_commands.command(
        name="time", extras={"example": '/poll time slots:"thu 19:00; fri 18:30"'}
    )
    @app_commands.describe(
        slots="2–10 times separated by ;, e.g. thu 19:00; fri 18:30 (in the server's time zone)",
        question="What to ask (default: Which times work for you?)",
        duration=DURATION_HELP,
        anonymous="Nobody, organisers included, can see who picked what",
        hide_results="Show no tallies until the poll closes",
    )
    async def time(
        self,
        interaction: discord.Interaction,
        slots: str,
        question: str | None = None,
        duration: str | None = None,
        anonymous: bool = False,
        hide_results: bool = False,
    ) -> None:
        """Find a meeting time: members pick every slot that works."""
        guild_id = guild_id_of(interaction)
        zone = ZoneInfo((await self.bot.guild_config.get(guild_id)).timezone)
        parsed = parse_slots(slots, now=self.bot.clock(), zone=zone)
        poll = await self.bot.services.polls.create_time(
            guild_id,
            interaction.channel_id or 0,
            interaction.user.id,
            question or TIME_QUESTION,
            [slot.at for slot in parsed],
            [slot.label for slot in parsed],
            duration,
            anonymous=anonymous,
            hide_results=hide_results,
        )
        await post_poll(interaction, poll)

    @app_commands.command(name="close", extras={"example": "/poll close id:3"})
    @app_commands.rename(poll_id="id")
    @app_commands.describe(poll_id="The poll to close (its creator or an organiser)")
    async def close(self, interaction: discord.Interaction, poll_id: int) -> None:
        """Close a poll now and post its result (the poll's creator or an organiser)."""
        guild_id = guild_id_of(interaction)
        polls = self.bot.services.polls
        number, poll = poll_id, await polls.by_number(guild_id, poll_id)
        if poll.native:
            await self._close_native(interaction, poll)
            return
        outcome = await polls.close(
            poll.id, guild_id, interaction.user.id, await is_organiser(interaction)
        )
        if not outcome.newly_closed:
            await interaction.response.send_message(
                f"Poll #{number} was already closed. See `/poll results id:{number}`.",
                ephemeral=True,
            )
            return
        # Drawing the chart and posting can take a moment: answer within Discord's 3 seconds.
        await interaction.response.defer(ephemeral=True, thinking=True)
        posted = await announce_close(self.bot, outcome)
        channel_id = await results_channel_id(self.bot, outcome.poll)
        text = (
            f"Poll #{number} is closed; the result is posted in <#{channel_id}>."
            if posted
            else f"Poll #{number} is closed, but Discord would not let me post the result in "
            f"<#{channel_id}>. See it with `/poll results id:{number}`."
        )
        await interaction.followup.send(text, ephemeral=True)

    @app_commands.command(name="results", extras={"example": "/poll results id:3"})
    @app_commands.rename(poll_id="id", show_voters="voters")
    @app_commands.describe(
        poll_id="The poll", show_voters="Also list who voted for what (never for anonymous polls)"
    )
    async def results(
        self, interaction: discord.Interaction, poll_id: int, show_voters: bool = False
    ) -> None:
        """A poll's tally with a bar chart (hidden polls: only once closed)."""
        poll = await self.bot.services.polls.by_number(guild_id_of(interaction), poll_id)
        embed, file = await results_message(self.bot, poll, show_voters=show_voters)
        await interaction.response.send_message(embed=embed, file=file, ephemeral=True)

    async def _close_native(self, interaction: discord.Interaction, poll: PollInfo) -> None:
        """End one of Discord's own polls early (Discord posts its result itself)."""
        if not await is_organiser(interaction) and poll.creator_id != interaction.user.id:
            raise UserError("Only the poll's creator or an organiser can close it.")
        if not poll.is_open:
            await interaction.response.send_message(
                f"Poll #{poll.number} was already closed. See `/poll results id:{poll.number}`.",
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await close_native(self.bot, poll)
        await interaction.followup.send(
            f"Native poll #{poll.number} has ended; Discord shows the final count under it. "
            f"{winner_summary(result)}",
            ephemeral=True,
        )

    # ---- autocomplete -------------------------------------------------------------------------

    @close.autocomplete("poll_id")
    async def open_poll_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        return await poll_choices(self.bot, interaction.guild_id, current, open_only=True)

    @results.autocomplete("poll_id")
    async def poll_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        return await poll_choices(self.bot, interaction.guild_id, current, open_only=False)

    @next_reading.autocomplete("readings")
    async def readings_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        return await reading_choices(self.bot, interaction.guild_id, current)


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Polls(bot))
