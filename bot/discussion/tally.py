"""Vote counting: plurality/approval, time-slot approval and instant-runoff. Pure functions.

Candidates and options are identified by string keys (the poll service uses option ids).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Names of the tie-break steps, in the order they are tried (see :func:`instant_runoff`).
TIE_FIRST_PREFERENCES = "first_preferences"
TIE_EARLIER_ROUNDS = "earlier_rounds"
TIE_CANDIDATE_ORDER = "candidate_order"


@dataclass(frozen=True)
class Tally:
    """Counts per option (in option order) and the option(s) with the most votes."""

    counts: dict[str, int]
    winners: tuple[str, ...]
    ballots: int


def approval(options: Sequence[str], ballots: Iterable[Collection[str]]) -> Tally:
    """Count one vote for every option each ballot names (unknown keys and repeats ignored).

    ``winners`` holds every option tied on the highest count (none if nobody voted); ties are
    reported, not broken.
    """
    counts = dict.fromkeys(options, 0)
    cast = 0
    for ballot in ballots:
        chosen = {key for key in ballot if key in counts}
        if not chosen:
            continue
        cast += 1
        for key in chosen:
            counts[key] += 1
    top = max(counts.values(), default=0)
    winners = tuple(key for key, votes in counts.items() if top and votes == top)
    return Tally(counts=counts, winners=winners, ballots=cast)


def slot_tally(slots: Sequence[tuple[str, datetime]], ballots: Iterable[Collection[str]]) -> Tally:
    """``/poll time``: approval voting over candidate slots; a tie goes to the earliest slot.

    ``winners`` has exactly one slot (the earliest of those with the most approvals), or none
    if nobody voted. Equal datetimes fall back to the order of ``slots``.
    """
    base = approval([key for key, _ in slots], ballots)
    if not base.winners:
        return base
    when = {key: (moment, position) for position, (key, moment) in enumerate(slots)}
    earliest = min(base.winners, key=lambda key: when[key])
    return Tally(counts=base.counts, winners=(earliest,), ballots=base.ballots)


@dataclass(frozen=True)
class TieBreak:
    """How a tie for last place was resolved in ``round`` (1-based)."""

    round: int
    tied: tuple[str, ...]
    rule: str
    eliminated: str


@dataclass(frozen=True)
class IrvResult:
    """Instant-runoff outcome, round by round.

    ``rounds[i]`` maps every candidate still in the count in round ``i + 1`` to its votes;
    ``eliminated[i]`` is who was dropped after that round (``None`` in the deciding round);
    ``exhausted[i]`` counts ballots with no continuing candidate left in that round (they are
    left out of that round's majority threshold). ``ballots`` counts non-blank ballots.
    """

    candidates: tuple[str, ...]
    rounds: tuple[dict[str, int], ...]
    eliminated: tuple[str | None, ...]
    exhausted: tuple[int, ...]
    winner: str | None
    tie_breaks: tuple[TieBreak, ...] = field(default=())
    ballots: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "candidates": list(self.candidates),
            "rounds": [dict(r) for r in self.rounds],
            "eliminated": list(self.eliminated),
            "exhausted": list(self.exhausted),
            "winner": self.winner,
            "tie_breaks": [
                {"round": t.round, "tied": list(t.tied), "rule": t.rule, "eliminated": t.eliminated}
                for t in self.tie_breaks
            ],
            "ballots": self.ballots,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IrvResult:
        return cls(
            candidates=tuple(data["candidates"]),
            rounds=tuple(dict(r) for r in data["rounds"]),
            eliminated=tuple(data["eliminated"]),
            exhausted=tuple(data["exhausted"]),
            winner=data["winner"],
            tie_breaks=tuple(
                TieBreak(t["round"], tuple(t["tied"]), t["rule"], t["eliminated"])
                for t in data["tie_breaks"]
            ),
            ballots=data["ballots"],
        )


def instant_runoff(candidates: Sequence[str], ballots: Iterable[Sequence[str]]) -> IrvResult:
    """Instant-runoff (alternative vote) count.

    Each ballot ranks candidates, most preferred first; unknown candidates and repeats are
    ignored, ballots left empty by that are *blank* and take no part. Unranked candidates are
    below every ranked one.

    Each round, every ballot counts for its highest-ranked candidate still in the count. A
    ballot whose ranked candidates have all been eliminated is *exhausted*: it is left out of
    that round's total, and the majority needed is of the non-exhausted ballots only. A
    candidate with more than half of that total wins; so does the last candidate standing.
    Otherwise exactly one candidate, the one with the fewest votes, is eliminated.

    Tie rule for the fewest votes (deterministic; each step only among those still tied):

    1. ``first_preferences``: eliminate whoever had fewer first-preference votes (round 1);
    2. ``earlier_rounds``: then whoever had fewer votes in the previous round, then the round
       before that, and so on back to round 2;
    3. ``candidate_order``: then whoever comes *later* in ``candidates`` (for polls: the option
       listed lower).

    Every tie resolved by a step is recorded in ``tie_breaks``. With no candidates or no
    non-blank ballots there are no rounds and no winner.
    """
    order = list(dict.fromkeys(candidates))
    known = set(order)
    prepared: list[list[str]] = []
    for ballot in ballots:
        ranked = [key for key in dict.fromkeys(ballot) if key in known]
        if ranked:
            prepared.append(ranked)
    if not order or not prepared:
        return IrvResult(
            candidates=tuple(order), rounds=(), eliminated=(), exhausted=(), winner=None
        )

    position = {key: index for index, key in enumerate(order)}
    continuing = set(order)
    # Pointer into each ballot: index of its highest-ranked continuing candidate.
    cursor = [0] * len(prepared)
    rounds: list[dict[str, int]] = []
    eliminated: list[str | None] = []
    exhausted: list[int] = []
    tie_breaks: list[TieBreak] = []
    while True:
        counts = {key: 0 for key in order if key in continuing}
        spent = 0
        for index, ranked in enumerate(prepared):
            at = cursor[index]
            while at < len(ranked) and ranked[at] not in continuing:
                at += 1
            cursor[index] = at
            if at == len(ranked):
                spent += 1
            else:
                counts[ranked[at]] += 1
        rounds.append(counts)
        exhausted.append(spent)
        active = len(prepared) - spent
        leader = max(counts, key=lambda key: (counts[key], -position[key]))
        if len(counts) == 1 or counts[leader] * 2 > active:
            eliminated.append(None)
            winner = leader
            break
        loser, tie_break = _last_place(counts, rounds, position)
        if tie_break is not None:
            tie_breaks.append(tie_break)
        eliminated.append(loser)
        continuing.discard(loser)
    return IrvResult(
        candidates=tuple(order),
        rounds=tuple(rounds),
        eliminated=tuple(eliminated),
        exhausted=tuple(exhausted),
        winner=winner,
        tie_breaks=tuple(tie_breaks),
        ballots=len(prepared),
    )


def _last_place(
    counts: dict[str, int], rounds: list[dict[str, int]], position: dict[str, int]
) -> tuple[str, TieBreak | None]:
    fewest = min(counts.values())
    tied = [key for key, votes in counts.items() if votes == fewest]
    if len(tied) == 1:
        return tied[0], None
    this_round = len(rounds)
    all_tied = tuple(tied)

    def narrow(history: dict[str, int]) -> list[str]:
        low = min(history[key] for key in tied)
        return [key for key in tied if history[key] == low]

    tied = narrow(rounds[0])
    if len(tied) == 1:
        return tied[0], TieBreak(this_round, all_tied, TIE_FIRST_PREFERENCES, tied[0])
    # Backwards from the previous round to round 2 (round 1 was step 1).
    for earlier in range(this_round - 2, 0, -1):
        tied = narrow(rounds[earlier])
        if len(tied) == 1:
            return tied[0], TieBreak(this_round, all_tied, TIE_EARLIER_ROUNDS, tied[0])
    loser = max(tied, key=lambda key: position[key])
    return loser, TieBreak(this_round, all_tied, TIE_CANDIDATE_ORDER, loser)
