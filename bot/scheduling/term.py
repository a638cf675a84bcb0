"""The term at a glance, week by week: the reading, the session, who answered, who came and
who read it. Discord-free; the organisers' ``/term overview`` and a member's
``/reading progress`` render it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.library.records import ReadingCard, SyllabusWeek
from bot.library.service import LibraryService
from bot.scheduling.recurrence import local_to_utc, occurrence_on
from bot.scheduling.sessions import ScheduleInfo, SessionService
from bot.scheduling.sessions.attendance import WindowTally


@dataclass(frozen=True)
class TermWeek:
    number: int
    label: str | None
    readings: tuple[ReadingCard, ...]
    starts: date | None  # the week's first day (the session's date when sessions drive weeks)
    session: datetime | None  # the week's session (UTC), if one is scheduled in it
    tally: WindowTally
    done: frozenset[int]  # members who marked every reading of the week done

    @property
    def titles(self) -> str:
        return "; ".join(card.title for card in self.readings)


def _session_of(info: ScheduleInfo | None, day: date) -> datetime | None:
    if info is None:
        return None
    occurrence = occurrence_on(info.recurrence(), day)
    return occurrence.start if occurrence is not None else None


def _done(week: SyllabusWeek, readers: dict[str, frozenset[int]]) -> frozenset[int]:
    sets = [readers.get(card.id, frozenset()) for card in week.readings]
    return frozenset.intersection(*sets) if sets else frozenset()


class TermReport:
    def __init__(self, library: LibraryService, sessions: SessionService) -> None:
        self._library = library
        self._sessions = sessions

    async def weeks(self, guild_id: int, today: date, server_zone: str) -> list[TermWeek]:
        """Every syllabus week with a reading, in order, with its numbers so far."""
        syllabus = await self._library.syllabus(guild_id, today)
        info = await self._sessions.current(guild_id)
        tz = ZoneInfo(info.zone if info is not None else server_zone)
        windows = []
        for week in syllabus.weeks:
            day = week.starts or today
            begin = local_to_utc(day, time(0), tz)
            windows.append((begin, begin + timedelta(days=7)))
        tallies = await self._sessions.tallies(guild_id, windows)
        readers = await self._library.readers(guild_id)
        return [
            TermWeek(
                number=week.number,
                label=week.label,
                readings=week.readings,
                starts=week.starts,
                session=_session_of(info, week.starts) if week.starts else None,
                tally=tally,
                done=_done(week, readers),
            )
            for week, tally in zip(syllabus.weeks, tallies, strict=True)
        ]
