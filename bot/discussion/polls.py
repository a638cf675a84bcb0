"""Bot-run polls: single/multiple choice, ranked (instant-runoff) and time-slot polls.

Design notes
- One ballot per member: ``poll_ballots`` is unique on ``(poll_id, voter_key)``. Changing a
  vote updates (and so locks) the member's ballot row, then swaps its choices, in one
  transaction; concurrent first votes of one member trip the unique key and are retried. A
  ballot is never half old, half new.
- Anonymous polls store ``HMAC-SHA256(per-poll salt [+ service pepper], user id)`` instead of
  the user id, and erase the salt when the poll closes. Nothing here maps a ballot back to a
  member, and :meth:`PollService.voters` refuses anonymous polls.
- Closing is idempotent: ``UPDATE ... WHERE closed_at IS NULL`` decides which caller closed it,
  and only that caller gets ``newly_closed=True`` (so the result is announced once).
- Deadlines: ``schedule_close(guild_id, poll_id, closes_at)`` is awaited after a poll is created
  and ``cancel_close(guild_id, poll_id)`` after an early close; the timer then calls
  :meth:`PollService.close_due`. :meth:`PollService.close_overdue` is a startup safety net.
- Option limits: 2..25 options (a select menu holds 25); labels up to 80 characters so they fit
  a button (80) as well as a select option (100). Suggested rendering: buttons for up to 10
  options (two rows of five), a select menu above that. Question up to 300 characters (it does
  not fit an embed title, 256: render it in the description).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.discussion import Poll, PollBallot, PollOption, PollVote
from bot.discussion.durations import parse_poll_duration
from bot.discussion.tally import IrvResult, approval, instant_runoff, slot_tally
from bot.discussion.text import clean_text
from bot.errors import NotFound, PermissionDenied, UserError

log = logging.getLogger(__name__)

QUESTION_MAX_LENGTH = 300
OPTION_LABEL_MAX_LENGTH = 80
MIN_OPTIONS = 2
MAX_OPTIONS = 25
BUTTON_OPTIONS_MAX = 10
MIN_SLOTS = 2
MAX_SLOTS = 10
PAYLOAD_MAX_LENGTH = 100
MAX_ID = 2**31 - 1  # polls.id is a 32-bit INTEGER
_RETRIES = 8

Clock = Callable[[], datetime]
ScheduleClose = Callable[[int, int, datetime], Awaitable[None]]
CancelClose = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True)
class PollOptionInfo:
    id: int
    position: int
    label: str
    payload: str | None


@dataclass(frozen=True)
class PollInfo:
    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    creator_id: int | None
    question: str
    kind: str
    anonymous: bool
    hide_results: bool
    created_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    options: tuple[PollOptionInfo, ...]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def option(self, option_id: int) -> PollOptionInfo | None:
        return next((option for option in self.options if option.id == option_id), None)


@dataclass(frozen=True)
class OptionCount:
    option_id: int
    label: str
    payload: str | None
    votes: int  # for ranked polls: first preferences


@dataclass(frozen=True)
class PollResult:
    """A tally. ``winners`` are option ids: ties kept for single/multiple polls, one (the
    earliest) for time polls, the instant-runoff winner for ranked polls."""

    poll_id: int
    kind: str
    question: str
    closed: bool
    ballots: int
    options: tuple[OptionCount, ...]
    winners: tuple[int, ...]
    irv: IrvResult | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "poll_id": self.poll_id,
            "kind": self.kind,
            "question": self.question,
            "closed": self.closed,
            "ballots": self.ballots,
            "options": [
                {"option_id": o.option_id, "label": o.label, "payload": o.payload, "votes": o.votes}
                for o in self.options
            ],
            "winners": list(self.winners),
            "irv": None if self.irv is None else self.irv.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PollResult:
        return cls(
            poll_id=data["poll_id"],
            kind=data["kind"],
            question=data["question"],
            closed=data["closed"],
            ballots=data["ballots"],
            options=tuple(
                OptionCount(o["option_id"], o["label"], o["payload"], o["votes"])
                for o in data["options"]
            ),
            winners=tuple(data["winners"]),
            irv=None if data["irv"] is None else IrvResult.from_json(data["irv"]),
        )

    def label_of(self, option_id: int | str) -> str:
        wanted = int(option_id)
        return next((o.label for o in self.options if o.option_id == wanted), "?")


@dataclass(frozen=True)
class CloseOutcome:
    poll: PollInfo
    result: PollResult
    newly_closed: bool  # announce only when True: closing twice announces once


@dataclass(frozen=True)
class Candidate:
    """A ranked-poll candidate: label shown to members, payload e.g. the reading id."""

    label: str
    payload: str | None = None


def parse_options(text: str, *, max_options: int = MAX_OPTIONS) -> list[str]:
    """Split options given as lines, or ``a; b; c``, or ``a, b, c`` (in that precedence).

    Each label is cleaned to one line of 1..80 characters; blanks from stray separators are
    dropped; duplicates (ignoring case) and counts outside 2..``max_options`` are refused.
    """
    raw = text or ""
    if "\n" in raw.strip():
        parts = raw.splitlines()
    elif ";" in raw:
        parts = raw.split(";")
    else:
        parts = raw.split(",")
    labels: list[str] = []
    seen: set[str] = set()
    for part in parts:
        if not part.strip():
            continue
        position = len(labels) + 1
        label = clean_text(
            part, field=f"option {position}", max_len=OPTION_LABEL_MAX_LENGTH, single_line=True
        )
        folded = label.casefold()
        if folded in seen:
            raise UserError(f"The option {label!r} is listed twice; each option must differ.")
        seen.add(folded)
        labels.append(label)
    _check_option_count(len(labels), max_options)
    return labels


def _check_option_count(count: int, max_options: int) -> None:
    if count < MIN_OPTIONS:
        raise UserError(
            f"A poll needs at least {MIN_OPTIONS} options; separate them with `;` or `,` "
            "(e.g. `tea; coffee; juice`)."
        )
    if count > max_options:
        raise UserError(f"A poll can have at most {max_options} options (you gave {count}).")


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
        self._pepper = pepper

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
        cleaned_question = _clean_question(question)
        labels = parse_options(options_text)
        return await self._insert(
            guild_id,
            channel_id,
            creator_id,
            cleaned_question,
            "multiple" if multiple else "single",
            [(label, None) for label in labels],
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
        cleaned_question = _clean_question(question)
        options = _clean_candidates(candidates)
        return await self._insert(
            guild_id,
            channel_id,
            creator_id,
            cleaned_question,
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
        if not MIN_SLOTS <= len(slots) <= MAX_SLOTS:
            raise UserError(f"A time poll needs {MIN_SLOTS} to {MAX_SLOTS} candidate times.")
        if any(slot.tzinfo is None for slot in slots):
            raise ValueError("time poll slots must be aware datetimes")
        utc_slots = [slot.astimezone(UTC) for slot in slots]
        if len(set(utc_slots)) != len(utc_slots):
            raise UserError("Two of the candidate times are the same; give distinct times.")
        if labels is not None and len(labels) != len(slots):
            raise ValueError("one label per slot")
        shown = labels or [f"{slot:%Y-%m-%d %H:%M} UTC" for slot in utc_slots]
        options = [
            (
                clean_text(
                    label,
                    field=f"time {index}",
                    max_len=OPTION_LABEL_MAX_LENGTH,
                    single_line=True,
                ),
                slot.isoformat(),
            )
            for index, (label, slot) in enumerate(zip(shown, utc_slots, strict=True), start=1)
        ]
        cleaned_question = _clean_question(question or "Which times work for you?")
        return await self._insert(
            guild_id,
            channel_id,
            creator_id,
            cleaned_question,
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
        options: Sequence[tuple[str, str | None]],
        duration_text: str | None,
        anonymous: bool,
        hide_results: bool,
    ) -> PollInfo:
        now = self._clock()
        closes_at = now + parse_poll_duration(duration_text)
        async with self._sessions.begin() as session:
            poll = Poll(
                guild_id=guild_id,
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
                    poll_id=poll.id, guild_id=guild_id, position=index, label=label, payload=payload
                )
                for index, (label, payload) in enumerate(options)
            ]
            session.add_all(rows)
            await session.flush()
            info = _info(poll, rows)
        if self._schedule_close is not None:
            try:
                await self._schedule_close(guild_id, info.id, closes_at)
            except Exception:
                # The poll still works; close_overdue() at startup closes it if no timer does.
                log.exception("could not schedule the close of poll %s", info.id)
        return info

    async def attach_message(self, poll_id: int, guild_id: int, message_id: int) -> None:
        """Remember the message that shows the poll (to edit it and re-attach its view)."""
        async with self._sessions.begin() as session:
            poll = await _get_poll(session, poll_id, guild_id)
            poll.message_id = message_id

    # ---- reading --------------------------------------------------------------------------

    async def get(self, poll_id: int, guild_id: int) -> PollInfo:
        async with self._sessions() as session:
            poll = await _get_poll(session, poll_id, guild_id)
            return _info(poll, await _options(session, poll.id))

    async def recent(
        self, guild_id: int, open_only: bool = False, limit: int = 25
    ) -> list[PollInfo]:
        """The server's newest polls (for autocomplete of ``/poll close`` and ``/poll results``)."""
        query = select(Poll).where(Poll.guild_id == guild_id)
        if open_only:
            query = query.where(Poll.closed_at.is_(None))
        async with self._sessions() as session:
            polls = list(
                (
                    await session.execute(query.order_by(Poll.id.desc()).limit(max(1, limit)))
                ).scalars()
            )
            return [_info(poll, await _options(session, poll.id)) for poll in polls]

    async def ballot_count(self, poll_id: int, guild_id: int) -> int:
        """How many members have voted (shown even while results are hidden)."""
        async with self._sessions() as session:
            await _get_poll(session, poll_id, guild_id)
            return (
                await session.execute(
                    select(func.count(PollBallot.id)).where(
                        PollBallot.poll_id == poll_id, PollBallot.guild_id == guild_id
                    )
                )
            ).scalar_one()

    async def has_voted(self, poll_id: int, guild_id: int, user_id: int) -> bool:
        """Whether this member has a ballot (for "you already voted; this replaces it")."""
        async with self._sessions() as session:
            poll = await _get_poll(session, poll_id, guild_id)
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
        """Who voted for what (option id -> user ids) — refused for anonymous polls."""
        async with self._sessions() as session:
            poll = await _get_poll(session, poll_id, guild_id)
            if poll.anonymous:
                raise PermissionDenied("This poll is anonymous: nobody can see who voted.")
            options = await _options(session, poll.id)
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

    # ---- voting ---------------------------------------------------------------------------

    async def vote(
        self, poll_id: int, guild_id: int, user_id: int, option_ids: Sequence[int]
    ) -> tuple[int, ...]:
        """Cast or replace this member's ballot: one option (single), one or more (multiple,
        time). Returns the chosen option ids."""
        chosen = tuple(dict.fromkeys(option_ids))
        if len(chosen) != len(option_ids):
            raise UserError("You picked the same option twice.")
        if not chosen:
            raise UserError("Pick at least one option.")

        def check(poll: Poll, valid: set[int]) -> list[tuple[int, int | None]]:
            if poll.kind == "ranked":
                raise UserError("This is a ranked poll: rank the options instead.")
            if poll.kind == "single" and len(chosen) != 1:
                raise UserError("This poll takes one choice; pick a single option.")
            _check_known(chosen, valid)
            return [(option_id, None) for option_id in chosen]

        await self._cast(poll_id, guild_id, user_id, check)
        return chosen

    async def rank(
        self, poll_id: int, guild_id: int, user_id: int, ordered_option_ids: Sequence[int]
    ) -> tuple[int, ...]:
        """Cast or replace a ranked ballot, most preferred first (ranking only some is fine)."""
        ordered = tuple(ordered_option_ids)
        if len(set(ordered)) != len(ordered):
            raise UserError("Each option can appear only once in your ranking.")
        if not ordered:
            raise UserError("Rank at least one option.")

        def check(poll: Poll, valid: set[int]) -> list[tuple[int, int | None]]:
            if poll.kind != "ranked":
                raise UserError("This poll is not ranked: pick options instead.")
            _check_known(ordered, valid)
            return [(option_id, rank) for rank, option_id in enumerate(ordered, start=1)]

        await self._cast(poll_id, guild_id, user_id, check)
        return ordered

    async def retract(self, poll_id: int, guild_id: int, user_id: int) -> bool:
        """Withdraw this member's ballot from an open poll; False if they had none."""
        async with self._sessions.begin() as session:
            poll = await _get_poll(session, poll_id, guild_id)
            _check_open(poll, self._clock())
            key = self._voter_key(poll, user_id)
            return await _delete_ballot(session, poll_id, key) > 0

    async def _cast(
        self,
        poll_id: int,
        guild_id: int,
        user_id: int,
        check: Callable[[Poll, set[int]], list[tuple[int, int | None]]],
    ) -> None:
        for _ in range(_RETRIES):
            async with self._sessions() as session:
                poll = await _get_poll(session, poll_id, guild_id)
                _check_open(poll, self._clock())
                valid = set(
                    (
                        await session.execute(
                            select(PollOption.id).where(PollOption.poll_id == poll_id)
                        )
                    ).scalars()
                )
                choices = check(poll, valid)
                key = self._voter_key(poll, user_id)
                # Writes start here, all in one transaction. Touching the member's existing
                # ballot row first locks it, so concurrent changes by the same member queue up
                # behind each other; two first votes racing each other trip the unique key
                # (poll_id, voter_key) and the loser retries, finding the winner's row.
                now = self._clock()
                try:
                    ballot_id = (
                        await session.execute(
                            update(PollBallot)
                            .where(PollBallot.poll_id == poll_id, PollBallot.voter_key == key)
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
                                    poll_id=poll_id,
                                    guild_id=guild_id,
                                    voter_key=key,
                                    user_id=None if poll.anonymous else user_id,
                                    cast_at=now,
                                )
                                .returning(PollBallot.id)
                            )
                        ).scalar_one()
                    else:
                        await session.execute(
                            delete(PollVote).where(PollVote.ballot_id == ballot_id)
                        )
                    await session.execute(
                        insert(PollVote),
                        [
                            {
                                "ballot_id": ballot_id,
                                "poll_id": poll_id,
                                "guild_id": guild_id,
                                "option_id": option_id,
                                "rank": rank,
                            }
                            for option_id, rank in choices
                        ],
                    )
                    await session.commit()
                except IntegrityError:
                    await session.rollback()
                    continue
                return
        raise UserError("Many votes are arriving at once; please click again.")

    def _voter_key(self, poll: Poll, user_id: int) -> str:
        if not poll.anonymous:
            return str(user_id)
        if poll.voter_salt is None:
            raise UserError("This poll is closed.")
        key = bytes.fromhex(poll.voter_salt) + self._pepper
        return hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()

    # ---- closing and results --------------------------------------------------------------

    async def close(
        self, poll_id: int, guild_id: int, actor_id: int, actor_is_organiser: bool
    ) -> CloseOutcome:
        """``/poll close``: the creator or an organiser closes the poll early (idempotent)."""
        async with self._sessions() as session:
            poll = await _get_poll(session, poll_id, guild_id)
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
                        Poll.closed_at.is_(None), Poll.closes_at <= now
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
            poll = await _get_poll(session, poll_id, guild_id)
            options = await _options(session, poll_id)
            if poll.closed_at is not None:
                return CloseOutcome(_info(poll, options), _stored_result(poll), False)
            result = await _compute(session, poll, options, closed=True)
            option_infos = _option_infos(options)
            claimed = await session.execute(
                update(Poll)
                .where(Poll.id == poll_id, Poll.guild_id == guild_id, Poll.closed_at.is_(None))
                .values(closed_at=self._clock(), result=result.to_json(), voter_salt=None)
            )
            await session.commit()
            # Reload: whoever won the UPDATE above wrote the closing time and the result.
            session.expire_all()
            poll = await _get_poll(session, poll_id, guild_id)
            info = _info(poll, option_infos)
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return CloseOutcome(info, _stored_result(poll), False)
            return CloseOutcome(info, result, True)

    async def results(self, poll_id: int, guild_id: int) -> PollResult:
        """The tally: final once closed; live while open unless the poll hides results."""
        async with self._sessions() as session:
            poll = await _get_poll(session, poll_id, guild_id)
            options = await _options(session, poll_id)
            if poll.closed_at is not None:
                return _stored_result(poll)
            if poll.hide_results:
                raise UserError("The results are hidden until the poll closes.")
            return await _compute(session, poll, options, closed=False)

    # ---- privacy --------------------------------------------------------------------------

    async def forget_ballot(self, poll_id: int, guild_id: int, user_id: int) -> bool:
        """Privacy deletion: remove this member's ballot even from an anonymous poll, while its
        salt still exists (an unclosed poll); False if there was none to find."""
        async with self._sessions.begin() as session:
            poll = await _get_poll(session, poll_id, guild_id)
            if poll.anonymous and poll.voter_salt is None:
                return False
            return await _delete_ballot(session, poll_id, self._voter_key(poll, user_id)) > 0


