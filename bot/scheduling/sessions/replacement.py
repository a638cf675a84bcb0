"""Replacing or cancelling the weekly schedule without losing what members said.

RSVPs, skips and moves belong to one schedule row. When a new schedule still holds a coming
session at the same instant (same day and time: a new channel, duration or end date), its
answers, skip or move are carried over; only what the new schedule no longer has is lost, and
:func:`losses` says exactly what that is, so the organiser can confirm first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models.scheduling import SessionMove, SessionRsvp, SessionSkip
from bot.scheduling.recurrence import WeeklySchedule, local_to_utc
from bot.scheduling.sessions.values import ScheduleInfo


@dataclass(frozen=True)
class Losses:
    """What a change of schedule drops: coming skips and moves, and members' answers."""

    skips: tuple[date, ...] = ()
    moves: tuple[date, ...] = ()
    rsvps: int = 0  # answers to coming sessions
    answered_sessions: int = 0  # how many sessions those answers are about

    @property
    def nothing(self) -> bool:
        return not (self.skips or self.moves or self.rsvps)

    def lines(self) -> list[str]:
        """One line per kind of loss, for the confirmation question."""
        out = []
        if self.rsvps:
            answers = "answer" if self.rsvps == 1 else "answers"
            sessions = "session" if self.answered_sessions == 1 else "sessions"
            out.append(
                f"• {self.rsvps} RSVP {answers} to {self.answered_sessions} coming {sessions}"
            )
        if self.skips:
            out.append("• the skip of " + ", ".join(f"{d:%a} {d.isoformat()}" for d in self.skips))
        if self.moves:
            out.append(
                "• the move of the session of "
                + ", ".join(f"{d:%a} {d.isoformat()}" for d in self.moves)
            )
        return out


def kept_by(new: WeeklySchedule | None, old: ScheduleInfo, day: date) -> bool:
    """Whether the new schedule holds old's session of ``day`` at the very same instant."""
    if new is None or not new.is_occurrence_date(day):
        return False
    return local_to_utc(day, old.at, old.recurrence().tz) == local_to_utc(day, new.at, new.tz)


def _day_of(old: ScheduleInfo, key: datetime) -> date:
    return key.astimezone(old.recurrence().tz).date()


async def losses(
    s: AsyncSession, old: ScheduleInfo, new: WeeklySchedule | None, now: datetime
) -> Losses:
    """What replacing ``old`` by ``new`` (None: cancelling) would drop from coming sessions."""
    tz = old.recurrence().tz

    def coming(day: date) -> bool:
        return local_to_utc(day, old.at, tz) > now

    skips = tuple(sorted(d for d in old.skips if coming(d) and not kept_by(new, old, d)))
    moves = tuple(sorted(d for d in old.moves if coming(d) and not kept_by(new, old, d)))
    rows = (
        await s.execute(
            select(SessionRsvp.occurrence_start, func.count())
            .where(
                SessionRsvp.guild_id == old.guild_id,
                SessionRsvp.schedule_id == old.id,
                SessionRsvp.occurrence_start > now,
            )
            .group_by(SessionRsvp.occurrence_start)
        )
    ).all()
    dropped = [(key, n) for key, n in rows if not kept_by(new, old, _day_of(old, key))]
    return Losses(skips, moves, sum(n for _, n in dropped), len(dropped))


async def carry_over(
    s: AsyncSession, old: ScheduleInfo, new_id: int, new: WeeklySchedule, now: datetime
) -> None:
    """Give the new schedule row the coming skips, moves and answers it still has a place for."""
    for day in old.skips:
        if local_to_utc(day, old.at, old.recurrence().tz) > now and kept_by(new, old, day):
            s.add(SessionSkip(guild_id=old.guild_id, schedule_id=new_id, local_date=day))
    for day, (new_day, new_time) in old.moves.items():
        if local_to_utc(day, old.at, old.recurrence().tz) > now and kept_by(new, old, day):
            s.add(
                SessionMove(
                    guild_id=old.guild_id,
                    schedule_id=new_id,
                    local_date=day,
                    new_date=new_day,
                    new_time=new_time,
                )
            )
    keys = (
        await s.scalars(
            select(SessionRsvp.occurrence_start)
            .where(
                SessionRsvp.guild_id == old.guild_id,
                SessionRsvp.schedule_id == old.id,
                SessionRsvp.occurrence_start > now,
            )
            .distinct()
        )
    ).all()
    kept = [key for key in keys if kept_by(new, old, _day_of(old, key))]
    if kept:
        await s.execute(
            update(SessionRsvp)
            .where(
                SessionRsvp.guild_id == old.guild_id,
                SessionRsvp.schedule_id == old.id,
                SessionRsvp.occurrence_start.in_(kept),
            )
            .values(schedule_id=new_id)
        )
