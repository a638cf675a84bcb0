"""Instant-runoff, approval and time-slot tallies (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.discussion.tally import (
    TIE_CANDIDATE_ORDER,
    TIE_EARLIER_ROUNDS,
    TIE_FIRST_PREFERENCES,
    IrvResult,
    approval,
    instant_runoff,
    slot_tally,
)


def ballots(*specs: tuple[int, str]) -> list[list[str]]:
    """``(3, "ABC")`` = three ballots ranking A > B > C."""
    return [list(order) for count, order in specs for _ in range(count)]


def test_majority_in_round_one() -> None:
    result = instant_runoff("ABC", ballots((3, "AB"), (1, "BA"), (1, "C")))
    assert result.winner == "A"
    assert result.rounds == ({"A": 3, "B": 1, "C": 1},)
    assert result.eliminated == (None,)
    assert result.exhausted == (0,)
    assert result.tie_breaks == ()


def test_exactly_half_is_not_a_majority() -> None:
    result = instant_runoff("AB", ballots((2, "A"), (1, "B"), (1, "BA")))
    # 2 of 4 is no majority; the A/B tie falls to candidate order (B out), then A has 3 of 3.
    assert len(result.rounds) == 2
    assert result.winner == "A"


def test_eliminations_across_rounds_transfer_votes() -> None:
    votes = ballots((8, "ABC"), (7, "BCA"), (4, "CBA"), (2, "DCB"))
    result = instant_runoff("ABCD", votes)
    assert result.rounds[0] == {"A": 8, "B": 7, "C": 4, "D": 2}
    assert result.eliminated[0] == "D"
    assert result.rounds[1] == {"A": 8, "B": 7, "C": 6}
    assert result.eliminated[1] == "C"
    assert result.rounds[2] == {"A": 8, "B": 13}
    assert result.eliminated[2] is None
    assert result.winner == "B"
    assert result.ballots == 21


def test_exhausted_ballots_leave_the_majority_threshold() -> None:
    # Round 1: A 4, B 3, C 2 (the C voters rank nobody else) -> C out, 2 ballots exhausted.
    # Round 2: A 4 of 7 active ballots is a majority, although 4 of all 9 is not.
    votes = ballots((4, "A"), (3, "B"), (2, "C"))
    result = instant_runoff("ABC", votes)
    assert result.eliminated[0] == "C"
    assert result.exhausted == (0, 2)
    assert result.rounds[1] == {"A": 4, "B": 3}
    assert result.winner == "A"


def test_tie_break_step_one_first_preferences() -> None:
    # R1: A5 B3 C4 D1 -> D out, to B. R2: A5 B4 C4 -> B/C tie; first preferences
    # B 3 < C 4 -> B out. R3: A5 C4 with 4 ballots exhausted -> A has 5 of 9.
    votes = ballots((5, "A"), (3, "B"), (4, "C"), (1, "DB"))
    result = instant_runoff("ABCD", votes)
    assert result.eliminated[:2] == ("D", "B")
    assert len(result.tie_breaks) == 1
    tie = result.tie_breaks[0]
    assert (tie.round, set(tie.tied), tie.rule, tie.eliminated) == (
        2,
        {"B", "C"},
        TIE_FIRST_PREFERENCES,
        "B",
    )
    assert result.rounds[2] == {"A": 5, "C": 4}
    assert result.exhausted[2] == 4
    assert result.winner == "A"


def test_tie_break_step_two_earlier_rounds_backwards() -> None:
    votes = ballots((7, "A"), (4, "B"), (4, "C"), (2, "DC"), (2, "EB"))
    # R1: A7 B4 C4 D2 E2 -> D/E tie, equal first preferences, no earlier round -> candidate
    #     order eliminates E (listed later); its ballots go to B.
    # R2: A7 B6 C4 D2 -> D out; its ballots go to C.
    # R3: A7 B6 C6 -> B/C tie with equal first preferences (4/4); the previous round had
    #     B 6 > C 4, so C is eliminated.
    result = instant_runoff("ABCDE", votes)
    assert result.eliminated[:3] == ("E", "D", "C")
    assert [t.rule for t in result.tie_breaks] == [TIE_CANDIDATE_ORDER, TIE_EARLIER_ROUNDS]
    last = result.tie_breaks[-1]
    assert (last.round, set(last.tied), last.eliminated) == (3, {"B", "C"}, "C")
    assert result.rounds[3] == {"A": 7, "B": 6}
    assert result.exhausted[3] == 6
    assert result.winner == "A"


def test_tie_break_step_three_candidate_order() -> None:
    result = instant_runoff(["x", "y"], [["x"], ["y"]])
    # 1 vs 1, no majority; equal everything -> the later candidate (y) is eliminated.
    assert result.eliminated == ("y", None)
    assert result.winner == "x"
    assert result.tie_breaks[0].rule == TIE_CANDIDATE_ORDER
    assert instant_runoff(["y", "x"], [["x"], ["y"]]).winner == "y"


def test_single_candidate_and_no_ballots() -> None:
    solo = instant_runoff(["only"], [["only"], ["only"]])
    assert solo.winner == "only"
    assert solo.rounds == ({"only": 2},)
    empty = instant_runoff(["a", "b"], [])
    assert (empty.winner, empty.rounds, empty.ballots) == (None, (), 0)
    blank = instant_runoff(["a", "b"], [[], ["zzz"]])
    assert blank.winner is None
    assert instant_runoff([], [["a"]]).winner is None


def test_unknown_and_repeated_preferences_ignored() -> None:
    result = instant_runoff("AB", [["A", "A", "Z", "B"], ["B"], ["B", "B"]])
    assert result.rounds[0] == {"A": 1, "B": 2}
    assert result.winner == "B"


def test_json_round_trip() -> None:
    result = instant_runoff("ABCDE", ballots((7, "A"), (4, "B"), (4, "C"), (2, "DC"), (2, "EB")))
    assert IrvResult.from_json(result.to_json()) == result


def test_approval_counts_and_ties() -> None:
    tally = approval(["a", "b", "c"], [["a", "b"], ["b"], ["a"], [], ["zz"]])
    assert tally.counts == {"a": 2, "b": 2, "c": 0}
    assert tally.winners == ("a", "b")
    assert tally.ballots == 3
    assert approval(["a"], []).winners == ()


def test_slot_tie_goes_to_earliest_slot() -> None:
    start = datetime(2026, 5, 1, 18, tzinfo=UTC)
    slots = [("late", start + timedelta(days=2)), ("early", start), ("mid", start + timedelta(1))]
    tally = slot_tally(slots, [["late", "early"], ["late", "early", "mid"], ["mid"]])
    assert tally.counts == {"late": 2, "early": 2, "mid": 2}
    assert tally.winners == ("early",)
    assert slot_tally(slots, [["late"], ["late", "mid"]]).winners == ("late",)
    assert slot_tally(slots, []).winners == ()
