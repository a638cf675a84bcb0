"""Poll messages, their persistent components and the close announcement.

Every component is a :class:`discord.ui.DynamicItem` whose custom_id carries the poll id (and
the option, or the ranking so far), so open polls keep working after a restart with no view
state in memory. The guild always comes from the interaction, never from the custom_id: a
custom_id copied into another server finds nothing there.

custom_ids (all well under 100 characters):

- ``poll:v:<poll>:<option>`` vote button (single choice, up to 10 options)
- ``poll:s:<poll>`` vote select (multiple choice, time slots, or more than 10 options)
- ``poll:res:<poll>`` results button; ``poll:x:<poll>`` withdraw my vote
- ``poll:rank:<poll>:<n|e>`` open a ranked ballot (n: new ephemeral message, e: start over)
- ``poll:rs:<poll>:<ranked>`` the ballot's "next choice" select; ``ranked`` lists the option
  positions chosen so far as base-36 digits (at most 25)
- ``poll:assign:<poll>:<week>`` / ``poll:weekly:<poll>`` organisers' one-click follow-ups
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord.utils import format_dt

from bot.discussion.chart import render_result_chart
from bot.discussion.polls import (
    BUTTON_OPTIONS_MAX,
    CloseOutcome,
    PollInfo,
    PollOptionInfo,
    PollResult,
)
from bot.discussion.tally import TIE_CANDIDATE_ORDER, TIE_EARLIER_ROUNDS, TIE_FIRST_PREFERENCES
from bot.errors import NotFound, UserError
from bot.text import neutralise_mentions
from bot.types import StudyBot, study_bot
from bot.ui import limits
from bot.ui.checks import require_organiser
from bot.ui.faults import NotDelivered, fault_notes
from bot.ui.schedule_change import apply_schedule
from bot.ui.views import StudyItem

log = logging.getLogger(__name__)

# Edits without content carry no allowed_mentions unless given; say it every time anyway.
NO_PINGS = discord.AllowedMentions.none()
POSITIONS = "0123456789abcdefghijklmnopqrstuvwxyz"
MAX_WEEK = 52
BAR_WIDTH = 10
COLOUR_OPEN = discord.Colour.blurple()
COLOUR_CLOSED = discord.Colour.dark_grey()
COLOUR_RESULT = discord.Colour.green()

KIND_NAMES = {
    "single": "Poll",
    "multiple": "Poll",
    "ranked": "Ranked vote",
    "time": "Time poll",
}
HOW_TO_VOTE = {
    "single": "Click an option. Click another to change your vote.",
    "multiple": "Pick every option you like in the menu. Picking again replaces your choice.",
    "ranked": (
        "Press **Rank** to get a private ballot: pick your 1st choice, then 2nd, 3rd… as many "
        "as you like. Counted by instant runoff."
    ),
    "time": "Pick every time that works for you. Picking again replaces your choice.",
}
TIE_RULES = {
    TIE_FIRST_PREFERENCES: "fewer first choices",
    TIE_EARLIER_ROUNDS: "fewer votes in earlier rounds",
    TIE_CANDIDATE_ORDER: "listed lower on the ballot",
}
IRV_RULE = (
    "Each round the option with the fewest votes is eliminated and its ballots move to their "
    "next choice; a ballot with no choice left is exhausted and no longer counts towards the "
    "majority. Ties for last place: fewer first choices goes out, then fewer votes in earlier "
    "rounds, then the option listed lower."
)


def _bot(interaction: discord.Interaction) -> StudyBot:
    return study_bot(interaction)


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _slot_time(option: PollOptionInfo) -> datetime | None:
    try:
        return datetime.fromisoformat(option.payload or "")
    except ValueError:
        return None


def option_text(poll: PollInfo, option: PollOptionInfo) -> str:
    """An option as listed in an embed; time slots add a timestamp in the reader's own zone."""
    text = option.label
    if poll.kind == "time" and (slot := _slot_time(option)) is not None:
        text += f" — {format_dt(slot, 'f')}"
    return text


# ---- embeds ----------------------------------------------------------------------------------


