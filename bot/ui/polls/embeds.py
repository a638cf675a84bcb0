"""What a poll looks like: the poll message, its results, and the chart attached to them."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

import discord
from discord.utils import format_dt

from bot.discussion.chart import render_result_chart
from bot.discussion.polls import PollInfo, PollOptionInfo, PollResult
from bot.discussion.tally import TIE_CANDIDATE_ORDER, TIE_EARLIER_ROUNDS, TIE_FIRST_PREFERENCES
from bot.ui import limits

# Edits without content carry no allowed_mentions unless given; say it every time anyway.
NO_PINGS = discord.AllowedMentions.none()
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


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def slot_time(option: PollOptionInfo) -> datetime | None:
    try:
        return datetime.fromisoformat(option.payload or "")
    except ValueError:
        return None


def option_text(poll: PollInfo, option: PollOptionInfo) -> str:
    """An option as listed in an embed; time slots add a timestamp in the reader's own zone."""
    text = option.label
    if poll.kind == "time" and (slot := slot_time(option)) is not None:
        text += f" — {format_dt(slot, 'f')}"
    return text


# ---- the poll message ---------------------------------------------------------------------


def poll_embed(poll: PollInfo, result: PollResult | None = None) -> discord.Embed:
    """The poll message: question and options while open; question and result once closed."""
    closed = not poll.is_open
    title = f"{KIND_NAMES.get(poll.kind, 'Poll')} #{poll.number}" + (" — closed" if closed else "")
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
    embed.set_footer(text=f"Poll #{poll.number} · /poll results id:{poll.number}")
    return embed


def privacy_notes(poll: PollInfo) -> list[str]:
    notes = []
    if poll.anonymous:
        notes.append("Anonymous: nobody, organisers included, can see who voted for what.")
    if poll.hide_results and poll.is_open:
        notes.append("Results stay hidden until the poll closes.")
    return notes


# ---- results ---------------------------------------------------------------------------------


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
    title = f"Results — {KIND_NAMES.get(poll.kind, 'Poll').lower()} #{poll.number}"
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
