"""The sessions service: schedule/skip/move/cancel/RSVP/list, its timers, reminders, .ics."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from sqlalchemy import func, select

from bot.db.models.scheduling import SessionSchedule, Timer
from bot.errors import NotFound, UserError
from bot.scheduling.clock import FakeClock
from bot.scheduling.recurrence import next_occurrences
from bot.scheduling.reminders import PERSONAL_REMINDER, ReminderService
from bot.scheduling.sessions import (
    SESSION_ANNOUNCE,
    SESSION_READING,
    SESSION_REMINDER,
    SESSION_START,
    RsvpCounts,
    SessionService,
    parse_token,
)
from bot.scheduling.sessions.calendar import schedule_to_ics
from bot.scheduling.timers import PENDING, TimerDispatcher, TimerRecord, TimerService

G = 42
OTHER = 43
NOW = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)  # Monday 16 March 2026
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def timers(session_factory, clock) -> TimerService:
    return TimerService(session_factory, clock)


@pytest.fixture
def sessions(session_factory, timers, clock) -> SessionService:
    return SessionService(session_factory, timers, clock)


async def pending_kinds(timers: TimerService, guild_id: int = G) -> list[tuple[str, datetime]]:
    return [(t.kind, t.due_at) for t in await timers.pending(guild_id)]


async def test_schedule_dst_example_and_timers(sessions, timers):
    info = await sessions.schedule(G, "sunday", "19:00", "Europe/London", channel_id=7)
    assert info.describe() == "Sundays at 19:00 (Europe/London)"
    upcoming = await sessions.list(G, 3)
    # 22 March (GMT) and 29 March, the last Sunday of March (BST): 19:00 local both times.
    assert [o.start for o in upcoming] == [
        datetime(2026, 3, 22, 19, tzinfo=UTC),
        datetime(2026, 3, 29, 18, tzinfo=UTC),
        datetime(2026, 4, 5, 18, tzinfo=UTC),
    ]
    assert all(o.local_start.time() == time(19) for o in upcoming)
    first, second = upcoming[0].start, upcoming[1].start
    # Rolling horizon: two occurrences' announcement, 24h + 1h reminders and start.
    assert sorted(await pending_kinds(timers)) == sorted(
        [
            (SESSION_ANNOUNCE, first - timedelta(days=3)),
            (SESSION_REMINDER, first - timedelta(hours=24)),
            (SESSION_REMINDER, first - timedelta(hours=1)),
            (SESSION_START, first),
            (SESSION_ANNOUNCE, second - timedelta(days=3)),
            (SESSION_REMINDER, second - timedelta(hours=24)),
            (SESSION_REMINDER, second - timedelta(hours=1)),
            (SESSION_START, second),
            # The next week's reading, posted by default the morning after a session.
            (SESSION_READING, datetime(2026, 3, 23, 9, tzinfo=UTC)),
        ]
    )
    assert await timers.pending(OTHER) == []
    assert await sessions.list(OTHER, 3) == []


async def test_rescheduling_replaces_schedule_and_its_timers(sessions, timers, session_factory):
    await sessions.schedule(G, "sun", "19:00", "Europe/London")
    await sessions.schedule(G, "wed", "18:30", "Europe/London", duration="2h")
    async with session_factory() as s:
        assert (
            await s.scalar(
                select(func.count())
                .select_from(SessionSchedule)
                .where(SessionSchedule.active.is_(True))
            )
            == 1
        )
    nxt = await sessions.next(G)
    assert nxt.start == datetime(2026, 3, 18, 18, 30, tzinfo=UTC)
    assert nxt.end - nxt.start == timedelta(hours=2)
    starts = [due for kind, due in await pending_kinds(timers) if kind == SESSION_START]
    assert starts == [
        datetime(2026, 3, 18, 18, 30, tzinfo=UTC),
        datetime(2026, 3, 25, 18, 30, tzinfo=UTC),
    ]


async def test_announcement_due_in_the_past_goes_out_now_but_passed_reminders_do_not(
    sessions, timers
):
    await sessions.schedule(G, "mon", "14:00", "UTC")  # two hours from now
    due = await pending_kinds(timers)
    assert (SESSION_ANNOUNCE, NOW) in due
    assert (SESSION_REMINDER, datetime(2026, 3, 16, 13, tzinfo=UTC)) in due
    assert (SESSION_REMINDER, datetime(2026, 3, 15, 14, tzinfo=UTC)) not in due


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weekday": "funday"}, "weekday"),
        ({"at": "25:00"}, "time"),
        ({"zone": "Mars/Olympus"}, "time zone"),
        ({"starts": "2026-01-01"}, "past"),
        ({"ends": "2026-03-01"}, "past"),
        ({"starts": "2026-05-01", "ends": "2026-04-01"}, "before the start"),
        ({"starts": "2026-04-07", "ends": "2026-04-10"}, "No session"),
        ({"duration": "20h"}, "long"),
    ],
)
async def test_bad_schedule_input_changes_nothing(sessions, timers, kwargs, message):
    await sessions.schedule(G, "sun", "19:00", "Europe/London")
    before = await pending_kinds(timers)
    args = {"weekday": "mon", "at": "19:00", "zone": "Europe/London"} | kwargs
    with pytest.raises(UserError, match=message):
        await sessions.schedule(G, **args)
    assert (await sessions.current(G)).weekday == 6
    assert await pending_kinds(timers) == before


async def test_zone_defaults_to_utc_without_server_setting(sessions):
    info = await sessions.schedule(G, "sun", "19:00")
    assert info.zone == "UTC"


async def test_skip_and_errors(sessions, timers):
    await sessions.schedule(G, "sun", "19:00", "Europe/London")
    skipped = await sessions.skip(G, "2026-03-22")
    assert skipped.start == datetime(2026, 3, 22, 19, tzinfo=UTC)
    assert (await sessions.next(G)).start == datetime(2026, 3, 29, 18, tzinfo=UTC)
    starts = [due for kind, due in await pending_kinds(timers) if kind == SESSION_START]
    assert starts == [datetime(2026, 3, 29, 18, tzinfo=UTC), datetime(2026, 4, 5, 18, tzinfo=UTC)]
    with pytest.raises(UserError, match="already skipped"):
        await sessions.skip(G, "2026-03-22")
    with pytest.raises(UserError, match="no session on Monday"):
        await sessions.skip(G, "2026-03-23")
    with pytest.raises(UserError, match="already started or happened"):
        await sessions.skip(G, "2026-03-15")
    with pytest.raises(UserError, match="2026-12-03"):
        await sessions.skip(G, "next week")
    with pytest.raises(NotFound):
        await sessions.skip(OTHER, "2026-03-22")


async def test_move_keeps_rsvps_and_reschedules_timers(sessions, timers):
    info = await sessions.schedule(G, "sun", "19:00", "Europe/London")
    first = await sessions.next(G)
    await sessions.rsvp(G, info.id, first.key, user_id=1, status="going")
    moved = await sessions.move(G, "2026-03-22", "2026-03-21 17:30")
    assert moved.start == datetime(2026, 3, 21, 17, 30, tzinfo=UTC)
    assert moved.key == first.key
    assert moved.counts == RsvpCounts(going=1)
    starts = [due for kind, due in await pending_kinds(timers) if kind == SESSION_START]
    assert starts[0] == datetime(2026, 3, 21, 17, 30, tzinfo=UTC)
    same_day = await sessions.move(G, "2026-03-22", "20:00")
    assert same_day.start == datetime(2026, 3, 22, 20, tzinfo=UTC)
    with pytest.raises(UserError, match="between the sessions"):
        await sessions.move(G, "2026-03-22", "2026-03-30 10:00")
    with pytest.raises(UserError, match="past"):
        await sessions.move(G, "2026-03-22", "2026-03-16 09:00")
    with pytest.raises(UserError, match="19:30"):
        await sessions.move(G, "2026-03-22", "soonish")
    back = await sessions.move(G, "2026-03-22", "19:00")
    assert not back.occurrence.moved


async def test_cancel(sessions, timers):
    await sessions.schedule(G, "sun", "19:00", "Europe/London")
    await sessions.cancel(G)
    assert await sessions.next(G) is None
    assert await timers.pending(G) == []
    with pytest.raises(NotFound):
        await sessions.cancel(G)


async def test_rsvp_counts_change_and_bad_input(sessions, clock):
    info = await sessions.schedule(G, "sun", "19:00", "Europe/London")
    occ = await sessions.next(G)
    assert await sessions.rsvp(G, info.id, occ.key, 1, "going") == RsvpCounts(going=1)
    assert await sessions.rsvp(G, info.id, occ.key, 2, "maybe") == RsvpCounts(going=1, maybe=1)
    assert await sessions.rsvp(G, info.id, occ.key, 1, "can't") == RsvpCounts(maybe=1, cant=1)
    listed = await sessions.list(G, 2)
    assert listed[0].counts == RsvpCounts(maybe=1, cant=1)
    assert listed[1].counts == RsvpCounts()
    schedule_id, key = parse_token(occ.token)
    assert (schedule_id, key) == (info.id, occ.key)
    with pytest.raises(UserError):
        await sessions.rsvp(G, info.id, occ.key, 1, "perhaps")
    with pytest.raises(UserError):  # another server's button
        await sessions.rsvp(OTHER, info.id, occ.key, 1, "going")
    with pytest.raises(UserError, match="skipped or no longer exists"):
        await sessions.rsvp(G, info.id, occ.key + timedelta(hours=1), 1, "going")
    clock.set(occ.end + timedelta(minutes=1))
    with pytest.raises(UserError, match="over"):
        await sessions.rsvp(G, info.id, occ.key, 3, "going")
    assert await sessions.record_attendance(G, info.id, occ.key) == 0
    await sessions.schedule(G, "mon", "19:00", "Europe/London")
    with pytest.raises(UserError, match="replaced or cancelled"):
        await sessions.rsvp(G, info.id, occ.key, 1, "going")


async def test_reminder_recipients_settings_and_attendance(sessions, timers):
    info = await sessions.schedule(G, "sun", "19:00", "Europe/London")
    occ = await sessions.next(G)
    assert await sessions.opt_in(G, 10)
    assert not await sessions.opt_in(G, 10)
    await sessions.opt_in(G, 11)
    await sessions.opt_in(OTHER, 99)
    await sessions.rsvp(G, info.id, occ.key, 20, "going")
    await sessions.rsvp(G, info.id, occ.key, 21, "maybe")
    await sessions.rsvp(G, info.id, occ.key, 11, "cant")
    assert await sessions.recipients_for_reminder(G, info.id, occ.key) == [10, 20, 21]
    assert await sessions.nudge_targets(G, info.id, occ.key) == [10]
    assert await sessions.opt_out(G, 10)
    assert not await sessions.opt_out(G, 10)
    config = await sessions.set_reminder_settings(G, offsets="2h,30m", delivery="role", role_id=5)
    assert config.offsets == (timedelta(hours=2), timedelta(minutes=30))
    reminders = sorted(due for kind, due in await pending_kinds(timers) if kind == SESSION_REMINDER)
    assert reminders[:2] == [occ.start - timedelta(hours=2), occ.start - timedelta(minutes=30)]
    with pytest.raises(UserError):
        await sessions.set_reminder_settings(G, delivery="pigeon")
    with pytest.raises(UserError):
        await sessions.set_reminder_settings(OTHER, delivery="role")
    assert await sessions.record_attendance(G, info.id, occ.key) == 1
    assert await sessions.record_attendance(G, info.id, occ.key) == 1
    assert await sessions.attendance(G, info.id, occ.key) == [20]
    links = await sessions.link(G, info.id, occ.key, event_id=123, announcement_message_id=9)
    links = await sessions.link(G, info.id, occ.key, thread_id=77)
    assert (links.event_id, links.thread_id, links.announcement_message_id) == (123, 77, 9)
    assert (await sessions.links(OTHER, info.id, occ.key)).event_id is None


async def test_handlers_roll_the_horizon_with_a_dispatcher(
    session_factory, sessions, timers, clock
):
    """Drive three weeks through the dispatcher: every timer fires once, in order."""
    fired: list[tuple[str, datetime]] = []

    async def handle(timer: TimerRecord) -> None:
        occurrence = await sessions.occurrence_for_timer(timer)
        if timer.kind != SESSION_READING:
            assert occurrence is not None
        fired.append((timer.kind, timer.due_at))
        await sessions.after_timer(timer)

    dispatcher = TimerDispatcher(
        session_factory,
        handlers=dict.fromkeys(
            (SESSION_ANNOUNCE, SESSION_REMINDER, SESSION_START, SESSION_READING), handle
        ),
        clock=clock,
        sleep_until=clock.sleep_until,
        timers=timers,
    )
    await sessions.schedule(G, "sun", "19:00", "Europe/London")
    await sessions.configure(G, reading_weekday="mon", reading_time="09:00")
    await dispatcher.start()
    try:
        for _ in range(21 * 24):  # hour by hour for three weeks
            clock.advance(timedelta(hours=1))
            await dispatcher.settle()
    finally:
        await dispatcher.stop()
    starts = [due for kind, due in fired if kind == SESSION_START]
    assert starts == [
        datetime(2026, 3, 22, 19, tzinfo=UTC),
        datetime(2026, 3, 29, 18, tzinfo=UTC),
        datetime(2026, 4, 5, 18, tzinfo=UTC),
    ]
    assert len(fired) == len(set(fired))
    readings = [due for kind, due in fired if kind == SESSION_READING]
    assert readings == [
        datetime(2026, 3, 23, 9, tzinfo=UTC),
        datetime(2026, 3, 30, 8, tzinfo=UTC),
        datetime(2026, 4, 6, 8, tzinfo=UTC),
    ]
    async with session_factory() as s:
        assert (
            await s.scalar(select(func.count()).select_from(Timer).where(Timer.status == PENDING))
            <= 10
        )


async def test_personal_reminders(session_factory, timers, clock):
    reminders = ReminderService(session_factory, timers, clock, max_pending=3)
    r = await reminders.remind_me(G, 1, "in 2 days", "read ch. 3 @everyone <@5>", "Europe/London")
    assert r.due_at == NOW + timedelta(days=2)
    assert "@everyone" not in r.text
    assert "<@5>" not in r.text
    await reminders.remind_me(G, 1, "friday 18:00", "b", "Europe/London")
    await reminders.remind_me(G, 2, "tomorrow 9am", "someone else", "Europe/London")
    assert [x.text for x in await reminders.list(G, 1)][1] == "b"
    await reminders.remind_me(G, 1, "2026-12-03 18:00", "c", "Europe/London")
    with pytest.raises(UserError, match="already have 3"):
        await reminders.remind_me(G, 1, "in 1h", "d", "Europe/London")
    with pytest.raises(UserError):
        await reminders.remind_me(G, 1, "in 1h", "x" * 1001, "Europe/London")
    # Each member numbers their own reminders 1, 2, 3 (the timer ids are global).
    assert sorted(x.number for x in await reminders.list(G, 1)) == [1, 2, 3]
    assert [x.number for x in await reminders.list(G, 2)] == [1]
    with pytest.raises(NotFound):
        await reminders.delete(G, 2, 3)  # member 1 has a #3; member 2 does not
    with pytest.raises(NotFound):
        await reminders.delete(OTHER, 1, r.number)  # another server
    await reminders.delete(G, 1, r.number)
    assert len(await reminders.list(G, 1)) == 2
    assert [x.number for x in await reminders.list(G, 2)] == [1]  # theirs untouched
    again = await reminders.remind_me(G, 1, "in 3 days", "again", "Europe/London")
    assert again.number == 4  # after the highest pending one: no number means two things
    assert await reminders.list(OTHER, 1) == []
    assert all(t.kind == PERSONAL_REMINDER for t in await timers.pending(G))


def expand_ics(data: bytes, count: int) -> list[datetime]:
    cal = icalendar.Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    master = next(e for e in events if "RRULE" in e)
    overrides = {
        e.decoded("RECURRENCE-ID").astimezone(UTC): e.decoded("DTSTART").astimezone(UTC)
        for e in events
        if "RECURRENCE-ID" in e
    }
    dtstart = master.decoded("DTSTART")
    rule = rrulestr(master["RRULE"].to_ical().decode(), dtstart=dtstart)
    exdates = master.get("EXDATE")
    excluded = set()
    for group in exdates if isinstance(exdates, list) else ([exdates] if exdates else []):
        excluded |= {d.dt.astimezone(UTC) for d in group.dts}
    result = []
    for local in rule:
        utc = local.astimezone(UTC)
        if utc in excluded:
            continue
        result.append(overrides.get(utc, utc))
        if len(result) == count:
            break
    return sorted(result)


async def test_ics_round_trip(sessions, clock):
    await sessions.schedule(G, "sun", "01:30", "Europe/London", ends="2026-12-31")
    await sessions.skip(G, "2026-04-05")
    await sessions.move(G, "2026-04-12", "2026-04-11 20:00")
    data = await sessions.calendar(G, title="Kronstadt circle")
    assert b"\r\n" in data
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    text = data.decode()
    assert "BEGIN:VTIMEZONE" in text
    assert "TZID:Europe/London" in text
    assert "RRULE:FREQ=WEEKLY;UNTIL=20261227T013000Z;BYDAY=SU" in text
    info = await sessions.current(G)
    expected = [o.start for o in next_occurrences(info.recurrence(), NOW, 60)]
    assert len(expected) == 40
    # 29 March and 25 October 2026 are the transition days: 01:30 falls in the gap / the fold.
    assert datetime(2026, 3, 29, 1, 30, tzinfo=UTC) in expected
    assert datetime(2026, 10, 25, 0, 30, tzinfo=UTC) in expected
    assert expand_ics(data, 60) == expected
    again = schedule_to_ics(info, title="Kronstadt circle", stamp=NOW)
    assert (
        icalendar.Calendar.from_ical(again).walk("VEVENT")[0]["UID"]
        == f"session-{G}-{info.id}@study-circle"
    )


async def test_calendar_without_schedule(sessions):
    with pytest.raises(NotFound):
        await sessions.calendar(G)


async def test_sync_after_downtime_leaves_due_timers_to_the_dispatcher(sessions, timers, clock):
    info = await sessions.schedule(G, "thursday", "19:00", "UTC")
    upcoming = await sessions.next(G)
    assert upcoming is not None
    # The bot was down when the session began; five minutes later it starts again and syncs.
    clock.set(upcoming.start + timedelta(minutes=5))
    await sessions.sync_all()
    pending = await timers.pending(G)
    starts = [t for t in pending if t.kind == "session.start" and t.due_at == upcoming.start]
    assert starts, "the overdue start timer was cancelled before the dispatcher could run it late"
    assert info.id == upcoming.schedule.id


async def test_calendar_skips_a_session_whose_time_had_passed_when_scheduled(sessions, clock):
    # Monday 16 March 2026, 20:00 UTC: "Mondays at 19:00" starts next Monday.
    clock.set(NOW.replace(hour=20))
    await sessions.schedule(G, "monday", "19:00", "UTC")
    calendar = icalendar.Calendar.from_ical(await sessions.calendar(G))
    [event] = [c for c in calendar.walk("VEVENT") if c.get("rrule") is not None]
    assert event.decoded("dtstart").date() == NOW.date() + timedelta(days=7)


async def test_a_longer_lead_time_sends_an_overdue_announcement_at_once(sessions, timers, clock):
    await sessions.schedule(G, "thursday", "19:00", "UTC")  # Thursday 19 March 2026
    announce = [due for kind, due in await pending_kinds(timers) if kind == "session.announce"]
    assert min(announce) == datetime(2026, 3, 16, 19, 0, tzinfo=UTC)  # three days before
    await sessions.configure(G, announce_before="4d")  # now due Sunday: already past
    announce = [due for kind, due in await pending_kinds(timers) if kind == "session.announce"]
    assert min(announce) == clock()