def poll_embed(poll: PollInfo, result: PollResult | None = None) -> discord.Embed:
    """The poll message: question and options while open; question and result once closed."""
    closed = not poll.is_open
    title = f"{KIND_NAMES.get(poll.kind, 'Poll')} #{poll.id}" + (" — closed" if closed else "")
    lines = [f"**{poll.question}**", ""]
    if closed and result is not None:
        lines += [winner_summary(result), "", *result_lines(result)]
    else:
        lines += [f"{n}. {option_text(poll, o)}" for n, o in enumerate(poll.options, start=1)]
    embed = discord.Embed(
        title=title,
        description=limits.truncate("\n".join(lines), limits.EMBED_DESCRIPTION),
        colour=COLOUR_CLOSED if closed else COLOUR_OPEN,
    )
    if closed:
        if poll.closed_at is not None:
            embed.add_field(name="Closed", value=format_dt(poll.closed_at, "f"))
    else:
        embed.add_field(name="How to vote", value=HOW_TO_VOTE[poll.kind], inline=False)
        embed.add_field(
            name="Closes",
            value=f"{format_dt(poll.closes_at, 'f')} ({format_dt(poll.closes_at, 'R')})",
        )
    notes = privacy_notes(poll)
    if notes:
        embed.add_field(name="Privacy", value="\n".join(notes), inline=False)
    embed.set_footer(text=f"Poll id {poll.id} · /poll results id:{poll.id}")
    return embed


def privacy_notes(poll: PollInfo) -> list[str]:
    notes = []
    if poll.anonymous:
        notes.append("Anonymous: nobody, organisers included, can see who voted for what.")
    if poll.hide_results and poll.is_open:
        notes.append("Results stay hidden until the poll closes.")
    return notes


def _bar(votes: int, top: int) -> str:
    filled = round(BAR_WIDTH * votes / top) if top else 0
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def result_lines(result: PollResult) -> list[str]:
    """One line per option: bar, label, votes and share; winners marked."""
    top = max((o.votes for o in result.options), default=0)
    winners = set(result.winners)
    unit = {"ranked": "first choice", "time": "yes"}.get(result.kind, "vote")
    lines = []
    for option in result.options:
        share = f"{option.votes / result.ballots:.0%}" if result.ballots else "0%"
        count = f"{option.votes} yes" if unit == "yes" else _plural(option.votes, unit)
        mark = " 🏆" if option.option_id in winners else ""
        label = limits.one_line(option.label, 60)
        lines.append(f"`{_bar(option.votes, top)}` **{label}** — {count} ({share}){mark}")
    return lines


def winner_summary(result: PollResult) -> str:
    if result.ballots == 0:
        return "No votes were cast."
    names = [f"**{limits.one_line(result.label_of(w), 80)}**" for w in result.winners]
    if not names:
        return "No option won."
    votes = {o.option_id: o.votes for o in result.options}
    if result.kind == "ranked":
        rounds = len(result.irv.rounds) if result.irv else 1
        if rounds <= 1:
            return f"{names[0]} wins with a majority of first choices."
        return f"{names[0]} wins after {rounds} rounds of instant runoff."
    if result.kind == "time":
        yes = votes.get(result.winners[0], 0)
        return f"Best time: {names[0]} ({yes} of {result.ballots} can make it)."
    lead = votes.get(result.winners[0], 0)
    if len(names) == 1:
        return f"{names[0]} wins with {lead} of {_plural(result.ballots, 'ballot')}."
    return f"Tie between {', '.join(names)} ({_plural(lead, 'vote')} each)."


def irv_lines(result: PollResult) -> list[str]:
    """The instant-runoff count, round by round, with eliminations and tie-breaks."""
    irv = result.irv
    if irv is None or not irv.rounds:
        return []
    order = {str(o.option_id): n for n, o in enumerate(result.options)}

    def name(key: str | None) -> str:
        return limits.one_line(result.label_of(key), 28) if key is not None else "?"

    ties = {tie.round: tie for tie in irv.tie_breaks}
    lines = []
    for number, counts in enumerate(irv.rounds, start=1):
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], 0)))
        line = f"**Round {number}:** " + " · ".join(f"{name(k)} {v}" for k, v in ranked)
        exhausted = irv.exhausted[number - 1]
        if exhausted:
            line += f" · exhausted {exhausted}"
        out = irv.eliminated[number - 1]
        if out is not None:
            line += f" → {name(out)} eliminated"
            if (tie := ties.get(number)) is not None:
                line += f" (tie broken: {TIE_RULES.get(tie.rule, tie.rule)})"
        elif irv.winner is not None:
            line += f" → {name(irv.winner)} wins"
        lines.append(line)
    return lines


