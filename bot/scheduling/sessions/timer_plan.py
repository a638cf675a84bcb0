"""Which session timers should exist, and what to change to get there (pure: no database).

Timers are kept on a rolling horizon: only the next ``horizon`` occurrences have announcement,
reminder and start timers, plus the next weekly reading post. :func:`desired` lists them for a
schedule at a moment; :func:`reconcile` compares them with the pending rows and says which to
create, move and cancel. Each timer is named by a *dedupe key* (:func:`timer_key`), so applying
the same plan twice changes nothing.

Kinds and payloads (all payloads carry ``schedule_id``):

* ``session.announce``  ``{schedule_id, occurrence, local_date}`` — post the announcement.
* ``session.reminder``  ``{schedule_id, occurrence, local_date, offset_minutes}`` — remind.
* ``session.start``     ``{schedule_id, occurrence, local_date}`` — thread + attendance.
* ``session.reading``   ``{schedule_id, local_date}`` — post this week's reading.

``occurrence`` is the ISO form of the occurrence's *key* (its original UTC start), so a moved
session keeps its timers' names and its RSVPs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.scheduling.recurrence import WeeklySchedule, next_occurrences
from bot.scheduling.sessions.values import ReminderConfig, ScheduleInfo
from bot.scheduling.timers import TimerRecord

SESSION_ANNOUNCE = "session.announce"
SESSION_REMINDER = "session.reminder"
SESSION_START = "session.start"
SESSION_READING = "session.reading"
SESSION_KINDS = (SESSION_ANNOUNCE, SESSION_REMINDER, SESSION_START, SESSION_READING)


@dataclass(frozen=True)
class PlannedTimer:
    kind: str
    due_at: datetime
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class TimerMove:
    timer_id: int
    due_at: datetime
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class TimerChanges:
    """What :func:`reconcile` asks for; applying it in any order gives the same rows."""

    cancel: list[int] = field(default_factory=list)
    move: list[TimerMove] = field(default_factory=list)
    create: dict[str, PlannedTimer] = field(default_factory=dict)  # by dedupe key


def timer_key(kind: str, schedule_id: int, key: datetime, extra: str = "") -> str:
    """The dedupe key of one occurrence's timer: ``kind:schedule:YYYYMMDDTHHMMSSZ[:extra]``."""
    stamp = key.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{kind}:{schedule_id}:{stamp}" + (f":{extra}" if extra else "")


def desired(
    info: ScheduleInfo, reminders: ReminderConfig, now: datetime, horizon: int
) -> dict[str, PlannedTimer]:
    """The timers an active schedule wants after ``now``, by dedupe key (due times may be
    in the past: :func:`reconcile` decides what that means)."""
    wanted: dict[str, PlannedTimer] = {}
    for occurrence in next_occurrences(info.recurrence(), now, horizon):
        base = {
            "schedule_id": info.id,
            "occurrence": occurrence.key.isoformat(),
            "local_date": occurrence.local_date.isoformat(),
        }
        key = occurrence.key
        wanted[timer_key(SESSION_ANNOUNCE, info.id, key)] = PlannedTimer(
            SESSION_ANNOUNCE, occurrence.start - info.announce_before, base
        )
        for offset in reminders.offsets:
            minutes = int(offset.total_seconds() // 60)
            wanted[timer_key(SESSION_REMINDER, info.id, key, str(minutes))] = PlannedTimer(
                SESSION_REMINDER, occurrence.start - offset, {**base, "offset_minutes": minutes}
            )
        wanted[timer_key(SESSION_START, info.id, key)] = PlannedTimer(
            SESSION_START, occurrence.start, base
        )
    if info.reading_weekday is not None and info.reading_time is not None:
        reading = WeeklySchedule(
            info.reading_weekday, info.reading_time, info.zone, info.starts, info.ends
        )
        for post in next_occurrences(reading, now, 1):
            day = post.local_date.isoformat()
            wanted[f"{SESSION_READING}:{info.id}:{day}"] = PlannedTimer(
                SESSION_READING, post.start, {"schedule_id": info.id, "local_date": day}
            )
    return wanted


def reconcile(
    wanted: Mapping[str, PlannedTimer],
    pending: Iterable[TimerRecord],
    now: datetime,
    *,
    schedule_active: bool,
) -> TimerChanges:
    """The changes that make the ``pending`` session timers match ``wanted``.

    Rules for moments already past: an announcement that is overdue goes out now (say, a
    session scheduled for tomorrow with a three-day lead); a reminder whose moment has passed
    is not sent. A pending timer that is already due but no longer wanted is left to the
    dispatcher's late/missed rules while the schedule is active (a session that began while
    the bot was down), and cancelled once the schedule is gone.
    """
    changes = TimerChanges()
    seen: set[str] = set()
    for timer in pending:
        plan = wanted.get(timer.dedupe_key or "")
        if plan is None:
            if not (timer.due_at <= now and schedule_active):
                changes.cancel.append(timer.id)
            continue
        seen.add(timer.dedupe_key or "")
        if timer.due_at == plan.due_at:
            continue
        due = _when(plan, now)
        if due is None:
            changes.cancel.append(timer.id)  # moved into the past (a longer reminder offset)
        elif due != timer.due_at:
            changes.move.append(TimerMove(timer.id, due, plan.payload))
    for dedupe_key, plan in wanted.items():
        if dedupe_key in seen:
            continue
        due = _when(plan, now)
        if due is not None:
            changes.create[dedupe_key] = PlannedTimer(plan.kind, due, plan.payload)
    return changes


def _when(plan: PlannedTimer, now: datetime) -> datetime | None:
    """When a planned timer should fire: as planned, now (an overdue announcement), or never."""
    if plan.due_at > now:
        return plan.due_at
    return now if plan.kind == SESSION_ANNOUNCE else None
