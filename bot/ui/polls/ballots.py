"""Voting: the poll message's components, and the private ballot of a ranked poll.

custom ids (all well under 100 characters):

- ``poll:v:<poll>:<option>`` vote button (single choice, up to 10 options)
- ``poll:s:<poll>`` vote select (multiple choice, time slots, or more than 10 options)
- ``poll:res:<poll>`` results button; ``poll:x:<poll>`` withdraw my vote
- ``poll:rank:<poll>:<n|e>`` open a ranked ballot (n: new ephemeral message, e: start over)
- ``poll:rs:<poll>:<ranked>`` the ballot's "next choice" select; ``ranked`` lists the option
  positions chosen so far as base-36 digits (at most 25)
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discussion.polls import BUTTON_OPTIONS_MAX, PollInfo, PollOptionInfo
from bot.errors import UserError
from bot.text import neutralise_mentions
from bot.types import guild_id_of, study_bot
from bot.ui import limits
from bot.ui.polls.embeds import COLOUR_OPEN, NO_PINGS, ordinal
from bot.ui.polls.items import PollButton, PollSelect
from bot.ui.polls.native import results_message

POSITIONS = "0123456789abcdefghijklmnopqrstuvwxyz"
SELECT_PLACEHOLDERS = {
    "single": "Choose one option",
    "multiple": "Choose every option you like",
    "time": "Choose every time that works for you",
}


def poll_view(poll: PollInfo) -> discord.ui.View:
    """Buttons for a single-choice poll of up to 10 options, else a select; Rank for ranked
    polls. A closed poll keeps only a disabled copy of its vote components and Results."""
    view = discord.ui.View(timeout=None)
    closed = not poll.is_open
    footer_row = 1
    if poll.kind == "ranked":
        view.add_item(RankButton.new(poll.id, "n", row=0, disabled=closed))
        footer_row = 0
    elif poll.kind == "single" and len(poll.options) <= BUTTON_OPTIONS_MAX:
        for index, option in enumerate(poll.options):
            view.add_item(VoteButton.new(poll.id, option, row=index // 5, disabled=closed))
        footer_row = (len(poll.options) - 1) // 5 + 1
    else:
        view.add_item(VoteSelect.new(poll, row=0))
    view.add_item(ResultsButton.new(poll.id, row=footer_row))
    if not closed:
        view.add_item(WithdrawButton.new(poll.id, row=footer_row))
    return view


# ---- single and multiple choice, time slots ---------------------------------------------------


def vote_confirmation(poll: PollInfo, labels: Sequence[str], replaced: bool) -> str:
    chosen = ", ".join(f"**{label}**" for label in labels)
    text = f"Your vote in poll #{poll.number}: {chosen}."
    if replaced:
        text += " It replaces your earlier vote."
    if poll.anonymous:
        text += " This poll is anonymous: nobody can see who voted for what."
    text += " Change it any time until the poll closes."
    return neutralise_mentions(limits.truncate(text, limits.CONTENT))


async def _vote(interaction: discord.Interaction, poll_id: int, option_ids: Sequence[int]) -> None:
    polls = study_bot(interaction).services.polls
    guild_id = guild_id_of(interaction)
    poll = await polls.get(poll_id, guild_id)
    replaced = await polls.has_voted(poll_id, guild_id, interaction.user.id)
    chosen = await polls.vote(poll_id, guild_id, interaction.user.id, option_ids)
    labels = [option.label for option_id in chosen if (option := poll.option(option_id))]
    await interaction.response.send_message(
        vote_confirmation(poll, labels, replaced), ephemeral=True
    )


class VoteButton(PollButton, tag="v", arg=r"\d{1,19}"):
    option_id: int

    def read_arg(self, arg: str) -> None:
        self.option_id = int(arg)

    @classmethod
    def new(cls, poll_id: int, option: PollOptionInfo, *, row: int, disabled: bool) -> VoteButton:
        return cls(
            discord.ui.Button(
                label=limits.one_line(option.label, 80),
                style=discord.ButtonStyle.primary,
                custom_id=cls.custom_id_for(poll_id, option.id),
                row=row,
                disabled=disabled,
            )
        )

    async def act(self, interaction: discord.Interaction) -> None:
        await _vote(interaction, self.poll_id, [self.option_id])


class VoteSelect(PollSelect, tag="s"):
    @classmethod
    def new(cls, poll: PollInfo, *, row: int) -> VoteSelect:
        return cls(
            discord.ui.Select(
                custom_id=cls.custom_id_for(poll.id),
                placeholder=SELECT_PLACEHOLDERS.get(poll.kind, "Choose"),
                min_values=1,
                max_values=1 if poll.kind == "single" else len(poll.options),
                options=[
                    discord.SelectOption(label=limits.one_line(o.label, 100), value=str(o.id))
                    for o in poll.options
                ],
                disabled=not poll.is_open,
                row=row,
            )
        )

    async def act(self, interaction: discord.Interaction) -> None:
        try:
            option_ids = [int(value) for value in self.item.values]
        except ValueError:
            raise UserError("That option is not part of this poll.") from None
        await _vote(interaction, self.poll_id, option_ids)


class ResultsButton(PollButton, tag="res"):
    @classmethod
    def new(cls, poll_id: int, *, row: int) -> ResultsButton:
        return cls(
            discord.ui.Button(
                label="Results",
                emoji="📊",
                style=discord.ButtonStyle.secondary,
                custom_id=cls.custom_id_for(poll_id),
                row=row,
            )
        )

    async def act(self, interaction: discord.Interaction) -> None:
        bot = study_bot(interaction)
        poll = await bot.services.polls.get(self.poll_id, guild_id_of(interaction))
        embed, file = await results_message(bot, poll)
        await interaction.response.send_message(embed=embed, file=file, ephemeral=True)


class WithdrawButton(PollButton, tag="x"):
    @classmethod
    def new(cls, poll_id: int, *, row: int) -> WithdrawButton:
        return cls(
            discord.ui.Button(
                label="Withdraw my vote",
                style=discord.ButtonStyle.secondary,
                custom_id=cls.custom_id_for(poll_id),
                row=row,
            )
        )

    async def act(self, interaction: discord.Interaction) -> None:
        polls = study_bot(interaction).services.polls
        guild_id = guild_id_of(interaction)
        number = (await polls.get(self.poll_id, guild_id)).number
        removed = await polls.retract(self.poll_id, guild_id, interaction.user.id)
        text = (
            f"Your vote in poll #{number} is withdrawn."
            if removed
            else f"You have no vote in poll #{number} to withdraw."
        )
        await interaction.response.send_message(text, ephemeral=True)


# ---- the ranked ballot ------------------------------------------------------------------------


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
        title=limits.truncate(f"Your ballot — ranked vote #{poll.number}", limits.EMBED_TITLE),
        description=limits.truncate("\n".join(lines), limits.EMBED_DESCRIPTION),
        colour=COLOUR_OPEN,
    )
    if poll.anonymous:
        embed.set_footer(text="Anonymous: nobody, organisers included, can see your ranking.")
    view = discord.ui.View(timeout=None)
    if remaining:
        code = "".join(POSITIONS[o.position] for o in ranked)
        view.add_item(RankSelect.new(poll.id, code, remaining, len(ranked) + 1))
    if ranked:
        view.add_item(RankButton.new(poll.id, "e", row=1))
    view.add_item(WithdrawButton.new(poll.id, row=1))
    return embed, view


def _decode_ranking(poll: PollInfo, ranked: str) -> list[PollOptionInfo]:
    by_position = {POSITIONS[o.position]: o for o in poll.options if o.position < len(POSITIONS)}
    chosen = []
    for char in ranked:
        option = by_position.get(char)
        if option is None or option in chosen:
            raise UserError("That ballot is out of date; press **Rank** on the poll again.")
        chosen.append(option)
    return chosen


class RankButton(PollButton, tag="rank", arg="[ne]"):
    """``n`` opens a new private ballot; ``e`` (on that ballot) starts the ranking over."""

    mode: str

    def read_arg(self, arg: str) -> None:
        self.mode = arg

    @classmethod
    def new(cls, poll_id: int, mode: str, *, row: int, disabled: bool = False) -> RankButton:
        return cls(
            discord.ui.Button(
                label="Rank" if mode == "n" else "Start over",
                emoji="🗳️" if mode == "n" else None,
                style=discord.ButtonStyle.primary if mode == "n" else discord.ButtonStyle.secondary,
                custom_id=cls.custom_id_for(poll_id, mode),
                row=row,
                disabled=disabled,
            )
        )

    async def act(self, interaction: discord.Interaction) -> None:
        polls = study_bot(interaction).services.polls
        guild_id = guild_id_of(interaction)
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


class RankSelect(PollSelect, tag="rs", arg="[0-9a-z]{0,25}"):
    """The next choice; the custom id holds the ranking so far (see ``POSITIONS``)."""

    ranked: str

    def read_arg(self, arg: str) -> None:
        self.ranked = arg

    @classmethod
    def new(
        cls, poll_id: int, ranked: str, remaining: Sequence[PollOptionInfo], place: int
    ) -> RankSelect:
        return cls(
            discord.ui.Select(
                custom_id=cls.custom_id_for(poll_id, ranked),
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
        )

    async def act(self, interaction: discord.Interaction) -> None:
        polls = study_bot(interaction).services.polls
        guild_id = guild_id_of(interaction)
        poll = await polls.get(self.poll_id, guild_id)
        ranked = _decode_ranking(poll, self.ranked + "".join(self.item.values))
        await polls.rank(poll.id, guild_id, interaction.user.id, [o.id for o in ranked])
        embed, view = ballot_message(poll, ranked, saved=True)
        await interaction.response.edit_message(embed=embed, view=view, allowed_mentions=NO_PINGS)
