"""Ballots: one per member per poll, cast, changed and withdrawn safely under concurrency.

- ``poll_ballots`` is unique on ``(poll_id, voter_key)``. Changing a vote updates (and so
  locks) the member's ballot row, then swaps its choices, in one transaction; concurrent first
  votes of one member trip the unique key and are retried. A ballot is never half old, half new.
- Anonymous polls store ``HMAC-SHA256(per-poll salt [+ service pepper], user id)`` instead of
  the user id, and the salt is erased when the poll closes. Nothing here maps a ballot back to
  a member, and :meth:`Ballots.voters` refuses anonymous polls.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import affected_rows
from bot.db.models.discussion import Poll, PollBallot, PollOption, PollVote
from bot.discussion.polls.model import Clock
from bot.discussion.polls.records import get_poll, load_options
from bot.errors import PermissionDenied, UserError

_RETRIES = 8

# Checks a ballot against its poll (kind, known options) and returns (option id, rank) rows.
Choices = Callable[[Poll, set[int]], list[tuple[int, int | None]]]


class Ballots:
    """The members' ballots of every poll (the voting half of :class:`PollService`)."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], clock: Clock, pepper: bytes
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._pepper = pepper

    async def has_voted(self, poll_id: int, guild_id: int, user_id: int) -> bool:
        async with self._sessions() as session:
            poll = await get_poll(session, poll_id, guild_id)
            if poll.anonymous and poll.voter_salt is None:
                return False  # closed anonymous poll: nobody can tell any more
            key = self._voter_key(poll, user_id)
            found = await session.execute(
                select(PollBallot.id).where(
                    PollBallot.poll_id == poll_id, PollBallot.voter_key == key
                )
            )
            return found.first() is not None

    async def voters(self, poll_id: int, guild_id: int) -> dict[int, list[int]]:
        async with self._sessions() as session:
            poll = await get_poll(session, poll_id, guild_id)
            if poll.anonymous:
                raise PermissionDenied("This poll is anonymous: nobody can see who voted.")
            options = await load_options(session, poll.id)
            found: dict[int, list[int]] = {option.id: [] for option in options}
            rows = await session.execute(
                select(PollVote.option_id, PollBallot.user_id)
                .join(PollBallot, PollBallot.id == PollVote.ballot_id)
                .where(PollVote.poll_id == poll_id, PollVote.guild_id == guild_id)
                .order_by(PollBallot.id)
            )
            for option_id, user_id in rows:
                if user_id is not None:  # None: anonymised by a privacy deletion
                    found[option_id].append(user_id)
            return found

    async def vote(
        self, poll_id: int, guild_id: int, user_id: int, option_ids: Sequence[int]
    ) -> tuple[int, ...]:
        chosen = tuple(dict.fromkeys(option_ids))
        if len(chosen) != len(option_ids):
            raise UserError("You picked the same option twice.")
        if not chosen:
            raise UserError("Pick at least one option.")

        def choices(poll: Poll, valid: set[int]) -> list[tuple[int, int | None]]:
            if poll.kind == "ranked":
                raise UserError("This is a ranked poll: rank the options instead.")
            if poll.kind == "single" and len(chosen) != 1:
                raise UserError("This poll takes one choice; pick a single option.")
            _check_known(chosen, valid)
            return [(option_id, None) for option_id in chosen]

        await self._cast(poll_id, guild_id, user_id, choices)
        return chosen

    async def rank(
        self, poll_id: int, guild_id: int, user_id: int, ordered_option_ids: Sequence[int]
    ) -> tuple[int, ...]:
        ordered = tuple(ordered_option_ids)
        if len(set(ordered)) != len(ordered):
            raise UserError("Each option can appear only once in your ranking.")
        if not ordered:
            raise UserError("Rank at least one option.")

        def choices(poll: Poll, valid: set[int]) -> list[tuple[int, int | None]]:
            if poll.kind != "ranked":
                raise UserError("This poll is not ranked: pick options instead.")
            _check_known(ordered, valid)
            return [(option_id, rank) for rank, option_id in enumerate(ordered, start=1)]

        await self._cast(poll_id, guild_id, user_id, choices)
        return ordered

    async def retract(self, poll_id: int, guild_id: int, user_id: int) -> bool:
        async with self._sessions.begin() as session:
            poll = await get_poll(session, poll_id, guild_id)
            _check_open(poll, self._clock())
            key = self._voter_key(poll, user_id)
            return await _delete_ballot(session, poll_id, key) > 0

    async def forget(self, poll_id: int, guild_id: int, user_id: int) -> bool:
        async with self._sessions.begin() as session:
            poll = await get_poll(session, poll_id, guild_id)
            if poll.anonymous and poll.voter_salt is None:
                return False
            return await _delete_ballot(session, poll_id, self._voter_key(poll, user_id)) > 0

    async def _cast(self, poll_id: int, guild_id: int, user_id: int, choices: Choices) -> None:
        for _ in range(_RETRIES):
            async with self._sessions() as session:
                poll = await get_poll(session, poll_id, guild_id)
                _check_open(poll, self._clock())
                valid = set(
                    (
                        await session.execute(
                            select(PollOption.id).where(PollOption.poll_id == poll_id)
                        )
                    ).scalars()
                )
                rows = choices(poll, valid)
                key = self._voter_key(poll, user_id)
                try:
                    await self._write(session, poll, key, user_id, rows)
                except IntegrityError:
                    await session.rollback()
                    continue
                return
        raise UserError("Many votes are arriving at once; please click again.")

    async def _write(
        self,
        session: AsyncSession,
        poll: Poll,
        key: str,
        user_id: int,
        rows: list[tuple[int, int | None]],
    ) -> None:
        """Replace the member's choices in one transaction (an IntegrityError means retry).

        Touching the member's existing ballot row first locks it, so concurrent changes by the
        same member queue up behind each other; two first votes racing each other trip the
        unique key (poll_id, voter_key) and the loser retries, finding the winner's row.
        """
        now = self._clock()
        ballot_id = (
            await session.execute(
                update(PollBallot)
                .where(PollBallot.poll_id == poll.id, PollBallot.voter_key == key)
                .values(cast_at=now)
                .returning(PollBallot.id)
                .execution_options(synchronize_session=False)
            )
        ).scalar_one_or_none()
        if ballot_id is None:
            ballot_id = (
                await session.execute(
                    insert(PollBallot)
                    .values(
                        poll_id=poll.id,
                        guild_id=poll.guild_id,
                        voter_key=key,
                        user_id=None if poll.anonymous else user_id,
                        cast_at=now,
                    )
                    .returning(PollBallot.id)
                )
            ).scalar_one()
        else:
            await session.execute(delete(PollVote).where(PollVote.ballot_id == ballot_id))
        await session.execute(
            insert(PollVote),
            [
                {
                    "ballot_id": ballot_id,
                    "poll_id": poll.id,
                    "guild_id": poll.guild_id,
                    "option_id": option_id,
                    "rank": rank,
                }
                for option_id, rank in rows
            ],
        )
        await session.commit()

    def _voter_key(self, poll: Poll, user_id: int) -> str:
        if not poll.anonymous:
            return str(user_id)
        if poll.voter_salt is None:
            raise UserError("This poll is closed.")
        key = bytes.fromhex(poll.voter_salt) + self._pepper
        return hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()


def _check_known(chosen: Sequence[int], valid: set[int]) -> None:
    if not set(chosen) <= valid:
        raise UserError("That option is not part of this poll.")


def _check_open(poll: Poll, now: datetime) -> None:
    if poll.closed_at is not None or poll.closes_at <= now:
        raise UserError("This poll is closed; votes are no longer accepted.")


async def _delete_ballot(session: AsyncSession, poll_id: int, voter_key: str) -> int:
    ballot_ids = select(PollBallot.id).where(
        PollBallot.poll_id == poll_id, PollBallot.voter_key == voter_key
    )
    # Votes first, explicitly: not every SQLite connection enforces ON DELETE CASCADE.
    await session.execute(delete(PollVote).where(PollVote.ballot_id.in_(ballot_ids)))
    deleted = await session.execute(
        delete(PollBallot).where(PollBallot.poll_id == poll_id, PollBallot.voter_key == voter_key)
    )
    return affected_rows(deleted)
