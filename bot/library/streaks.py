"""Reading streaks: weeks in a row a member finished the week's reading in time.

A syllabus week counts as *finished* when every reading in it was marked done before the next
week began (its own local dates, in the server's zone, where weeks are defined). Weeks with no
reading neither count nor break a run; the week under way breaks nothing until it is over, so
a streak does not drop to zero on a Monday morning. The current streak is the run that reaches
the latest finished-or-ongoing week; the best is the longest run ever.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from bot.library.records import SyllabusWeek

WeekState = Literal["finished", "missed", "ongoing", "open", "future", "empty"]


@dataclass(frozen=True)
class WeekMark:
    number: int
    starts: date | None
    state: WeekState


@dataclass(frozen=True)
class Streak:
    current: int
    best: int
    weeks: tuple[WeekMark, ...]


def week_states(
    weeks: Sequence[SyllabusWeek], done_on: Mapping[str, date], today: date
) -> list[WeekMark]:
    """Each week's state for one member: ``done_on`` maps reading id to the local date it was
    marked done. ``ongoing`` is the current week not yet finished; ``open`` a week without
    dates (no schedule) not yet finished."""
    ordered = sorted(weeks, key=lambda w: w.number)
    marks: list[WeekMark] = []
    for index, week in enumerate(ordered):
        ids = [card.id for card in week.readings]
        if not ids:
            marks.append(WeekMark(week.number, week.starts, "empty"))
            continue
        if week.starts is None:
            state: WeekState = "finished" if all(i in done_on for i in ids) else "open"
            marks.append(WeekMark(week.number, None, state))
            continue
        if week.starts > today:
            marks.append(WeekMark(week.number, week.starts, "future"))
            continue
        following = next((w.starts for w in ordered[index + 1 :] if w.starts), None)
        deadline = following or week.starts + timedelta(days=7)
        on_time = all(i in done_on and done_on[i] < deadline for i in ids)
        state = "finished" if on_time else "ongoing" if today < deadline else "missed"
        marks.append(WeekMark(week.number, week.starts, state))
    return marks


def streak(weeks: Sequence[SyllabusWeek], done_on: Mapping[str, date], today: date) -> Streak:
    marks = week_states(weeks, done_on, today)
    best = run = 0
    for mark in marks:
        if mark.state == "finished":
            run += 1
            best = max(best, run)
        elif mark.state in ("missed", "open"):
            run = 0
        # empty, ongoing and future weeks leave the run as it is
    current = 0
    for mark in reversed(marks):
        if mark.state in ("future", "empty", "ongoing"):
            continue
        if mark.state != "finished":
            break
        current += 1
    return Streak(current, best, tuple(marks))
