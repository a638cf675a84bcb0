"""Weekly recurrence across zones and ten years of DST transitions."""

from __future__ import annotations

import itertools
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scheduling.recurrence import (
    WeeklySchedule,
    local_time_exists,
    local_to_utc,
    next_occurrences,
    occurrence_on,
)

NAMED_ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
    "Asia/Tehran",
    "Africa/Casablanca",
    "Pacific/Apia",
    "America/St_Johns",
    "Asia/Kathmandu",
    "UTC",
]
ALL_ZONES = sorted(z for z in zoneinfo.available_timezones() if "/" in z)
ZONES = st.one_of(st.sampled_from(NAMED_ZONES), st.sampled_from(ALL_ZONES))
TIMES = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59]))
STARTS = st.datetimes(
    min_value=datetime(2015, 1, 1),  # noqa: DTZ001 - hypothesis bounds must be naive
    max_value=datetime(2030, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
TEN_YEARS = 522  # weeks


@settings(max_examples=60, deadline=None)
@given(zone=ZONES, weekday=st.integers(0, 6), at=TIMES, after=STARTS)
def test_ten_years_of_weekly_occurrences(zone, weekday, at, after):
    schedule = WeeklySchedule(weekday, at, zone)
    tz = ZoneInfo(zone)
    occurrences = next_occurrences(schedule, after, TEN_YEARS)
    assert len(occurrences) == TEN_YEARS
    starts = [o.start for o in occurrences]
    assert starts[0] > after
    assert all(a < b for a, b in itertools.pairwise(starts))  # increasing, no doubles
    for prev, occ in itertools.pairwise(occurrences):
        assert occ.local_date - prev.local_date == timedelta(days=7)
    for occ in occurrences:
        assert occ.local_date.weekday() == weekday
        assert occ.start.tzinfo is UTC or occ.start.utcoffset() == timedelta(0)
        local = occ.start.astimezone(tz)
        if local_time_exists(occ.local_date, at, tz):
            assert (local.date(), local.time()) == (occ.local_date, at)
        else:
            # In a gap: moved forward by the gap, never backwards, never by a day or more
            # (except zones that skipped a whole calendar day, like Apia in 2011).
            assert local.replace(tzinfo=None) > datetime.combine(occ.local_date, at)


@settings(max_examples=40, deadline=None)
@given(zone=ZONES, weekday=st.integers(0, 6), at=TIMES, after=STARTS, count=st.integers(1, 30))
def test_next_occurrences_is_a_prefix_of_a_longer_list(zone, weekday, at, after, count):
    schedule = WeeklySchedule(weekday, at, zone)
    longer = next_occurrences(schedule, after, count + 5)
    assert next_occurrences(schedule, after, count) == longer[:count]
    # Asking again from just before the k-th occurrence continues the same sequence.
    k = count // 2
    resumed = next_occurrences(schedule, longer[k].start - timedelta(microseconds=1), 5)
    assert resumed == longer[k : k + 5]


def test_london_19_00_stays_19_00_across_both_transitions():
    schedule = WeeklySchedule(6, time(19, 0), "Europe/London")  # Sundays
    after = datetime(2026, 3, 20, tzinfo=UTC)
    got = next_occurrences(schedule, after, 3)
    # 22 March is GMT (UTC+0); 29 March, the last Sunday of March, is BST (UTC+1).
    assert [o.start for o in got] == [
        datetime(2026, 3, 22, 19, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 18, 0, tzinfo=UTC),
        datetime(2026, 4, 5, 18, 0, tzinfo=UTC),
    ]
    autumn = next_occurrences(schedule, datetime(2026, 10, 20, tzinfo=UTC), 2)
    assert [o.start for o in autumn] == [
        datetime(2026, 10, 25, 19, 0, tzinfo=UTC),  # GMT again after 25 October
        datetime(2026, 11, 1, 19, 0, tzinfo=UTC),
    ]


def test_gap_moves_forward_and_fold_takes_the_first():
    tz = ZoneInfo("America/New_York")
    # 8 March 2026: 02:00 -> 03:00. 02:30 does not exist: it becomes 03:30 EDT.
    assert not local_time_exists(date(2026, 3, 8), time(2, 30), tz)
    assert local_to_utc(date(2026, 3, 8), time(2, 30), tz).astimezone(tz).time() == time(3, 30)
    # 1 November 2026: 01:30 happens twice; the first is EDT (UTC-4).
    assert local_to_utc(date(2026, 11, 1), time(1, 30), tz) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )
    # Lord Howe's half-hour DST: 02:15 on 4 October 2026 does not exist -> 02:45.
    lh = ZoneInfo("Australia/Lord_Howe")
    assert local_to_utc(date(2026, 10, 4), time(2, 15), lh).astimezone(lh).time() == time(2, 45)


def test_skips_moves_and_bounds():
    schedule = WeeklySchedule(
        0,
        time(19, 0),
        "Europe/London",
        starts=date(2026, 1, 5),
        ends=date(2026, 2, 2),
        skips=frozenset({date(2026, 1, 12)}),
        moves={date(2026, 1, 19): (date(2026, 1, 21), time(18, 30))},
    )
    got = next_occurrences(schedule, datetime(2025, 12, 1, tzinfo=UTC), 10)
    assert [(o.local_date, o.start, o.moved) for o in got] == [
        (date(2026, 1, 5), datetime(2026, 1, 5, 19, tzinfo=UTC), False),
        (date(2026, 1, 19), datetime(2026, 1, 21, 18, 30, tzinfo=UTC), True),
        (date(2026, 1, 26), datetime(2026, 1, 26, 19, tzinfo=UTC), False),
        (date(2026, 2, 2), datetime(2026, 2, 2, 19, tzinfo=UTC), False),
    ]
    moved = got[1]
    assert moved.key == datetime(2026, 1, 19, 19, tzinfo=UTC)
    assert occurrence_on(schedule, date(2026, 1, 12)) is None
    assert occurrence_on(schedule, date(2026, 1, 13)) is None  # a Tuesday
