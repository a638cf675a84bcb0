"""What a poll is, outside the database: limits, value types, and members' options cleaned.

Option limits: 2..25 options (a select menu holds 25); labels up to 80 characters so they fit a
button (80) as well as a select option (100). Suggested rendering: buttons for up to 10 options
(two rows of five), a select menu above that. Question up to 300 characters (it does not fit an
embed title, 256: render it in the description).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.discussion.tally import IrvResult
from bot.discussion.text import clean_text
from bot.errors import UserError

QUESTION_MAX_LENGTH = 300
OPTION_LABEL_MAX_LENGTH = 80
MIN_OPTIONS = 2
MAX_OPTIONS = 25
BUTTON_OPTIONS_MAX = 10
MIN_SLOTS = 2
MAX_SLOTS = 10
PAYLOAD_MAX_LENGTH = 100
MAX_ID = 2**31 - 1  # polls.id is a 32-bit INTEGER

Clock = Callable[[], datetime]
# An option before it is stored: (label, payload such as a reading id or an ISO-8601 slot).
NewOption = tuple[str, str | None]


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
    number: int = 0  # what members call it: 1, 2, 3... per server
    native: bool = False  # Discord's own poll: Discord counts the votes

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


# ---- members' input, cleaned ------------------------------------------------------------------


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
        label = _clean_label(part, f"option {len(labels) + 1}")
        if label.casefold() in seen:
            raise UserError(f"The option {label!r} is listed twice; each option must differ.")
        seen.add(label.casefold())
        labels.append(label)
    _check_option_count(len(labels), max_options)
    return labels


def clean_question(question: str) -> str:
    return clean_text(question, field="question", max_len=QUESTION_MAX_LENGTH)


def candidate_options(candidates: Sequence[Candidate]) -> list[NewOption]:
    """A ranked poll's options: 2..25 distinct labels, payloads up to 100 characters."""
    _check_option_count(len(candidates), MAX_OPTIONS)
    options: list[NewOption] = []
    seen: set[str] = set()
    for index, candidate in enumerate(candidates, start=1):
        label = _clean_label(candidate.label, f"option {index}")
        if label.casefold() in seen:
            raise UserError(f"The option {label!r} is listed twice; each option must differ.")
        seen.add(label.casefold())
        payload = candidate.payload
        if payload is not None and len(payload) > PAYLOAD_MAX_LENGTH:
            raise ValueError("candidate payload too long")
        options.append((label, payload))
    return options


def slot_options(slots: Sequence[datetime], labels: Sequence[str] | None) -> list[NewOption]:
    """A time poll's options: 2..10 distinct aware slots, each with its ISO-8601 UTC payload.

    ``labels`` (e.g. slots in the server's time zone) default to ``YYYY-MM-DD HH:MM UTC``.
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
    return [
        (_clean_label(label, f"time {index}"), slot.isoformat())
        for index, (label, slot) in enumerate(zip(shown, utc_slots, strict=True), start=1)
    ]


def _clean_label(text: str, field: str) -> str:
    return clean_text(text, field=field, max_len=OPTION_LABEL_MAX_LENGTH, single_line=True)


def _check_option_count(count: int, max_options: int) -> None:
    if count < MIN_OPTIONS:
        raise UserError(
            f"A poll needs at least {MIN_OPTIONS} options; separate them with `;` or `,` "
            "(e.g. `tea; coffee; juice`)."
        )
    if count > max_options:
        raise UserError(f"A poll can have at most {max_options} options (you gave {count}).")
