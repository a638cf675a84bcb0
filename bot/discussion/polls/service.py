"""The poll service: creating, reading and closing polls; ballots go to :mod:`.ballots`.

Deadlines: ``schedule_close(guild_id, poll_id, closes_at)`` is awaited after a poll is created
and ``cancel_close(guild_id, poll_id)`` after an early close; the timer then calls
:meth:`PollService.close_due`. :meth:`PollService.close_overdue` is a start-up safety net.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.discussion import Poll, PollOption
from bot.discussion.durations import parse_poll_duration
from bot.discussion.polls.ballots import Ballots
from bot.discussion.polls.model import (
    Candidate,
    Clock,
    CloseOutcome,
    NewOption,
    PollInfo,
    PollResult,
    candidate_options,
    clean_question,
    parse_options,
    slot_options,
)
from bot.discussion.polls.records import (
    get_poll,
    load_options,
    next_number,
    poll_by_number,
    poll_info,
)
from bot.discussion.polls.results import close_poll, current_result
from bot.errors import PermissionDenied

log = logging.getLogger(__name__)

_NUMBER_RETRIES = 5
ScheduleClose = Callable[[int, int, datetime], Awaitable[None]]
CancelClose = Callable[[int, int], Awaitable[None]]


class PollService:
    """Bot-run polls stored in the database, for every server the bot is in."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        schedule_close: ScheduleClose | None = None,
        cancel_close: CancelClose | None = None,
        pepper: bytes = b"",
    ) -> None:
        """``pepper``: optional bot-wide secret mixed into anonymous voter keys, so the salt in
        the database alone is not enough to test a guessed member id. It must stay the same
        across restarts (else a member could vote twice in an open anonymous poll)."""
        self._sessions = session_factory
        self._clock = clock
        self._schedule_close = schedule_close
        self._cancel_close = cancel_close
        self._ballots = Ballots(session_factory, clock, pepper)

    # ---- creating -------------------------------------------------------------------------

    async def create(
        self,
        guild_id: int,
        channel_id: int,
        creator_id: int,
        question: str,
        options_text: str,
        duration_text: str | None = None,
        anonymous: bool = False,
        hide_results: bool = False,
        multiple: bool = False,
    ) -> PollInfo:
        """``/poll create``: parse options (2..25) and duration (1 min..32 days, default 1 day)."""
        cleaned = clean_question(question)
        options: list[NewOption] = [(label, None) for label in parse_options(options_text)]
        kind = "multiple" if multiple else "single"
        return await self._insert(
            guild_id,
            channel_id,
            creator_id,
            cleaned,
            kind,
            options,
            duration_text,
            anonymous,
            hide_results,
        )

    async def create_ranked(
        self,
        guild_id: int,
        channel_id: int,
        creator_id: int,
        question: str,
        candidates: Sequence[Candidate],
        duration_text: str | None = None,
        anonymous: bool = False,
        hide_results: bool = False,
    ) -> PollInfo:
        """``/poll next-reading``: a ranked poll over 2..25 candidates (payload = reading id)."""
        cleaned = clean_question(question)
        options = candidate_options(candidates)
        return await self._insert(
            guild_id,
            channel_id,
            creator_id,
            cleaned,
            "ranked",
            options,
            duration_text,
            anonymous,
            hide_results,
        )

    async def create_time(
        self,
        guild_id: int,
        channel_id: int,
        creator_id: int,
        question: str,
        slots: Sequence[datetime],
        labels: Sequence[str] | None = None,
        duration_text: str | None = None,
        anonymous: bool = False,
        hide_results: bool = False,
    ) -> PollInfo:
        """``/poll time``: members approve every slot that works (2..10 distinct aware slots).

        ``labels`` (e.g. slots in the server's time zone) default to ``YYYY-MM-DD HH:MM UTC``;
        each option's payload is the slot as ISO-8601 UTC.
        """
        options = slot_options(slots, labels)
        cleaned = clean_question(question or "Which times work for you?")
        return await self._insert(
            guild_id,
            channel_id,
            creator_id,
            cleaned,
            "time",
            options,
            duration_text,
            anonymous,
            hide_results,
        )

    async def _insert(
        self,
        guild_id: int,
        channel_id: int,
        creator_id: int,
        question: str,
        kind: str,
        options: Sequence[NewOption],
        duration_text: str | None,
        anonymous: bool,
        hide_results: bool,
    ) -> PollInfo:
        now = self._clock()
        closes_at = now + parse_poll_duration(duration_text)
        info = await self._store(
            guild_id,
            channel_id,
            creator_id,
            question,
            kind,
            options,
            anonymous,
            hide_results,
            now,
            closes_at,
        )
        if self._schedule_close is not None:
            try:
                await self._schedule_close(guild_id, info.id, closes_at)
            except Exception:
                # The poll still works; close_overdue() at startup closes it if no timer does.
                log.exception("could not schedule the close of poll %s", info.id)
        return info

    async def _store(
        self,
        guild_id: int,
        channel_id: int,
        creator_id: int,
        question: str,
        kind: str,
        options: Sequence[NewOption],
        anonymous: bool,
        hide_results: bool,
        now: datetime,
        closes_at: datetime,
        *,
        native: bool = False,
    ) -> PollInfo:
        """Insert the poll with the server's next number (retried if another took it)."""
        for attempt in range(_NUMBER_RETRIES):
            try:
                async with self._sessions.begin() as session:
                    poll = Poll(
                        guild_id=guild_id,
                        number=await next_number(session, guild_id),
                        native=native,
                        channel_id=channel_id,
                        creator_id=creator_id,
                        question=question,
                        kind=kind,
                        anonymous=anonymous,
                        hide_results=hide_results,
                        voter_salt=secrets.token_hex(32) if anonymous else None,
                        created_at=now,
                        closes_at=closes_at,
                    )
                    session.add(poll)
                    await session.flush()
                    rows = [
                        PollOption(
                            poll_id=poll.id,
                            guild_id=guild_id,
                            position=n,
                            label=label,
                            payload=payload,
                        )
                        for n, (label, payload) in enumerate(options)
                    ]
                    session.add_all(rows)
                    await session.flush()
                    return poll_info(poll, rows)
            except IntegrityError:
                if attempt == _NUMBER_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    async def track_native(
        self,
        guild_id: int,
        channel_id: int,
        creator_id: int,
        question: str,
        answers: Sequence[str],
        hours: int,
        multiple: bool,
    ) -> PollInfo:
        """Number a Discord native poll so ``/poll results`` and ``/poll close`` find it
        (Discord counts its votes and closes it; no timer is needed)."""
        now = self._clock()
        return await self._store(
            guild_id,
            channel_id,
            creator_id,
            question,
            "multiple" if multiple else "single",
            [(answer, None) for answer in answers],
            False,
            False,
            now,
            now + timedelta(hours=hours),
            native=True,
        )

    async def record_native_close(self, poll_id: int, guild_id: int, result: PollResult) -> None:
        """A native poll ended early: keep Discord's final counts as its stored result."""
        async with self._sessions.begin() as session:
            poll = await get_poll(session, poll_id, guild_id)
            if poll.closed_at is None:
                poll.closed_at = self._clock()
                poll.result = result.to_json()

    async def by_number(self, guild_id: int, number: int) -> PollInfo:
        """The server's poll #``number``, as members name it."""
        async with self._sessions() as session:
            poll = await poll_by_number(session, guild_id, number)
            return poll_info(poll, await load_options(session, poll.id))

    async def attach_message(self, poll_id: int, guild_id: int, message_id: int) -> None:
        """Remember the message that shows the poll (to edit it and re-attach its view)."""
        async with self._sessions.begin() as session:
            poll = await get_poll(session, poll_id, guild_id)
            poll.message_id = message_id

    # ---- reading --------------------------------------------------------------------------

    async def get(self, poll_id: int, guild_id: int) -> PollInfo:
        async with self._sessions() as session:
            poll = await get_poll(session, poll_id, guild_id)
            return poll_info(poll, await load_options(session, poll.id))

    async def recent(
        self, guild_id: int, open_only: bool = False, limit: int = 25
    ) -> list[PollInfo]:
        """The server's newest polls (for autocomplete of ``/poll close`` and ``/poll results``)."""
        query = select(Poll).where(Poll.guild_id == guild_id)
        if open_only:
            query = query.where(Poll.closed_at.is_(None))
        query = query.order_by(Poll.id.desc()).limit(max(1, limit))
        async with self._sessions() as session:
            polls = list((await session.execute(query)).scalars())
            return [poll_info(poll, await load_options(session, poll.id)) for poll in polls]

    async def results(self, poll_id: int, guild_id: int) -> PollResult:
        """The tally: final once closed; live while open unless the poll hides results."""
        async with self._sessions() as session:
            return await current_result(session, poll_id, guild_id)

    # ---- ballots (see bot.discussion.polls.ballots) ---------------------------------------

    async def has_voted(self, poll_id: int, guild_id: int, user_id: int) -> bool:
        """Whether this member has a ballot (for "you already voted; this replaces it")."""
        return await self._ballots.has_voted(poll_id, guild_id, user_id)

    async def voters(self, poll_id: int, guild_id: int) -> dict[int, list[int]]:
        """Who voted for what (option id -> user ids) — refused for anonymous polls."""
        return await self._ballots.voters(poll_id, guild_id)

    async def vote(
        self, poll_id: int, guild_id: int, user_id: int, option_ids: Sequence[int]
    ) -> tuple[int, ...]:
        """Cast or replace this member's ballot: one option (single), one or more (multiple,
        time). Returns the chosen option ids."""
        return await self._ballots.vote(poll_id, guild_id, user_id, option_ids)

    async def rank(
        self, poll_id: int, guild_id: int, user_id: int, ordered_option_ids: Sequence[int]
    ) -> tuple[int, ...]:
        """Cast or replace a ranked ballot, most preferred first (ranking only some is fine)."""
        return await self._ballots.rank(poll_id, guild_id, user_id, ordered_option_ids)

    async def retract(self, poll_id: int, guild_id: int, user_id: int) -> bool:
        """Withdraw this member's ballot from an open poll; False if they had none."""
        return await self._ballots.retract(poll_id, guild_id, user_id)

    async def forget_ballot(self, poll_id: int, guild_id: int, user_id: int) -> bool:
        """Privacy deletion: remove this member's ballot even from an anonymous poll, while its
        salt still exists (an unclosed poll); False if there was none to find."""
        return await self._ballots.forget(poll_id, guild_id, user_id)

    # ---- closing --------------------------------------------------------------------------

    async def close(
        self, poll_id: int, guild_id: int, actor_id: int, actor_is_organiser: bool
    ) -> CloseOutcome:
        """``/poll close``: the creator or an organiser closes the poll early (idempotent)."""
        async with self._sessions() as session:
            poll = await get_poll(session, poll_id, guild_id)
            if not actor_is_organiser and (poll.creator_id is None or poll.creator_id != actor_id):
                raise PermissionDenied("Only the poll's creator or an organiser can close it.")
        outcome = await self._close(poll_id, guild_id)
        if outcome.newly_closed and self._cancel_close is not None:
            try:
                await self._cancel_close(guild_id, poll_id)
            except Exception:
                log.exception("could not cancel the close timer of poll %s", poll_id)
        return outcome

    async def close_due(self, poll_id: int, guild_id: int) -> CloseOutcome:
        """The timer's handler at the deadline (idempotent: a second call announces nothing)."""
        return await self._close(poll_id, guild_id)

    async def close_overdue(
        self, owns_guild: Callable[[int], bool] = lambda _guild_id: True
    ) -> list[CloseOutcome]:
        """Close every poll of this process's servers whose deadline passed (e.g. while the bot
        was down); returns only the polls this call closed, so each is announced once."""
        now = self._clock()
        async with self._sessions() as session:
            due = (
                await session.execute(
                    select(Poll.id, Poll.guild_id).where(
                        # Discord closes its own polls and keeps their counts.
                        Poll.closed_at.is_(None),
                        Poll.closes_at <= now,
                        Poll.native.is_(False),
                    )
                )
            ).all()
        outcomes = [
            await self._close(poll_id, guild_id)
            for poll_id, guild_id in due
            if owns_guild(guild_id)
        ]
        return [outcome for outcome in outcomes if outcome.newly_closed]

    async def _close(self, poll_id: int, guild_id: int) -> CloseOutcome:
        async with self._sessions() as session:
            return await close_poll(session, poll_id, guild_id, self._clock)