def _add_line_fields(embed: discord.Embed, name: str, lines: Sequence[str]) -> None:
    """Put ``lines`` into as many fields as fit the embed's limits; say so if some are cut."""
    chunk: list[str] = []
    chunks: list[str] = []
    for line in lines:
        line = limits.truncate(line, limits.EMBED_FIELD_VALUE)
        if sum(len(c) + 1 for c in chunk) + len(line) > limits.EMBED_FIELD_VALUE:
            chunks.append("\n".join(chunk))
            chunk = []
        chunk.append(line)
    if chunk:
        chunks.append("\n".join(chunk))
    budget = limits.EMBED_TOTAL - 200
    for index, value in enumerate(chunks):
        title = name if index == 0 else f"{name} (continued)"
        if len(embed) + len(title) + len(value) > budget or len(embed.fields) >= 24:
            embed.add_field(name="…", value="Some rounds are not shown: too long for Discord.")
            return
        embed.add_field(name=title, value=value, inline=False)


def result_embed(
    poll: PollInfo, result: PollResult, *, chart_name: str | None = None
) -> discord.Embed:
    """Results of a poll: winner, tally, instant-runoff rounds, chart. Never lists voters."""
    final = result.closed
    title = f"Results — {KIND_NAMES.get(poll.kind, 'Poll').lower()} #{poll.id}"
    if not final:
        title += " (so far)"
    lines = [f"**{poll.question}**", "", winner_summary(result), "", *result_lines(result)]
    embed = discord.Embed(
        title=title,
        description=limits.truncate("\n".join(lines), 3000),
        colour=COLOUR_RESULT if final else COLOUR_OPEN,
    )
    if poll.kind == "ranked" and result.irv is not None and result.irv.rounds:
        _add_line_fields(embed, "Instant-runoff rounds", irv_lines(result))
        if len(embed) + len(IRV_RULE) + 20 < limits.EMBED_TOTAL:
            embed.add_field(name="How it was counted", value=IRV_RULE, inline=False)
    footer = _plural(result.ballots, "ballot")
    if poll.anonymous:
        footer += " · anonymous poll"
    if not final:
        footer += " · still open"
    embed.set_footer(text=footer)
    if chart_name is not None:
        embed.set_image(url=f"attachment://{chart_name}")
    return embed


def chart_file(result: PollResult) -> tuple[str, discord.File]:
    name = f"poll-{result.poll_id}.png"
    return name, discord.File(io.BytesIO(render_result_chart(result)), filename=name)


async def results_message(
    bot: StudyBot, guild_id: int, poll_id: int, *, show_voters: bool = False
) -> tuple[discord.Embed, discord.File]:
    """The ``/poll results`` reply: tally embed and bar chart (hidden results refuse)."""
    polls = bot.services.polls
    poll = await polls.get(poll_id, guild_id)
    result = await polls.results(poll_id, guild_id)  # refuses while hidden
    name, file = chart_file(result)
    embed = result_embed(poll, result, chart_name=name)
    if show_voters:
        voters = await polls.voters(poll_id, guild_id)  # refuses anonymous polls
        for option in poll.options:
            ids = voters.get(option.id, [])
            value = " ".join(f"<@{user_id}>" for user_id in ids) or "nobody"
            if len(embed) + len(value) + 100 > limits.EMBED_TOTAL or len(embed.fields) >= 25:
                break
            embed.add_field(
                name=limits.one_line(f"Voted {option.label}", limits.EMBED_FIELD_NAME),
                value=limits.truncate(value, limits.EMBED_FIELD_VALUE),
                inline=False,
            )
    return embed, file


# ---- components ------------------------------------------------------------------------------


