"""Regression tests for two fixes found while wiring the Discord adapters:

* ``SessionService.link`` is called by the announcement handler and the event sync at the same
  moment for a brand-new occurrence; both used to insert and one died on the unique constraint.
* ``SessionWeeks`` counted a date whose session time had already passed when the schedule was
  made as week 1, so the first real session showed week 2's reading.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.scheduling.clock import FakeClock
from bot.scheduling.sessions import SessionService
from bot.scheduling.syllabus import SessionWeeks
from bot.scheduling.timers import TimerService

G = 42
THURSDAY_EVENING = datetime(2027, 3, 4, 21, 0, tzinfo=UTC)  # after 19:00 in London


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(THURSDAY_EVENING)


@pytest.fixture
def sessions(session_factory, clock) -> SessionService:
    return SessionService(session_factory, TimerService(session_factory, clock), clock)


async def test_concurrent_links_of_a_new_occurrence_all_land(sessions: SessionService) -> None:
    info = await sessions.schedule(G, "thursday", "19:00", "Europe/London")
    keys = [THURSDAY_EVENING.replace(hour=19) + timedelta(days=7 * n) for n in range(1, 11)]
    for key in keys:
        await asyncio.gather(
            sessions.link(G, info.id, key, event_id=11, thread_id=22),
            sessions.link(G, info.id, key, announcement_channel_id=33, announcement_message_id=44),
        )
    for key in keys:
        links = await sessions.links(G, info.id, key)
        assert (
            links.event_id,
            links.thread_id,
            links.announcement_channel_id,
            links.announcement_message_id,
        ) == (11, 22, 33, 44)


async def test_week_one_is_the_first_session_after_scheduling(sessions: SessionService) -> None:
    await sessions.schedule(G, "thursday", "19:00", "Europe/London")
    starts = await SessionWeeks(sessions).week_starts(G)
    assert starts is not None
    # Tonight's 19:00 had passed when the schedule was made: week 1 is next Thursday.
    assert list(starts[:2]) == [date(2027, 3, 11), date(2027, 3, 18)]


async def test_week_one_is_today_when_todays_session_is_still_ahead(
    sessions: SessionService, clock: FakeClock
) -> None:
    clock.set(THURSDAY_EVENING.replace(hour=9))
    await sessions.schedule(G, "thursday", "19:00", "Europe/London")
    starts = await SessionWeeks(sessions).week_starts(G)
    assert starts is not None
    assert starts[0] == date(2027, 3, 4)
