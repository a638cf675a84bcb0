"""Polls: /poll create|next-reading|time|close|results.

Bot-run polls live in the database (``bot.discussion.polls``); their buttons and selects are
dynamic items (``bot.ui.polls``) so they keep working after a restart. The timer core closes
each poll at its deadline (timer kind ``poll.close``); polls whose deadline passed while the
bot was down are closed and announced at start-up.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import StudyCircle
from bot.discussion.native import native_duration_hours, validate_native_poll
from bot.discussion.polls import MAX_OPTIONS, Candidate, CloseOutcome, PollInfo
from bot.discussion.slots import parse_slots
from bot.errors import UserError
from bot.library.records import ReadingCard
from bot.scheduling.timers import TimerRecord
from bot.services import POLL_CLOSE, poll_close_key
from bot.ui import limits
from bot.ui.checks import is_organiser
from bot.ui.polls import (
    POLL_ITEMS,
    announce_close,
    close_from_timer,
    poll_embed,
    poll_view,
    results_message,
)

log = logging.getLogger(__name__)

NEXT_READING_QUESTION = "Which reading should we do next?"
TIME_QUESTION = "Which times work for you?"
DURATION_HELP = "How long the poll stays open, e.g. 30m, 2h, 3d (default 1 day)"


def _guild(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def reading_label(card: ReadingCard, limit: int = 80) -> str:
    """``Title — Author (year)`` within a button/option label; long subtitles are dropped."""
    title = " ".join(card.title.split())
    if len(title) > 50 and ": " in title:
        title = title.split(": ", 1)[0]
    year = f" ({card.year})" if card.year else ""
    with_author = f"{title} — {card.authors}{year}"
    if len(with_author) <= limit:
        return with_author
    return limits.truncate(title, limit - len(year)) + year


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
        for task in list(self._announcing):
            task.cancel()

    async def _close_overdue(self) -> None:
        """Polls whose deadline passed while the bot was down: close them now (before the
        dispatcher starts, so their timers are cancelled rather than reported as missed) and
        announce them in the background."""
        try:
            outcomes = await self.bot.services.polls.close_overdue(self.bot.owns_guild)
            for outcome in outcomes:
                await self.bot.timers.cancel_key(
                    poll_close_key(outcome.poll.id), guild_id=outcome.poll.guild_id
                )
        except Exception:
            log.exception("could not close overdue polls at start-up")
            return
        if outcomes:
            task = asyncio.create_task(self._announce_all(outcomes), name="announce overdue polls")
            self._announcing.add(task)
            task.add_done_callback(self._announcing.discard)

    async def _announce_all(self, outcomes: list[CloseOutcome]) -> None:
        for outcome in outcomes:
            try:
                await announce_close(self.bot, outcome)
            except Exception:
                log.exception("could not announce overdue poll %s", outcome.poll.id)

    async def on_close_timer(self, record: TimerRecord) -> None:
        await close_from_timer(
            self.bot, record.guild_id, int(record.payload["poll_id"]), retry=record.attempts > 1
        )

    async def _post(self, interaction: discord.Interaction, poll: PollInfo) -> None:
        sent = await interaction.response.send_message(embed=poll_embed(poll), view=poll_view(poll))
        message_id = sent.message_id
        if message_id is None:
            message_id = (await interaction.original_response()).id
        await self.bot.services.polls.attach_message(poll.id, poll.guild_id, message_id)

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
        guild_id = _guild(interaction)
        if native:
            await self._create_native(
                interaction, question, options, duration, anonymous, hide_results, multiple
            )
            return
        poll = await self.bot.services.polls.create(
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
        await self._post(interaction, poll)

    async def _create_native(
        self,
        interaction: discord.Interaction,
        question: str,
        options: str,
        duration: str | None,
        anonymous: bool,
        hide_results: bool,
        multiple: bool,
    ) -> None:
        if anonymous or hide_results:
            raise UserError(
                "Discord's native polls always show who voted and the running tally, so they "
                "can't be anonymous or hide results. Leave `native` off for a bot-run poll."
            )
        spec = validate_native_poll(question, options, native_duration_hours(duration), multiple)
        poll = discord.Poll(
            question=spec.question,
            duration=timedelta(hours=spec.duration_hours),
            multiple=spec.multiple,
        )
        for answer in spec.answers:
            poll.add_answer(text=answer)
        await interaction.response.send_message(poll=poll)

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
        guild_id = _guild(interaction)
        cards = await self._candidates(guild_id, readings)
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
        await self._post(interaction, poll)

    async def _candidates(self, guild_id: int, wanted: str | None) -> list[ReadingCard]:
        library = self.bot.services.library
        if wanted and wanted.strip():
            cards: dict[str, ReadingCard] = {}
            for part in wanted.replace("\n", ";").split(";"):
                if part.strip():
                    card = await library.reading(guild_id, part.strip())
                    cards.setdefault(card.id, card)
            return list(cards.values())
        everything = await library.readings(guild_id)
        week = await library.current_week(
            guild_id, await self.bot.guild_config.local_date(guild_id, self.bot.clock())
        )
        ahead = [card for card in everything if card.week is None or card.week > week]
        cards_list = ahead if len(ahead) >= 2 else everything
        if len(cards_list) < 2:
            raise UserError("The library needs at least 2 readings for a next-reading poll.")
        return cards_list[:MAX_OPTIONS]

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
        guild_id = _guild(interaction)
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
        await self._post(interaction, poll)

    @app_commands.command(name="close", extras={"example": "/poll close id:3"})
    @app_commands.rename(poll_id="id")
    @app_commands.describe(poll_id="The poll to close (its creator or an organiser)")
    async def close(self, interaction: discord.Interaction, poll_id: int) -> None:
        """Close a poll now and post its result (the poll's creator or an organiser)."""
        guild_id = _guild(interaction)
        outcome = await self.bot.services.polls.close(
            poll_id, guild_id, interaction.user.id, await is_organiser(interaction)
        )
        if not outcome.newly_closed:
            await interaction.response.send_message(
                f"Poll #{poll_id} was already closed. See `/poll results id:{poll_id}`.",
                ephemeral=True,
            )
            return
        # Drawing the chart and posting can take a moment: answer within Discord's 3 seconds.
        await interaction.response.defer(ephemeral=True, thinking=True)
        posted = await announce_close(self.bot, outcome)
        config = await self.bot.guild_config.get(guild_id)
        channel_id = config.channels.get("polls") or outcome.poll.channel_id
        text = (
            f"Poll #{poll_id} is closed; the result is posted in <#{channel_id}>."
            if posted
            else f"Poll #{poll_id} is closed, but Discord would not let me post the result in "
            f"<#{channel_id}>. See it with `/poll results id:{poll_id}`."
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
        embed, file = await results_message(
            self.bot, _guild(interaction), poll_id, show_voters=show_voters
        )
        await interaction.response.send_message(embed=embed, file=file, ephemeral=True)

    # ---- autocomplete -------------------------------------------------------------------------

    @close.autocomplete("poll_id")
    async def open_poll_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await self._poll_choices(interaction, current, open_only=True)

    @results.autocomplete("poll_id")
    async def poll_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await self._poll_choices(interaction, current, open_only=False)

    async def _poll_choices(
        self, interaction: discord.Interaction, current: str, *, open_only: bool
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        polls = await self.bot.services.polls.recent(interaction.guild_id, open_only=open_only)
        wanted = current.strip().lstrip("#").casefold()
        choices = []
        for poll in polls:
            if wanted and not (
                str(poll.id).startswith(wanted) or wanted in poll.question.casefold()
            ):
                continue
            state = "" if poll.is_open else " (closed)"
            name = limits.truncate(" ".join(f"#{poll.id}{state} {poll.question}".split()), 100)
            choices.append(app_commands.Choice(name=name, value=poll.id))
        return choices[: limits.CHOICES]

    @next_reading.autocomplete("readings")
    async def readings_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Completes the last of the ;-separated readings, keeping the ones before it."""
        if interaction.guild_id is None:
            return []
        done, _, last = current.rpartition(";")
        prefix = f"{done.strip()}; " if done.strip() else ""
        choices = await self.bot.services.library.complete_readings(
            interaction.guild_id, last.strip()
        )
        out = []
        for name, value in choices:
            full = prefix + value
            if len(full) <= limits.CHOICE_NAME:
                out.append(
                    app_commands.Choice(name=limits.truncate(prefix + name, 100), value=full)
                )
        return out[: limits.CHOICES]


async def setup(bot: StudyCircle) -> None:
    await bot.add_cog(Polls(bot))