def _guild_id(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise UserError("Polls only work inside a server.")
    return interaction.guild_id


def vote_confirmation(poll: PollInfo, labels: Sequence[str], replaced: bool) -> str:
    chosen = ", ".join(f"**{label}**" for label in labels)
    text = f"Your vote in poll #{poll.id}: {chosen}."
    if replaced:
        text += " It replaces your earlier vote."
    if poll.anonymous:
        text += " This poll is anonymous: nobody can see who voted for what."
    text += " Change it any time until the poll closes."
    return neutralise_mentions(limits.truncate(text, limits.CONTENT))


async def _cast(interaction: discord.Interaction, poll_id: int, option_ids: Sequence[int]) -> None:
    polls = _bot(interaction).services.polls
    guild_id = _guild_id(interaction)
    poll = await polls.get(poll_id, guild_id)
    replaced = await polls.has_voted(poll_id, guild_id, interaction.user.id)
    chosen = await polls.vote(poll_id, guild_id, interaction.user.id, option_ids)
    labels = [option.label for option_id in chosen if (option := poll.option(option_id))]
    await interaction.response.send_message(
        vote_confirmation(poll, labels, replaced), ephemeral=True
    )


class VoteButton(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"poll:v:(?P<poll>\d{1,19}):(?P<option>\d{1,19})",
):
    def __init__(
        self, poll_id: int, option_id: int, *, label: str = "?", row: int | None = None
    ) -> None:
        self.poll_id, self.option_id = poll_id, option_id
        super().__init__(
            discord.ui.Button(
                label=limits.one_line(label, 80),
                style=discord.ButtonStyle.primary,
                custom_id=f"poll:v:{poll_id}:{option_id}",
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> VoteButton:
        return cls(int(match["poll"]), int(match["option"]), label=item.label or "?")

    async def act(self, interaction: discord.Interaction) -> None:
        await _cast(interaction, self.poll_id, [self.option_id])


class VoteSelect(
    StudyItem, discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"poll:s:(?P<poll>\d{1,19})"
):
    def __init__(self, poll_id: int, select: discord.ui.Select[Any] | None = None) -> None:
        self.poll_id = poll_id
        super().__init__(select or discord.ui.Select(custom_id=f"poll:s:{poll_id}"))

    @classmethod
    def for_poll(cls, poll: PollInfo, *, row: int | None = None) -> VoteSelect:
        single = poll.kind == "single"
        placeholder = {
            "single": "Choose one option",
            "multiple": "Choose every option you like",
            "time": "Choose every time that works for you",
        }.get(poll.kind, "Choose")
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"poll:s:{poll.id}",
            placeholder=placeholder,
            min_values=1,
            max_values=1 if single else len(poll.options),
            options=[
                discord.SelectOption(label=limits.one_line(o.label, 100), value=str(o.id))
                for o in poll.options
            ],
            disabled=not poll.is_open,
            row=row,
        )
        return cls(poll.id, select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Select[Any], match: re.Match[str]
    ) -> VoteSelect:
        return cls(int(match["poll"]), item)

    async def act(self, interaction: discord.Interaction) -> None:
        try:
            option_ids = [int(value) for value in self.item.values]
        except ValueError:
            raise UserError("That option is not part of this poll.") from None
        await _cast(interaction, self.poll_id, option_ids)


class ResultsButton(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"poll:res:(?P<poll>\d{1,19})",
):
    def __init__(self, poll_id: int, *, row: int | None = None) -> None:
        self.poll_id = poll_id
        super().__init__(
            discord.ui.Button(
                label="Results",
                emoji="📊",
                style=discord.ButtonStyle.secondary,
                custom_id=f"poll:res:{poll_id}",
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ResultsButton:
        return cls(int(match["poll"]))

    async def act(self, interaction: discord.Interaction) -> None:
        embed, file = await results_message(_bot(interaction), _guild_id(interaction), self.poll_id)
        await interaction.response.send_message(embed=embed, file=file, ephemeral=True)


class WithdrawButton(
    StudyItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"poll:x:(?P<poll>\d{1,19})"
):
    def __init__(self, poll_id: int, *, row: int | None = None) -> None:
        self.poll_id = poll_id
        super().__init__(
            discord.ui.Button(
                label="Withdraw my vote",
                style=discord.ButtonStyle.secondary,
                custom_id=f"poll:x:{poll_id}",
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> WithdrawButton:
        return cls(int(match["poll"]))

    async def act(self, interaction: discord.Interaction) -> None:
        polls = _bot(interaction).services.polls
        removed = await polls.retract(self.poll_id, _guild_id(interaction), interaction.user.id)
        text = (
            f"Your vote in poll #{self.poll_id} is withdrawn."
            if removed
            else f"You have no vote in poll #{self.poll_id} to withdraw."
        )
        await interaction.response.send_message(text, ephemeral=True)


def poll_view(poll: PollInfo) -> discord.ui.View:
    """Buttons for a single-choice poll of up to 10 options, else a select; Rank for ranked
    polls. A closed poll keeps only a disabled copy of its vote components and Results."""
    view = discord.ui.View(timeout=None)
    is_open = poll.is_open
    footer_row = 1
    if poll.kind == "ranked":
        rank = RankButton(poll.id, "n", row=0)
        rank.item.disabled = not is_open
        view.add_item(rank)
        footer_row = 0
    elif poll.kind == "single" and len(poll.options) <= BUTTON_OPTIONS_MAX:
        for index, option in enumerate(poll.options):
            button = VoteButton(poll.id, option.id, label=option.label, row=index // 5)
            button.item.disabled = not is_open
            view.add_item(button)
        footer_row = (len(poll.options) - 1) // 5 + 1
    else:
        view.add_item(VoteSelect.for_poll(poll, row=0))
    view.add_item(ResultsButton(poll.id, row=footer_row))
    if is_open:
        view.add_item(WithdrawButton(poll.id, row=footer_row))
    return view


# ---- the ranked ballot -----------------------------------------------------------------------


def _decode_ranking(poll: PollInfo, ranked: str) -> list[PollOptionInfo]:
    by_position = {POSITIONS[o.position]: o for o in poll.options if o.position < len(POSITIONS)}
    chosen = []
    for char in ranked:
        option = by_position.get(char)
        if option is None or option in chosen:
            raise UserError("That ballot is out of date; press **Rank** on the poll again.")
        chosen.append(option)
    return chosen


def ballot_message(
    poll: PollInfo, ranked: Sequence[PollOptionInfo], *, saved: bool, had_ballot: bool = False
) -> tuple[discord.Embed, discord.ui.View]:
    """The private ranking ballot: the ranking so far and a select for the next choice."""
    lines = [f"**{poll.question}**", ""]
    if ranked:
        lines.append("Your ranking is saved:" if saved else "Your ranking:")
        lines += [f"{n}. {o.label}" for n, o in enumerate(ranked, start=1)]
        lines.append("")
    remaining = [o for o in poll.options if o not in ranked]
    if remaining and ranked:
        lines.append(
            f"Add a {ordinal(len(ranked) + 1)} choice below, or stop here: your ballot counts "
            "as it is. Unranked options come after every ranked one."
        )
    elif remaining:
        lines.append(
            "Pick your 1st choice below, then your 2nd, 3rd… Rank as many or as few as you "
            "like; your ballot is saved after each pick."
        )
        if had_ballot:
            lines.append("You already have a saved ranking: a new 1st choice starts a new one.")
    else:
        lines.append("Every option is ranked. Press **Start over** to change your ranking.")
    embed = discord.Embed(
        title=limits.truncate(f"Your ballot — ranked vote #{poll.id}", limits.EMBED_TITLE),
        description=limits.truncate("\n".join(lines), limits.EMBED_DESCRIPTION),
        colour=COLOUR_OPEN,
    )
    if poll.anonymous:
        embed.set_footer(text="Anonymous: nobody, organisers included, can see your ranking.")
    view = discord.ui.View(timeout=None)
    if remaining:
        code = "".join(POSITIONS[o.position] for o in ranked)
        view.add_item(RankSelect.for_ballot(poll.id, code, remaining, len(ranked) + 1))
    if ranked:
        view.add_item(RankButton(poll.id, "e", row=1))
    view.add_item(WithdrawButton(poll.id, row=1))
    return embed, view


class RankButton(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"poll:rank:(?P<poll>\d{1,19}):(?P<mode>[ne])",
):
    def __init__(self, poll_id: int, mode: str, *, row: int | None = None) -> None:
        self.poll_id, self.mode = poll_id, mode
        super().__init__(
            discord.ui.Button(
                label="Rank" if mode == "n" else "Start over",
                emoji="🗳️" if mode == "n" else None,
                style=discord.ButtonStyle.primary if mode == "n" else discord.ButtonStyle.secondary,
                custom_id=f"poll:rank:{poll_id}:{mode}",
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> RankButton:
        return cls(int(match["poll"]), match["mode"])

    async def act(self, interaction: discord.Interaction) -> None:
        polls = _bot(interaction).services.polls
        guild_id = _guild_id(interaction)
        poll = await polls.get(self.poll_id, guild_id)
        if poll.kind != "ranked":
            raise UserError("This poll is not ranked: pick options instead.")
        if not poll.is_open:
            raise UserError("This poll is closed; votes are no longer accepted.")
        had = await polls.has_voted(poll.id, guild_id, interaction.user.id)
        embed, view = ballot_message(poll, [], saved=False, had_ballot=had)
        if self.mode == "e":
            await interaction.response.edit_message(
                embed=embed, view=view, allowed_mentions=NO_PINGS
            )
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


class RankSelect(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"poll:rs:(?P<poll>\d{1,19}):(?P<ranked>[0-9a-z]{0,25})",
):
    def __init__(self, poll_id: int, ranked: str, select: discord.ui.Select[Any]) -> None:
        self.poll_id, self.ranked = poll_id, ranked
        super().__init__(select)

    @classmethod
    def for_ballot(
        cls, poll_id: int, ranked: str, remaining: Sequence[PollOptionInfo], place: int
    ) -> RankSelect:
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"poll:rs:{poll_id}:{ranked}",
            placeholder=f"Your {ordinal(place)} choice",
            min_values=1,
            max_values=1,
            options=[
                discord.SelectOption(
                    label=limits.one_line(o.label, 100), value=POSITIONS[o.position]
                )
                for o in remaining
            ],
            row=0,
        )
        return cls(poll_id, ranked, select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Select[Any], match: re.Match[str]
    ) -> RankSelect:
        return cls(int(match["poll"]), match["ranked"], item)

    async def act(self, interaction: discord.Interaction) -> None:
        polls = _bot(interaction).services.polls
        guild_id = _guild_id(interaction)
        poll = await polls.get(self.poll_id, guild_id)
        ranked = _decode_ranking(poll, self.ranked + "".join(self.item.values))
        await polls.rank(poll.id, guild_id, interaction.user.id, [o.id for o in ranked])
        embed, view = ballot_message(poll, ranked, saved=True)
        await interaction.response.edit_message(embed=embed, view=view, allowed_mentions=NO_PINGS)


# ---- organisers' one-click follow-ups --------------------------------------------------------


def _winner_option(poll: PollInfo, result: PollResult) -> PollOptionInfo:
    if poll.is_open:
        raise UserError("The poll is still open; close it first with `/poll close`.")
    if len(result.winners) != 1 or (option := poll.option(result.winners[0])) is None:
        raise UserError("This poll has no single winner to act on.")
    return option


class AssignButton(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"poll:assign:(?P<poll>\d{1,19}):(?P<week>\d{1,2})",
):
    def __init__(self, poll_id: int, week: int, *, done: bool = False) -> None:
        self.poll_id, self.week = poll_id, week
        super().__init__(
            discord.ui.Button(
                label=f"Assigned to week {week}" if done else f"Assign winner to week {week}",
                emoji="📚",
                style=discord.ButtonStyle.success,
                custom_id=f"poll:assign:{poll_id}:{week}",
                disabled=done,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> AssignButton:
        return cls(int(match["poll"]), int(match["week"]))

    async def act(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        bot = _bot(interaction)
        guild_id = _guild_id(interaction)
        poll = await bot.services.polls.get(self.poll_id, guild_id)
        result = await bot.services.polls.results(self.poll_id, guild_id)
        option = _winner_option(poll, result)
        if option.payload is None:
            raise UserError("The winner of this poll is not a reading from the library.")
        card = await bot.services.library.assign(
            guild_id, option.payload, self.week, by=interaction.user.id
        )
        view = discord.ui.View(timeout=None)
        view.add_item(AssignButton(self.poll_id, self.week, done=True))
        await interaction.response.edit_message(view=view, allowed_mentions=NO_PINGS)
        await interaction.followup.send(
            neutralise_mentions(
                limits.truncate(
                    f"📚 **{card.title}** is now the reading for week {self.week}.",
                    limits.CONTENT,
                )
            )
        )


class WeeklyButton(
    StudyItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"poll:weekly:(?P<poll>\d{1,19})",
):
    def __init__(self, poll_id: int, *, done: bool = False) -> None:
        self.poll_id = poll_id
        super().__init__(
            discord.ui.Button(
                label="This is now the weekly session" if done else "Make this the weekly session",
                emoji="🗓️",
                style=discord.ButtonStyle.success,
                custom_id=f"poll:weekly:{poll_id}",
                disabled=done,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> WeeklyButton:
        return cls(int(match["poll"]))

    async def act(self, interaction: discord.Interaction) -> None:
        await require_organiser(interaction)
        bot = _bot(interaction)
        guild_id = _guild_id(interaction)
        poll = await bot.services.polls.get(self.poll_id, guild_id)
        result = await bot.services.polls.results(self.poll_id, guild_id)
        option = _winner_option(poll, result)
        slot = _slot_time(option)
        if slot is None:
            raise UserError("The winner of this poll is not a time.")
        # The slot is an instant; the weekly session repeats its wall-clock time in the
        # server's zone (so it follows daylight saving like every session).
        zone = (await bot.guild_config.get(guild_id)).timezone
        local = slot.astimezone(ZoneInfo(zone))
        view = discord.ui.View(timeout=None)
        view.add_item(WeeklyButton(self.poll_id, done=True))
        # The same path as /session schedule, so old announcements and events are tidied too.
        await apply_schedule(
            interaction,
            lambda: interaction.response.edit_message(view=view, allowed_mentions=NO_PINGS),
            weekday=local.weekday(),
            at=local.time().replace(tzinfo=None),
            zone=zone,
        )


POLL_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    VoteButton,
    VoteSelect,
    ResultsButton,
    WithdrawButton,
    RankButton,
    RankSelect,
    AssignButton,
    WeeklyButton,
)


# ---- closing ---------------------------------------------------------------------------------


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
        view.add_item(AssignButton(poll.id, min(week, MAX_WEEK)))
    elif poll.kind == "time":
        view.add_item(WeeklyButton(poll.id))
    else:
        return None
    return view


async def announce_close(bot: StudyBot, outcome: CloseOutcome) -> bool:
    """Show the result on the poll message (components disabled) and post it with a chart in
    the server's polls channel (or the poll's own channel). False if Discord refused the post
    (organisers are told, once per problem); a deleted poll message is simply skipped."""
    poll, result = outcome.poll, outcome.result
    if poll.message_id is not None:
        try:
            channel = bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
            await channel.get_partial_message(poll.message_id).edit(
                embed=poll_embed(poll, result), view=poll_view(poll), allowed_mentions=NO_PINGS
            )
        except discord.NotFound:
            log.info("the message of poll %s was deleted; posting the result only", poll.id)
        except discord.HTTPException as error:
            log.warning("could not update the message of poll %s: %s", poll.id, error)
    config = await bot.guild_config.get(poll.guild_id)
    channel_id = config.channels.get("polls") or poll.channel_id
    name, file = chart_file(result)
    embed = result_embed(poll, result, chart_name=name)
    content = (
        f"📊 {KIND_NAMES.get(poll.kind, 'Poll')} #{poll.id} has closed. {winner_summary(result)}"
    )
    if poll.message_id is not None:
        content += (
            f"\nhttps://discord.com/channels/{poll.guild_id}/{poll.channel_id}/{poll.message_id}"
        )
    view = await follow_up_view(bot, outcome)
    notes = fault_notes(bot)
    try:
        channel = bot.get_partial_messageable(channel_id, guild_id=poll.guild_id)
        await channel.send(
            neutralise_mentions(limits.truncate(content, limits.CONTENT)),
            embed=embed,
            file=file,
            view=view or discord.utils.MISSING,
            nonce=f"poll-result-{poll.id}",  # discord.py's 5xx retries cannot post it twice
        )
    except discord.HTTPException as error:
        await notes.report(
            poll.guild_id,
            channel_id,
            error,
            f"Poll #{poll.id} is closed, but I could not post its result in <#{channel_id}> "
            f"(`/poll results id:{poll.id}` shows it)",
        )
        return False
    notes.ok(poll.guild_id, channel_id)
    return True


async def close_from_timer(
    bot: StudyBot, guild_id: int, poll_id: int, *, retry: bool = False
) -> None:
    """The ``poll.close`` timer: close at the deadline and announce once.

    ``retry`` is set when the timer runs again after a crash: the poll may already be closed
    without its result posted, so it is announced again (the post carries a nonce, so Discord
    keeps one copy if the first attempt did get through).
    """
    try:
        outcome = await bot.services.polls.close_due(poll_id, guild_id)
    except NotFound:
        log.info("poll %s of guild %s is gone; nothing to close", poll_id, guild_id)
        return
    if (outcome.newly_closed or retry) and not await announce_close(bot, outcome):
        raise NotDelivered(f"result of poll {poll_id} not posted")
