"""Who came to a session, as organisers take it, and the term's answers and attendance by week.

When a session starts, the members who answered Going are recorded as present
(:meth:`Rsvps.record_attendance`); an organiser then corrects the list. Tallies read every
schedule the server has had, by time window, so weeks held under an earlier schedule still
count after the schedule changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import SessionAttendance, SessionRsvp
from bot.errors import UserError
from bot.scheduling.clock import Clock
from bot.scheduling.sessions import queries
from bot.scheduling.sessions.values import SessionOccurrence

MAX_PRESENT = 25  # what one user select can hold


@dataclass(frozen=True)
class WindowTally:
    """Answers and attendance of the sessions in one time window (a syllabus week)."""

    going: frozenset[int] = field(default_factory=frozenset)
    maybe: frozenset[int] = field(default_factory=frozenset)
    cant: frozenset[int] = field(default_factory=frozenset)
    present: frozenset[int] = field(default_factory=frozenset)


class AttendanceBook:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._session_factory = session_factory
        self._clock = clock

    async def started(self, guild_id: int, schedule_id: int, key: datetime) -> SessionOccurrence:
        """The session to take attendance for; it must have started."""
        async with self._session_factory() as s:
            occ = await queries.find_occurrence(s, guild_id, schedule_id, key)
        if occ.start > self._clock():
            raise UserError("That session has not started yet: take attendance once it has.")
        return occ

    async def default_present(self, guild_id: int, schedule_id: int, key: datetime) -> list[int]:
        """Who is marked present, or (before anyone is) who answered Going."""
        async with self._session_factory() as s:
            present = await _present(s, guild_id, schedule_id, key)
            if present:
                return present
            rows = await s.execute(
                select(SessionRsvp.user_id).where(
                    SessionRsvp.guild_id == guild_id,
                    SessionRsvp.schedule_id == schedule_id,
                    SessionRsvp.occurrence_start == key,
                    SessionRsvp.status == "going",
                )
            )
            return sorted(rows.scalars())

    async def set_present(
        self, guild_id: int, schedule_id: int, key: datetime, user_ids: Iterable[int]
    ) -> list[int]:
        """Make exactly ``user_ids`` the session's attendees."""
        wanted = sorted(set(user_ids))
        if len(wanted) > MAX_PRESENT:
            raise UserError(f"Mark at most {MAX_PRESENT} members at once.")
        await self.started(guild_id, schedule_id, key)
        now = self._clock()
        async with self._session_factory() as s, s.begin():
            await s.execute(
                delete(SessionAttendance).where(
                    SessionAttendance.guild_id == guild_id,
                    SessionAttendance.schedule_id == schedule_id,
                    SessionAttendance.occurrence_start == key,
                )
            )
            s.add_all(
                SessionAttendance(
                    guild_id=guild_id,
                    schedule_id=schedule_id,
                    occurrence_start=key,
                    user_id=user_id,
                    recorded_at=now,
                )
                for user_id in wanted
            )
        return wanted

    async def tallies(
        self, guild_id: int, windows: Sequence[tuple[datetime, datetime]]
    ) -> list[WindowTally]:
        """Answers and attendance per ``[start, end)`` window, across every schedule."""
        if not windows:
            return []
        low, high = min(w[0] for w in windows), max(w[1] for w in windows)
        async with self._session_factory() as s:
            answers = (
                await s.execute(
                    select(SessionRsvp.occurrence_start, SessionRsvp.user_id, SessionRsvp.status)
                    .where(
                        SessionRsvp.guild_id == guild_id,
                        SessionRsvp.occurrence_start >= low,
                        SessionRsvp.occurrence_start < high,
                    )
                    .order_by(SessionRsvp.updated_at)
                )
            ).all()
            present = (
                await s.execute(
                    select(SessionAttendance.occurrence_start, SessionAttendance.user_id).where(
                        SessionAttendance.guild_id == guild_id,
                        SessionAttendance.occurrence_start >= low,
                        SessionAttendance.occurrence_start < high,
                    )
                )
            ).all()
        out = []
        for start, end in windows:
            status: dict[int, str] = {}  # a member's latest answer in the window counts
            for key, user_id, answer in answers:
                if start <= key < end:
                    status[user_id] = answer
            out.append(
                WindowTally(
                    going=frozenset(u for u, a in status.items() if a == "going"),
                    maybe=frozenset(u for u, a in status.items() if a == "maybe"),
                    cant=frozenset(u for u, a in status.items() if a == "cant"),
                    present=frozenset(u for key, u in present if start <= key < end),
                )
            )
        return out


async def _present(s: AsyncSession, guild_id: int, schedule_id: int, key: datetime) -> list[int]:
    rows = await s.execute(
        select(SessionAttendance.user_id).where(
            SessionAttendance.guild_id == guild_id,
            SessionAttendance.schedule_id == schedule_id,
            SessionAttendance.occurrence_start == key,
        )
    )
    return sorted(rows.scalars())
