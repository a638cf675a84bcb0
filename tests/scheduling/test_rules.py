"""Repeating-reminder rules: parsing, and next times across zones and DST transitions."""

from __future__ import annotations

import itertools
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.scheduling.recurrence import local_time_exists, local_to_utc
from bot.scheduling.rules import LAST_DAY, Rule, next_after, parse_rule, upcoming

NAMED_ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham",
               "America/Santiago", "Asia/Tehran", "Pacific/Apia", "Asia/Tokyo", "UTC"]  # fmt: skip
ALL_ZONES = sorted(z for z in zoneinfo.available_timezones() if "/" in z)
ZONES = st.one_of(st.sampled_from(NAMED_ZONES), st.sampled_from(ALL_ZONES))
TIMES = st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 15, 30, 45, 59]))
AFTER = st.datetimes(
    min_value=datetime(2015, 1, 1),  # noqa: DTZ001 - hypothesis bounds must be naive
    max_value=datetime(2030, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
WEEKLY = st.builds(
    Rule,
    st.just("week"),
    st.integers(1, 5),
    TIMES,
    st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True).map(
        lambda d: tuple(sorted(d))
    ),
)
DAILY = st.builds(Rule, st.just("day"), st.integers(2, 10), TIMES)
MONTHLY = st.builds(
    Rule,
    st.just("month"),
    st.integers(1, 4),
    TIMES,
    st.just(()),
    st.one_of(st.integers(1, 31), st.just(LAST_DAY)),
)
RULES = st.one_of(WEEKLY, DAILY, MONTHLY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monday 09:00", Rule("week", 1, time(9), (0,))),
        ("every Monday at 9am", Rule("week", 1, time(9), (0,))),
        ("weekday 18:30", Rule("week", 1, time(18, 30), (0, 1, 2, 3, 4))),
        ("weekends 10am", Rule("week", 1, time(10), (5, 6))),
        ("daily 8:00", Rule("week", 1, time(8), (0, 1, 2, 3, 4, 5, 6))),
        ("mon, thu and sat 7pm", Rule("week", 1, time(19), (0, 3, 5))),
        ("1st of the month", Rule("month", 1, time(9), month_day=1)),
        ("15th of each month at 18:00", Rule("month", 1, time(18), month_day=15)),
        ("last day of the month 20:00", Rule("month", 1, time(20), month_day=LAST_DAY)),
        ("every 3 months on the 1st 10:00", Rule("month", 3, time(10), month_day=1)),
        ("every 2 weeks on thursday 19:00", Rule("week", 2, time(19), (3,))),
        ("every other week on fri at 10:15", Rule("week", 2, time(10, 15), (4,))),
        ("every 3 days 07:30", Rule("day", 3, time(7, 30))),
    ],
)
def test_rules_members_type(text: str, expected: Rule) -> None:
    assert parse_rule(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("every 2 weeks", "which days"),
        ("blah 9:00", "not a weekday"),
        ("every 99 weeks on mon", "at most every 52 weeks"),
        ("40th of the month", "days 1 to 31"),
        ("every 2 weeks on the 1st", "goes with months"),
        ("monday 25:00", "not a time"),
    ],
)
def test_bad_rules_say_what_works(text: str, why: str) -> None:
    with pytest.raises(UserError) as error:
        parse_rule(text)
    assert why in error.value.message
    assert "monday 09:00" in error.value.message


def test_every_monday_keeps_nine_oclock_across_london_dst() -> None:
    london = ZoneInfo("Europe/London")
    start = datetime(2027, 3, 20, 12, tzinfo=UTC)
    times = upcoming(parse_rule("monday 09:00"), london, date(2027, 3, 20), start, 3)
    # Clocks go forward on Sunday 28 March 2027: 09:00 GMT, then 09:00 BST (08:00 UTC).
    assert times == [
        datetime(2027, 3, 22, 9, tzinfo=UTC),
        datetime(2027, 3, 29, 8, tzinfo=UTC),
        datetime(2027, 4, 5, 8, tzinfo=UTC),
    ]


def test_the_31st_falls_on_the_last_day_of_short_months() -> None:
    utc = ZoneInfo("UTC")
    times = upcoming(
        parse_rule("31st of the month 12:00"),
        utc,
        date(2027, 1, 1),
        datetime(2027, 1, 1, tzinfo=UTC),
        3,
    )
    assert [t.date() for t in times] == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]


def test_until_and_count_end_a_rule() -> None:
    utc = ZoneInfo("UTC")
    rule = parse_rule("monday 09:00")
    start = datetime(2027, 3, 1, 12, tzinfo=UTC)
    assert len(upcoming(rule, utc, date(2027, 3, 1), start, 10, until=date(2027, 3, 22))) == 3
    assert next_after(rule, utc, date(2027, 3, 1), start, until=date(2027, 3, 7)) is None


def _expected_days(rule: Rule, anchor: date, first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if rule.falls_on(day, anchor):
            days.append(day)
        day += timedelta(days=1)
    return days


@settings(max_examples=80, deadline=None)
@given(zone=ZONES, rule=RULES, after=AFTER, lag=st.integers(0, 60))
def test_next_times_are_every_local_day_the_rule_names_in_order(
    zone: str, rule: Rule, after: datetime, lag: int
) -> None:
    tz = ZoneInfo(zone)
    anchor = (after.astimezone(tz) - timedelta(days=lag)).date()
    times = upcoming(rule, tz, anchor, after, 12)
    assert len(times) == 12
    assert all(a < b for a, b in itertools.pairwise(times))
    assert times[0] > after
    for when in times:
        local = when.astimezone(tz)
        # The wall-clock time is kept; only a spring-forward gap moves it (forward).
        day = local.date() if local.time() >= rule.at else local.date() - timedelta(days=1)
        if local_time_exists(day, rule.at, tz):
            assert local.time().replace(fold=0) == rule.at
        assert when == local_to_utc(day, rule.at, tz)
    # No day was skipped: the local dates are exactly the rule's days in that span.
    days = [_day_of(w, rule, tz) for w in times]
    first_possible = (after.astimezone(tz) - timedelta(days=1)).date()
    expected = [
        d
        for d in _expected_days(rule, anchor, max(anchor, first_possible), days[-1])
        if local_to_utc(d, rule.at, tz) > after
    ]
    assert days == expected


def _day_of(when: datetime, rule: Rule, zone: ZoneInfo) -> date:
    local = when.astimezone(zone)
    return local.date() if local.time() >= rule.at else local.date() - timedelta(days=1)


@settings(max_examples=60, deadline=None)
@given(zone=ZONES, rule=RULES, after=AFTER)
def test_next_after_a_time_is_the_following_one(zone: str, rule: Rule, after: datetime) -> None:
    """Restart safety: asking again from any fired time gives the next, never the same."""
    tz = ZoneInfo(zone)
    anchor = after.astimezone(tz).date()
    first, second = upcoming(rule, tz, anchor, after, 2)
    assert next_after(rule, tz, anchor, first) == second
    assert next_after(rule, tz, anchor, first - timedelta(microseconds=1)) == first


def test_describe_reads_back() -> None:
    assert parse_rule("every 2 weeks on thursday 19:00").describe() == (
        "every 2 weeks on Thursday at 19:00"
    )
    assert parse_rule("1st of the month").describe() == "on the 1st of every month at 09:00"
    assert parse_rule("weekday 18:30").describe() == "every weekday at 18:30"
