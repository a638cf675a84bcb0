"""What a timer is to the rest of the code: its statuses, a row snapshot, the callback types."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.db.models.scheduling import Timer

PENDING = "pending"
RUNNING = "running"
DONE = "done"
LATE = "late"
MISSED = "missed"
CANCELLED = "cancelled"
FAILED = "failed"
INTERRUPTED = "interrupted"


@dataclass(frozen=True, slots=True)
class TimerRecord:
    """A snapshot of a timer row, handed to handlers and callers."""

    id: int
    guild_id: int
    kind: str
    due_at: datetime
    payload: Mapping[str, Any]
    status: str
    owner_id: int | None = None
    dedupe_key: str | None = None
    attempts: int = 0
    claimed_at: datetime | None = None
    fired_at: datetime | None = None
    late: bool = field(default=False, compare=False)

    @classmethod
    def from_row(cls, row: Timer, *, late: bool = False) -> TimerRecord:
        return cls(
            id=row.id,
            guild_id=row.guild_id,
            kind=row.kind,
            due_at=row.due_at,
            payload=dict(row.payload or {}),
            status=row.status,
            owner_id=row.owner_id,
            dedupe_key=row.dedupe_key,
            attempts=row.attempts,
            claimed_at=row.claimed_at,
            fired_at=row.fired_at,
            late=late,
        )


Handler = Callable[[TimerRecord], Awaitable[None]]
MissedCallback = Callable[[list[TimerRecord]], Awaitable[None]]
# Told how each timer ended: (kind, status, seconds after its due time it started, if it ran).
TimerObserver = Callable[[str, str, float | None], None]


def aware(value: datetime) -> datetime:
    """``value`` in UTC; naive datetimes are refused (their zone would be a guess)."""
    if value.tzinfo is None:
        raise ValueError("timers need aware datetimes")
    return value.astimezone(UTC)


def delivery_nonce(timer: TimerRecord, *parts: object) -> str:
    """A message nonce unique to this timer (and recipient): Discord's idempotency key."""
    digest = hashlib.sha256(repr((timer.id, timer.dedupe_key, *parts)).encode()).hexdigest()
    return digest[:25]  # Discord allows 25 characters
