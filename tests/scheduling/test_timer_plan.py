"""The session timer plan without a database: what the schedule wants, and what to change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from bot.scheduling.sessions.timer_plan import (
    SESSION_ANNOUNCE,
    SESSION_READING,
    SESSION_REMINDER,
    SESSION_START,
    PlannedTimer,
    TimerMove,
    desired,
    reconcile,
    timer_key,
)
from bot.scheduling.sessions.values import ReminderConfig, ScheduleInfo
from bot.scheduling.timers import PENDING, TimerRecord

NOW = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)  # Monday 16 March 2026
SUNDAYS = ScheduleInfo(
    id=7,
    guild_id=42,
    weekday=6,
    at=time(19, 0),
    zone="Europe/London",
    channel_id=None,
    duration=timedelta(minutes=90),
    starts=None,
    ends=None,
    announce_before=timedelta(days=3),
    reading_weekday=None,
    reading_time=None,
    created_by=None,
)
DEFAULTS = ReminderConfig()  # 24 hours and 1 hour before
MAR_22 = datetime(2026, 3, 22, 19, tzinfo=UTC)  # GMT
MAR_29 = datetime(2026, 3, 29, 18, tzinfo=UTC)  # 19:00 BST: London sprang forward that morning
APR_5 = datetime(2026, 4, 5, 18, tzinfo=UTC)


def starts(plan: dict[str, PlannedTimer]) -> list[datetime]:
    return sorted(p.due_at for p in plan.values() if p.kind == SESSION_START)


def pending(key: str, plan: PlannedTimer, *, timer_id: int, due_at: datetime) -> TimerRecord:
    return TimerRecord(timer_id, 42, plan.kind, due_at, plan.payload, PENDING, dedupe_key=key)


# -- desired --------------------------------------------------------------------------------


def test_the_horizon_holds_the_next_sessions_timers_and_nothing_more() -> None:
    plan = desired(SUNDAYS, DEFAULTS, NOW, horizon=2)
    assert sorted((p.kind, p.due_at) for p in plan.values()) == sorted(
        [
            (SESSION_ANNOUNCE, MAR_22 - timedelta(days=3)),
            (SESSION_REMINDER, MAR_22 - timedelta(hours=24)),
            (SESSION_REMINDER, MAR_22 - timedelta(hours=1)),
            (SESSION_START, MAR_22),
            (SESSION_ANNOUNCE, MAR_29 - timedelta(days=3)),
            (SESSION_REMINDER, MAR_29 - timedelta(hours=24)),
            (SESSION_REMINDER, MAR_29 - timedelta(hours=1)),
            (SESSION_START, MAR_29),
        ]
    )
    assert starts(desired(SUNDAYS, DEFAULTS, NOW, horizon=3)) == [MAR_22, MAR_29, APR_5]
    # Once the first session has begun, the horizon has moved on by one.
    assert starts(desired(SUNDAYS, DEFAULTS, MAR_22, horizon=2)) == [MAR_29, APR_5]


def test_timers_are_named_by_the_occurrence_and_carry_it() -> None:
    plan = desired(SUNDAYS, ReminderConfig(offsets=(timedelta(minutes=90),)), NOW, horizon=1)
    assert set(plan) == {
        "session.announce:7:20260322T190000Z",
        "session.reminder:7:20260322T190000Z:90",
        "session.start:7:20260322T190000Z",
    }
    reminder = plan["session.reminder:7:20260322T190000Z:90"]
    assert reminder.payload == {
        "schedule_id": 7,
        "occurrence": MAR_22.isoformat(),
        "local_date": "2026-03-22",
        "offset_minutes": 90,
    }
    assert timer_key(SESSION_START, 7, MAR_22) == "session.start:7:20260322T190000Z"


def test_across_the_spring_change_sessions_keep_their_wall_clock_time() -> None:
    plan = desired(SUNDAYS, DEFAULTS, MAR_22, horizon=1)
    # 19:00 BST on 29 March; lead times are real durations, so the day-before reminder is at
    # 18:00 UTC on the 28th (still GMT: 18:00 local) and the announcement three days before.
    assert sorted((p.kind, p.due_at) for p in plan.values()) == sorted(
        [
            (SESSION_ANNOUNCE, datetime(2026, 3, 26, 18, tzinfo=UTC)),
            (SESSION_REMINDER, datetime(2026, 3, 28, 18, tzinfo=UTC)),
            (SESSION_REMINDER, datetime(2026, 3, 29, 17, tzinfo=UTC)),
            (SESSION_START, MAR_29),
        ]
    )
    # A time in the gap (01:30 on the changing night) moves forward by the gap: 02:30 BST.
    night = replace(SUNDAYS, at=time(1, 30))
    assert starts(desired(night, DEFAULTS, MAR_22, horizon=1)) == [
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    ]


def test_a_skipped_session_has_no_timers_and_the_horizon_reaches_past_it() -> None:
    plan = desired(replace(SUNDAYS, skips=frozenset({date(2026, 3, 22)})), DEFAULTS, NOW, 2)
    assert starts(plan) == [MAR_29, APR_5]
    assert not [key for key in plan if "20260322" in key]


def test_a_moved_session_keeps_its_timer_names_and_moves_their_times() -> None:
    moved = replace(SUNDAYS, moves={date(2026, 3, 22): (date(2026, 3, 21), time(17, 30))})
    plan = desired(moved, DEFAULTS, NOW, horizon=1)
    new_start = datetime(2026, 3, 21, 17, 30, tzinfo=UTC)
    start = plan["session.start:7:20260322T190000Z"]
    assert start.due_at == new_start
    assert start.payload["occurrence"] == MAR_22.isoformat()  # RSVPs stay with the session
    assert plan["session.announce:7:20260322T190000Z"].due_at == new_start - timedelta(days=3)
    assert plan["session.reminder:7:20260322T190000Z:60"].due_at == new_start - timedelta(hours=1)


def test_the_weekly_reading_post_is_planned_once() -> None:
    reading = replace(SUNDAYS, reading_weekday=0, reading_time=time(9, 0))
    plan = desired(reading, DEFAULTS, NOW, horizon=2)
    posts = {k: p for k, p in plan.items() if p.kind == SESSION_READING}
    assert posts == {
        "session.reading:7:2026-03-23": PlannedTimer(
            SESSION_READING,
            datetime(2026, 3, 23, 9, tzinfo=UTC),
            {"schedule_id": 7, "local_date": "2026-03-23"},
        )
    }


# -- reconcile ------------------------------------------------------------------------------


def test_from_nothing_everything_still_to_come_is_created() -> None:
    plan = desired(SUNDAYS, DEFAULTS, NOW, horizon=2)
    changes = reconcile(plan, [], NOW, schedule_active=True)
    assert changes.cancel == []
    assert changes.move == []
    assert changes.create == plan


def test_passed_reminders_are_dropped_and_an_overdue_announcement_goes_out_now() -> None:
    # Sunday 22 March, 12:00 UTC: the announcement and the day-before reminder have passed.
    now = datetime(2026, 3, 22, 12, tzinfo=UTC)
    plan = desired(SUNDAYS, DEFAULTS, now - timedelta(days=4), horizon=1)
    changes = reconcile(plan, [], now, schedule_active=True)
    assert sorted((p.kind, p.due_at) for p in changes.create.values()) == [
        (SESSION_ANNOUNCE, now),
        (SESSION_REMINDER, MAR_22 - timedelta(hours=1)),
        (SESSION_START, MAR_22),
    ]


def test_timers_already_in_place_are_left_alone() -> None:
    plan = desired(SUNDAYS, DEFAULTS, NOW, horizon=2)
    existing = [
        pending(key, p, timer_id=n, due_at=p.due_at) for n, (key, p) in enumerate(plan.items())
    ]
    changes = reconcile(plan, existing, NOW, schedule_active=True)
    assert (changes.cancel, changes.move, changes.create) == ([], [], {})


def test_moved_timers_are_moved_and_unwanted_ones_cancelled() -> None:
    plan = desired(SUNDAYS, DEFAULTS, NOW, horizon=1)
    start_key = "session.start:7:20260322T190000Z"
    later = MAR_22 + timedelta(hours=1)
    stale = PlannedTimer(SESSION_START, APR_5, {"schedule_id": 6})
    existing = [
        pending(start_key, plan[start_key], timer_id=1, due_at=later),
        pending("session.start:6:20260405T180000Z", stale, timer_id=2, due_at=APR_5),
    ]
    changes = reconcile(plan, existing, NOW, schedule_active=True)
    assert changes.move == [TimerMove(1, MAR_22, plan[start_key].payload)]
    assert changes.cancel == [2]
    assert start_key not in changes.create
    assert len(changes.create) == len(plan) - 1


def test_a_timer_moved_into_the_past_is_cancelled_unless_it_announces() -> None:
    now = datetime(2026, 3, 21, 20, tzinfo=UTC)  # the evening before the session
    plan = desired(SUNDAYS, DEFAULTS, now - timedelta(days=3), horizon=1)
    reminder_key = "session.reminder:7:20260322T190000Z:1440"
    announce_key = "session.announce:7:20260322T190000Z"
    existing = [  # set when the offsets and lead time were shorter
        pending(reminder_key, plan[reminder_key], timer_id=1, due_at=MAR_22 - timedelta(hours=2)),
        pending(announce_key, plan[announce_key], timer_id=2, due_at=MAR_22 - timedelta(hours=12)),
    ]
    changes = reconcile(plan, existing, now, schedule_active=True)
    assert changes.cancel == [1]
    assert changes.move == [TimerMove(2, now, plan[announce_key].payload)]


def test_an_overdue_timer_waits_for_the_dispatcher_until_the_schedule_goes() -> None:
    # The bot was down when the session began: its start timer is due but no longer planned.
    now = MAR_22 + timedelta(minutes=5)
    start_key = "session.start:7:20260322T190000Z"
    overdue = pending(start_key, PlannedTimer(SESSION_START, MAR_22, {}), timer_id=1, due_at=MAR_22)
    plan = desired(SUNDAYS, DEFAULTS, now, horizon=2)
    assert start_key not in plan
    assert 1 not in reconcile(plan, [overdue], now, schedule_active=True).cancel
    assert reconcile({}, [overdue], now, schedule_active=False).cancel == [1]
