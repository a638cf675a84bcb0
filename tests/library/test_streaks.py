"""Reading streaks: weeks in a row finished before the next week began."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.library.records import ReadingCard, SyllabusWeek
from bot.library.streaks import streak, week_states

MONDAY = date(2027, 3, 1)


def card(reading_id: str) -> ReadingCard:
    return ReadingCard(id=reading_id, title=reading_id, authors="A", year=1921, summary=None)


def weeks(count: int, *, empty: frozenset[int] = frozenset()) -> list[SyllabusWeek]:
    return [
        SyllabusWeek(
            n, None, MONDAY + timedelta(weeks=n - 1), () if n in empty else (card(f"r{n}"),)
        )
        for n in range(1, count + 1)
    ]


def test_a_run_of_weeks_finished_in_time() -> None:
    done = {f"r{n}": MONDAY + timedelta(weeks=n - 1, days=3) for n in (1, 2, 3)}
    result = streak(weeks(5), done, MONDAY + timedelta(weeks=3, days=1))
    assert (result.current, result.best) == (3, 3)
    assert [m.state for m in result.weeks] == [
        "finished",
        "finished",
        "finished",
        "ongoing",
        "future",
    ]


def test_a_week_finished_late_breaks_the_run_and_empty_weeks_do_not() -> None:
    done = {
        "r1": MONDAY + timedelta(days=2),
        "r2": MONDAY + timedelta(weeks=2, days=1),  # after week 3 began: late
        "r4": MONDAY + timedelta(weeks=3, days=6),
        "r5": MONDAY + timedelta(weeks=4),
    }
    result = streak(weeks(5, empty=frozenset({3})), done, MONDAY + timedelta(weeks=5))
    assert [m.state for m in result.weeks] == [
        "finished",
        "missed",
        "empty",
        "finished",
        "finished",
    ]
    assert (result.current, result.best) == (2, 2)


def test_the_week_under_way_breaks_nothing_until_it_ends() -> None:
    done = {"r1": MONDAY}
    assert streak(weeks(2), done, MONDAY + timedelta(weeks=1, days=6)).current == 1
    assert streak(weeks(2), done, MONDAY + timedelta(weeks=2)).current == 0


@given(st.sets(st.integers(1, 12)), st.integers(0, 100))
def test_current_never_exceeds_best_nor_the_weeks_finished(finished: set[int], day: int) -> None:
    done = {f"r{n}": MONDAY + timedelta(weeks=n - 1) for n in finished}
    today = MONDAY + timedelta(days=day)
    result = streak(weeks(12), done, today)
    assert result.current <= result.best
    assert result.best <= sum(
        1 for m in week_states(weeks(12), done, today) if m.state == "finished"
    )