# ---- helpers ------------------------------------------------------------------------------


def _clean_question(question: str) -> str:
    return clean_text(question, field="question", max_len=QUESTION_MAX_LENGTH)


def _clean_candidates(candidates: Sequence[Candidate]) -> list[tuple[str, str | None]]:
    _check_option_count(len(candidates), MAX_OPTIONS)
    options: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for index, candidate in enumerate(candidates, start=1):
        label = clean_text(
            candidate.label,
            field=f"option {index}",
            max_len=OPTION_LABEL_MAX_LENGTH,
            single_line=True,
        )
        if label.casefold() in seen:
            raise UserError(f"The option {label!r} is listed twice; each option must differ.")
        seen.add(label.casefold())
        payload = candidate.payload
        if payload is not None and len(payload) > PAYLOAD_MAX_LENGTH:
            raise ValueError("candidate payload too long")
        options.append((label, payload))
    return options


def _check_known(chosen: Sequence[int], valid: set[int]) -> None:
    if not set(chosen) <= valid:
        raise UserError("That option is not part of this poll.")


def _check_open(poll: Poll, now: datetime) -> None:
    if poll.closed_at is not None or poll.closes_at <= now:
        raise UserError("This poll is closed; votes are no longer accepted.")


async def _get_poll(session: AsyncSession, poll_id: int, guild_id: int) -> Poll:
    if not 0 < poll_id <= MAX_ID:
        # Ids are 32-bit: PostgreSQL would refuse a larger number instead of finding nothing.
        raise NotFound(f"There is no poll #{poll_id} in this server.")
    poll = (
        await session.execute(select(Poll).where(Poll.id == poll_id, Poll.guild_id == guild_id))
    ).scalar_one_or_none()
    if poll is None:
        raise NotFound(f"There is no poll #{poll_id} in this server.")
    return poll


