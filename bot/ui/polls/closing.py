"""Closing polls: at the deadline (the ``poll.close`` timer), at start-up for polls whose
deadline passed while the bot was down, and announcing each result once."""

from __future__ import annotations

import logging
from collections.abc import Callable

import discord

from bot.discussion.polls import CloseOutcome, PollInfo
from bot.errors import NotFound
from bot.services import poll_close_key
from bot.text import neutralise_mentions
from bot.types import StudyBot
from bot.ui import limits
from bot.ui.faults import NotDelivered, fault_notes
from bot.ui.polls.ballots import poll_view
from bot.ui.polls.embeds import (
    KIND_NAMES,
    NO_PINGS,
    chart_file,
    poll_embed,
    result_embed,
    winner_summary,
)
from bot.ui.polls.follow_ups import follow_up_view

log = logging.getLogger(__name__)


async def results_channel_id(bot: StudyBot, poll: PollInfo) -> int:
    """Where results are posted: the server's polls channel, else the poll's own channel."""
    config = await bot.guild_config.get(poll.guild_id)
    return config.channels.get("polls") or poll.channel_id


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
    channel_id = await results_channel_id(bot, poll)
    name, file = chart_file(result)
    embed = result_embed(poll, result, chart_name=name)
    content = f"📊 {KIND_NAMES.get(poll.kind, 'Poll')} #{poll.number} has closed. {winner_summary(result)}"
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
            f"Poll #{poll.number} is closed, but I could not post its result in <#{channel_id}> "
            f"(`/poll results id:{poll.number}` shows it)",
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


async def close_overdue(bot: StudyBot, owns_guild: Callable[[int], bool]) -> list[CloseOutcome]:
    """Close this process's polls whose deadline passed while the bot was down, and cancel
    their timers (so the dispatcher, started later, does not report them as missed)."""
    outcomes = await bot.services.polls.close_overdue(owns_guild)
    for outcome in outcomes:
        await bot.timers.cancel_key(poll_close_key(outcome.poll.id), guild_id=outcome.poll.guild_id)
    return outcomes


async def announce_all(bot: StudyBot, outcomes: list[CloseOutcome]) -> None:
    """Announce polls closed at start-up, one after another; one failure stops none."""
    for outcome in outcomes:
        try:
            await announce_close(bot, outcome)
        except Exception:
            log.exception("could not announce overdue poll %s", outcome.poll.id)
