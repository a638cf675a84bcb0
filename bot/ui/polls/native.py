"""Results of any poll, Discord's native polls included.

A native poll is Discord's: Discord counts its votes and ends it. The bot numbers it like its
own polls, so ``/poll results`` reads the counts from the poll message and ``/poll close``
asks Discord to end it; what Discord cannot tell (who voted, once the message is deleted) is
said plainly instead.
"""

from __future__ import annotations

import discord

from bot.discussion.polls import OptionCount, PollInfo, PollResult
from bot.errors import UserError
from bot.types import StudyBot
from bot.ui import limits
from bot.ui.polls.embeds import chart_file, result_embed

GONE = (
    "The message of native poll #{number} was deleted, and Discord keeps no results I can "
    "read without it."
)


async def _message(bot: StudyBot, poll: PollInfo) -> discord.Message:
    if poll.message_id is None:
        raise UserError(GONE.format(number=poll.number))
    channel = bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
    try:
        return await channel.fetch_message(poll.message_id)
    except discord.NotFound:
        raise UserError(GONE.format(number=poll.number)) from None


def counted(poll: PollInfo, native: discord.Poll) -> PollResult:
    """Discord's counts as a result: answers in order, the most votes win (ties kept)."""
    votes = {answer.id: answer.vote_count for answer in native.answers}
    options = tuple(
        OptionCount(option.id, option.label, None, votes.get(option.position + 1, 0))
        for option in poll.options
    )
    top = max((o.votes for o in options), default=0)
    return PollResult(
        poll_id=poll.id,
        kind=poll.kind,
        question=poll.question,
        closed=native.is_finalised() or not poll.is_open,
        # Discord gives answer counts, not voters: for a single-answer poll they are the same.
        ballots=sum(o.votes for o in options),
        options=options,
        winners=tuple(o.option_id for o in options if top and o.votes == top),
    )


async def native_result(bot: StudyBot, poll: PollInfo) -> PollResult:
    message = await _message(bot, poll)
    if message.poll is None:
        raise UserError(GONE.format(number=poll.number))
    return counted(poll, message.poll)


async def close_native(bot: StudyBot, poll: PollInfo) -> PollResult:
    """Ask Discord to end the poll now (it posts its own result message)."""
    message = await _message(bot, poll)
    native = message.poll
    if native is None:
        raise UserError(GONE.format(number=poll.number))
    if not native.is_finalised():
        try:
            await message.end_poll()
        except discord.HTTPException as error:
            raise UserError(
                f"Discord would not end native poll #{poll.number} ({error.text or error.status})."
            ) from None
        native = (await _message(bot, poll)).poll or native
    result = counted(poll, native)
    await bot.services.polls.record_native_close(poll.id, poll.guild_id, result)
    return result


async def results_message(
    bot: StudyBot, poll: PollInfo, *, show_voters: bool = False
) -> tuple[discord.Embed, discord.File]:
    """The ``/poll results`` reply: tally embed and bar chart (hidden results refuse)."""
    polls = bot.services.polls
    if poll.native:
        if show_voters:
            raise UserError(
                "For Discord's native polls, see who voted on the poll itself: click a vote "
                "count under the question."
            )
        result = await native_result(bot, poll)
    else:
        result = await polls.results(poll.id, poll.guild_id)  # refuses while hidden
    name, file = chart_file(result)
    embed = result_embed(poll, result, chart_name=name)
    if poll.native:
        embed.set_footer(text=f"{embed.footer.text} · Discord's native poll: votes, not voters")
    if show_voters:
        voters = await polls.voters(poll.id, poll.guild_id)  # refuses anonymous polls
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
