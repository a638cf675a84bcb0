"""Members' answers to a session (going / maybe / can't) and who attended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import affected_rows
from bot.db.models.scheduling import SessionAttendance, SessionRsvp
from bot.errors import UserError
from bot.scheduling.clock import Clock
from bot.scheduling.sessions import queries
from bot.scheduling.sessions.values import RSVP_STATUSES, RsvpCounts


class Rsvps:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._session_factory = session_factory
        self._clock = clock

    async def rsvp(
        self, guild_id: int, schedule_id: int, key: datetime, user_id: int, status: str
    ) -> RsvpCounts:
        """Record (or change) a member's answer; returns the new counts."""
        status = status.casefold().replace("'", "").replace("’", "")
        if status not in RSVP_STATUSES:
            raise UserError("Answer going, maybe or can't.")
        now = self._clock()
        async with self._session_factory() as s, s.begin():
            found = await queries.find_occurrence(s, guild_id, schedule_id, key)
            if found.end <= now:
                raise UserError("That session is over.")
            updated = await s.execute(
                update(SessionRsvp)
                .where(
                    SessionRsvp.guild_id == guild_id,
                    SessionRsvp.schedule_id == schedule_id,
                    SessionRsvp.occurrence_start == found.key,
                    SessionRsvp.user_id == user_id,
                )
                .values(status=status, updated_at=now)
            )
            if affected_rows(updated) == 0:
                try:
                    async with s.begin_nested():
                        s.add(
                            SessionRsvp(
                                guild_id=guild_id,
                                schedule_id=schedule_id,
                                occurrence_start=found.key,
                                user_id=user_id,
                                status=status,
                                updated_at=now,
                            )
                        )
                except IntegrityError:  # a double click raced us: the other insert won
                    await s.execute(
                        update(SessionRsvp)
                        .where(
                            SessionRsvp.schedule_id == schedule_id,
                            SessionRsvp.occurrence_start == found.key,
                            SessionRsvp.user_id == user_id,
                        )
                        .values(status=status, updated_at=now)
                    )
            return await queries.rsvp_counts_of(s, found.schedule, found.key)

    async def rsvps(self, guild_id: int, schedule_id: int, key: datetime) -> dict[int, str]:
        """user id -> status for one occurrence."""
        async with self._session_factory() as s:
            rows = (
                await s.execute(
                    select(SessionRsvp.user_id, SessionRsvp.status).where(
                        SessionRsvp.guild_id == guild_id,
                        SessionRsvp.schedule_id == schedule_id,
                        SessionRsvp.occurrence_start == key,
                    )
                )
            ).all()
            return {row.user_id: row.status for row in rows}

    async def record_attendance(self, guild_id: int, schedule_id: int, key: datetime) -> int:
        """Record Going members as attendees (idempotent); returns how many are recorded."""
        going = [
            u for u, st in (await self.rsvps(guild_id, schedule_id, key)).items() if st == "going"
        ]
        now = self._clock()
        async with self._session_factory() as s, s.begin():
            existing = set(await _attendee_ids(s, guild_id, schedule_id, key))
            for user_id in going:
                if user_id not in existing:
                    s.add(
                        SessionAttendance(
                            guild_id=guild_id,
                            schedule_id=schedule_id,
                            occurrence_start=key,
                            user_id=user_id,
                            recorded_at=now,
                        )
                    )
            return len(existing | set(going))

    async def attendance(self, guild_id: int, schedule_id: int, key: datetime) -> list[int]:
        async with self._session_factory() as s:
            return sorted(await _attendee_ids(s, guild_id, schedule_id, key))


async def _attendee_ids(
    s: AsyncSession, guild_id: int, schedule_id: int, key: datetime
) -> list[int]:
    query = select(SessionAttendance.user_id).where(
        SessionAttendance.guild_id == guild_id,
        SessionAttendance.schedule_id == schedule_id,
        SessionAttendance.occurrence_start == key,
    )
    return list((await s.scalars(query)).all())
