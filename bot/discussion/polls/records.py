"""Loading a poll's rows, always within one server, and reading them as value types."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models.discussion import Poll, PollOption
from bot.discussion.polls.model import MAX_ID, PollInfo, PollOptionInfo
from bot.errors import NotFound


async def get_poll(session: AsyncSession, poll_id: int, guild_id: int) -> Poll:
    """The poll, or :class:`NotFound` (also for another server's poll: nothing leaks)."""
    if not 0 < poll_id <= MAX_ID:
        # Ids are 32-bit: PostgreSQL would refuse a larger number instead of finding nothing.
        raise NotFound(f"There is no poll #{poll_id} in this server.")
    poll = (
        await session.execute(select(Poll).where(Poll.id == poll_id, Poll.guild_id == guild_id))
    ).scalar_one_or_none()
    if poll is None:
        raise NotFound(f"There is no poll #{poll_id} in this server.")
    return poll


async def load_options(session: AsyncSession, poll_id: int) -> list[PollOption]:
    """The poll's options in the order they were given."""
    return list(
        (
            await session.execute(
                select(PollOption)
                .where(PollOption.poll_id == poll_id)
                .order_by(PollOption.position)
            )
        ).scalars()
    )


async def poll_by_number(session: AsyncSession, guild_id: int, number: int) -> Poll:
    """The server's poll #``number`` (the number members see), or :class:`NotFound`."""
    poll = None
    if 0 < number <= MAX_ID:
        poll = await session.scalar(
            select(Poll).where(Poll.guild_id == guild_id, Poll.number == number)
        )
    if poll is None:
        raise NotFound(f"There is no poll #{number} in this server.")
    return poll


async def next_number(session: AsyncSession, guild_id: int) -> int:
    """The number the server's next poll gets (a race is caught by the unique index)."""
    highest = await session.scalar(select(func.max(Poll.number)).where(Poll.guild_id == guild_id))
    return int(highest or 0) + 1


def option_infos(options: Sequence[PollOption]) -> tuple[PollOptionInfo, ...]:
    return tuple(
        PollOptionInfo(option.id, option.position, option.label, option.payload)
        for option in options
    )


def poll_info(poll: Poll, options: Sequence[PollOption] | tuple[PollOptionInfo, ...]) -> PollInfo:
    """``options`` may already be value types: rows expire once their session commits."""
    return PollInfo(
        id=poll.id,
        guild_id=poll.guild_id,
        channel_id=poll.channel_id,
        message_id=poll.message_id,
        creator_id=poll.creator_id,
        question=poll.question,
        kind=poll.kind,
        anonymous=poll.anonymous,
        hide_results=poll.hide_results,
        created_at=poll.created_at,
        closes_at=poll.closes_at,
        closed_at=poll.closed_at,
        number=poll.number,
        native=poll.native,
        options=tuple(
            option if isinstance(option, PollOptionInfo) else option_infos([option])[0]
            for option in options
        ),
    )
