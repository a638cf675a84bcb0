from datetime import UTC, date, datetime, timedelta

from bot.scheduling import SessionService, TimerService
from bot.scheduling.clock import FakeClock
from bot.scheduling.syllabus import SessionWeeks

G = 7
MONDAY = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)


async def test_weeks_follow_sessions_and_survive_a_new_schedule(session_factory) -> None:
    clock = FakeClock(MONDAY)
    sessions = SessionService(session_factory, TimerService(session_factory, clock), clock)
    weeks = SessionWeeks(sessions)
    assert await weeks.week_starts(G) is None
    await sessions.schedule(G, "thursday", "19:00", "UTC")
    first = await weeks.week_starts(G)
    assert first is not None
    assert first[:2] == [date(2026, 3, 19), date(2026, 3, 26)]
    # Three weeks later the organiser moves the session to Friday evenings.
    clock.advance(timedelta(weeks=3))
    await sessions.schedule(G, "friday", "18:30", "UTC")
    again = await weeks.week_starts(G)
    assert again is not None
    # Week 1 is still the week of 19 March: the syllabus does not restart.
    assert again[0] == date(2026, 3, 20)
    assert sum(1 for d in again if d <= clock().date()) == 3


async def test_explicit_start_date_wins(session_factory) -> None:
    clock = FakeClock(MONDAY)
    sessions = SessionService(session_factory, TimerService(session_factory, clock), clock)
    await sessions.schedule(G, "monday", "19:00", "UTC", starts="2026-04-06")
    starts = await SessionWeeks(sessions).week_starts(G)
    assert starts is not None
    assert starts[0] == date(2026, 4, 6)
