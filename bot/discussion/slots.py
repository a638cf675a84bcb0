"""Candidate times for ``/poll time``: ``thu 19:00; fri 18:30`` read in the server's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.discussion.polls.model import MAX_SLOTS, MIN_SLOTS
from bot.errors import UserError
from bot.scheduling.parsing import parse_when

# A slot is a meeting time to vote on, so it may be at most a few weeks ahead.
SLOT_MAX_AHEAD = timedelta(days=62)
SLOT_HINT = "Separate times with `;`, e.g. `thu 19:00; fri 18:30; sat 11am`."


@dataclass(frozen=True)
class Slot:
    at: datetime  # aware UTC
    label: str  # local wall-clock time in the server's zone, e.g. "Thu 08 Jan 19:00 GMT"


def split_slots(text: str) -> list[str]:
    """Lines, else ``;``, else ``,`` separate the slots (blank parts are dropped)."""
    raw = (text or "").strip()
    if "\n" in raw:
        parts = raw.splitlines()
    elif ";" in raw:
        parts = raw.split(";")
    else:
        parts = raw.split(",")
    return [part.strip() for part in parts if part.strip()]


def parse_slots(text: str, *, now: datetime, zone: ZoneInfo) -> list[Slot]:
    """2..10 distinct future times; a weekday and time means the next such day (today if the
    time is still ahead). Errors name the slot that could not be read."""
    parts = split_slots(text)
    if not MIN_SLOTS <= len(parts) <= MAX_SLOTS:
        raise UserError(
            f"Give {MIN_SLOTS} to {MAX_SLOTS} candidate times (you gave {len(parts)}). {SLOT_HINT}"
        )
    slots: list[Slot] = []
    seen: dict[datetime, int] = {}
    for index, part in enumerate(parts, start=1):
        try:
            at = parse_when(part, now=now, zone=zone, max_ahead=SLOT_MAX_AHEAD)
        except UserError as error:
            raise UserError(f"Time {index}: {error.message}") from None
        at = at.astimezone(UTC).replace(second=0, microsecond=0)
        if at <= now:  # e.g. "1s": ahead of now, but not once cut to the minute
            raise UserError(
                f"Time {index}: `{part[:40]}` is less than a minute ahead; give a later time."
            )
        if at in seen:
            raise UserError(
                f"Times {seen[at]} and {index} are the same moment; give distinct times."
            )
        seen[at] = index
        local = at.astimezone(zone)
        slots.append(Slot(at, f"{local:%a %d %b %H:%M} {local.tzname() or zone.key}"))
    return slots
