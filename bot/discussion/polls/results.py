"""Results: counting the ballots, and closing a poll exactly once with its result stored.

Closing is idempotent: ``UPDATE ... WHERE closed_at IS NULL`` decides which caller closed the
poll, and only that caller gets ``newly_closed=True`` (so the result is announced once).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import affected_rows
from bot.db.models.discussion import Poll, PollOption, PollVote
from bot.discussion.polls.model import Clock, CloseOutcome, OptionCount, PollResult
from bot.discussion.polls.records import get_poll, load_options, option_infos, poll_info
from bot.discussion.tally import IrvResult, approval, instant_runoff, slot_tally
from bot.errors import UserError


async def current_result(session: AsyncSession, poll_id: int, guild_id: int) -> PollResult:
    """The tally: final once closed; live while open unless the poll hides results."""
    poll = await get_poll(session, poll_id, guild_id)
    options = await load_options(session, poll_id)
    if poll.closed_at is not None:
        return stored_result(poll)
    if poll.hide_results:
        raise UserError("The results are hidden until the poll closes.")
    return await count_votes(session, poll, options, closed=False)


async def close_poll(
    session: AsyncSession, poll_id: int, guild_id: int, clock: Clock
) -> CloseOutcome:
    """Close the poll if it is open: store its result and erase the anonymous voters' salt."""
    poll = await get_poll(session, poll_id, guild_id)
    options = await load_options(session, poll_id)
    if poll.closed_at is not None:
        return CloseOutcome(poll_info(poll, options), stored_result(poll), False)
    result = await count_votes(session, poll, options, closed=True)
    infos = option_infos(options)
    claimed = await session.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.guild_id == guild_id, Poll.closed_at.is_(None))
        .values(closed_at=clock(), result=result.to_json(), voter_salt=None)
    )
    await session.commit()
    # Reload: whoever won the UPDATE above wrote the closing time and the result.
    session.expire_all()
    poll = await get_poll(session, poll_id, guild_id)
    info = poll_info(poll, infos)
    if affected_rows(claimed) != 1:
        return CloseOutcome(info, stored_result(poll), False)
    return CloseOutcome(info, result, True)


async def count_votes(
    session: AsyncSession, poll: Poll, options: Sequence[PollOption], *, closed: bool
) -> PollResult:
    rows = await session.execute(
        select(PollVote.ballot_id, PollVote.option_id, PollVote.rank)
        .where(PollVote.poll_id == poll.id, PollVote.guild_id == poll.guild_id)
        .order_by(PollVote.ballot_id, PollVote.rank, PollVote.option_id)
    )
    ballots: dict[int, list[str]] = {}
    for ballot_id, option_id, _rank in rows:
        ballots.setdefault(ballot_id, []).append(str(option_id))
    keys = [str(option.id) for option in options]
    irv: IrvResult | None = None
    if poll.kind == "ranked":
        irv = instant_runoff(keys, ballots.values())
        first = irv.rounds[0] if irv.rounds else dict.fromkeys(keys, 0)
        counts = {key: first.get(key, 0) for key in keys}
        winners: tuple[str, ...] = () if irv.winner is None else (irv.winner,)
        cast = irv.ballots
    elif poll.kind == "time":
        slots = [(str(option.id), _slot(option)) for option in options]
        tally = slot_tally(slots, ballots.values())
        counts, winners, cast = tally.counts, tally.winners, tally.ballots
    else:
        tally = approval(keys, ballots.values())
        counts, winners, cast = tally.counts, tally.winners, tally.ballots
    return PollResult(
        poll_id=poll.id,
        kind=poll.kind,
        question=poll.question,
        closed=closed,
        ballots=cast,
        options=tuple(
            OptionCount(option.id, option.label, option.payload, counts[str(option.id)])
            for option in options
        ),
        winners=tuple(int(key) for key in winners),
        irv=irv,
    )


def stored_result(poll: Poll) -> PollResult:
    if poll.result is None:
        raise UserError("This poll was closed without a stored result.")
    return PollResult.from_json(poll.result)


def _slot(option: PollOption) -> datetime:
    try:
        return datetime.fromisoformat(option.payload or "").astimezone(UTC)
    except ValueError:
        # Not a slot (should not happen): order such options after every real one.
        return datetime.max.replace(tzinfo=UTC)