async def _options(session: AsyncSession, poll_id: int) -> list[PollOption]:
    return list(
        (
            await session.execute(
                select(PollOption)
                .where(PollOption.poll_id == poll_id)
                .order_by(PollOption.position)
            )
        ).scalars()
    )


async def _delete_ballot(session: AsyncSession, poll_id: int, voter_key: str) -> int:
    ballot_ids = select(PollBallot.id).where(
        PollBallot.poll_id == poll_id, PollBallot.voter_key == voter_key
    )
    # Votes first, explicitly: not every SQLite connection enforces ON DELETE CASCADE.
    await session.execute(delete(PollVote).where(PollVote.ballot_id.in_(ballot_ids)))
    deleted = await session.execute(
        delete(PollBallot).where(PollBallot.poll_id == poll_id, PollBallot.voter_key == voter_key)
    )
    return int(deleted.rowcount or 0)  # type: ignore[attr-defined]


def _option_infos(options: Sequence[PollOption]) -> tuple[PollOptionInfo, ...]:
    return tuple(
        PollOptionInfo(option.id, option.position, option.label, option.payload)
        for option in options
    )


def _info(poll: Poll, options: Sequence[PollOption] | tuple[PollOptionInfo, ...]) -> PollInfo:
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
        options=tuple(
            option if isinstance(option, PollOptionInfo) else _option_infos([option])[0]
            for option in options
        ),
    )


async def _compute(
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


def _slot(option: PollOption) -> datetime:
    try:
        return datetime.fromisoformat(option.payload or "").astimezone(UTC)
    except ValueError:
        # Not a slot (should not happen): order such options after every real one.
        return datetime.max.replace(tzinfo=UTC)


def _stored_result(poll: Poll) -> PollResult:
    if poll.result is None:
        raise UserError("This poll was closed without a stored result.")
    return PollResult.from_json(poll.result)
