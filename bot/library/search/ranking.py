"""The final order of the hits, the same on both engines, and what each hit shows.

The database hands over a few dozen candidates; here they are scored with BM25F over the
analysed fields, using document frequencies within the asking server's scope:

- a word in a heading (title, point gist, glossary name) counts three times one in running
  text, a name or alias twice, a context note half;
- each asked word is one group with its other spellings and fuzzy matches, so a name spelt two
  ways is not counted twice;
- a document that answers more of the question's words is preferred (coverage), so "sailors
  demand" puts what speaks of both before what repeats one;
- a heading the question names whole ("Volin": the glossary entry Voline) comes first.

The snippet is cut from the field that matched: the passage, else the context note (marked
"Context:"), else the names (marked "Also:"), so a member always sees why it was found.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from bot.library.search.analysis import QueryPlan
from bot.library.search.documents import Citation, Hit
from bot.library.search.snippets import snippet
from bot.library.search.sql import Candidate, ScopeStats
from bot.library.text import fold

FIELD_WEIGHTS = {"title": 3.0, "names": 2.0, "tags": 1.5, "body": 1.0, "note": 0.5}
K1 = 1.2
B = 0.75
AVERAGE_LENGTH = 60.0  # weighted terms of a typical document (a point, a summary, an excerpt)
COVERAGE = 0.7  # how much answering every asked word matters, 0..1
HEADING_BONUS = 1.5  # the question names exactly this heading: "Volin" is the entry Voline


def _fields(candidate: Candidate) -> dict[str, str]:
    """Each field's terms, padded with spaces so a term is counted with ``count(f" {t} ")``
    (a C-level scan: no per-candidate tokenising in Python)."""
    return {name: f" {getattr(candidate, f'terms_{name}')} " for name in FIELD_WEIGHTS}


def _count(padded: str, term: str) -> int:
    return padded.count(f" {term} ")


def idf(stats: ScopeStats, group: Iterable[str]) -> float:
    """BM25's inverse document frequency of a group of spellings, within the server's scope."""
    df = max([stats.frequency.get(term, 0) for term in group] + [1])
    n = max(stats.documents, df)
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def score(candidate: Candidate, plan: QueryPlan, stats: ScopeStats) -> tuple[float, set[str]]:
    """The candidate's score and the terms it matched."""
    fields = _fields(candidate)
    length = sum(FIELD_WEIGHTS[name] * padded.count(" ") for name, padded in fields.items())
    length -= sum(FIELD_WEIGHTS.values())  # the padding's own spaces
    norm = K1 * (1 - B + B * length / AVERAGE_LENGTH)
    total = 0.0
    matched: set[str] = set()
    answered = 0
    for group in plan.groups:
        tf = 0.0
        for name, padded in fields.items():
            for term in group:
                hits = _count(padded, term)
                if hits:
                    tf += FIELD_WEIGHTS[name] * hits
                    matched.add(term)
        if not tf:
            continue
        answered += 1
        total += idf(stats, group) * tf * (K1 + 1) / (tf + norm)
    coverage = answered / len(plan.groups) if plan.groups else 0.0
    total *= 1 - COVERAGE + COVERAGE * coverage
    heading = set(fields["title"].split())
    if heading and heading <= matched:
        total *= HEADING_BONUS
    return total, matched


def rank(
    found: list[Candidate], plan: QueryPlan, stats: ScopeStats, limit: int
) -> list[tuple[float, Candidate, set[str]]]:
    scored = [(*score(c, plan, stats), c) for c in found]
    scored.sort(key=lambda item: (-item[0], item[2].id))
    return [(s, c, m) for s, m, c in scored[:limit] if s > 0]


def shown_snippet(candidate: Candidate, matched: set[str]) -> str:
    """The snippet from the field that matched (see the module docstring)."""
    fields = _fields(candidate)

    def has(name: str) -> bool:
        return any(_count(fields[name], term) for term in matched)

    if has("body"):
        return snippet(candidate.body, fold(candidate.body), matched)
    if not has("title"):  # a heading match shows in the hit's title; else say where it is
        for name, label in (("note", "Context: "), ("names", "Also: ")):
            if has(name):
                text = getattr(candidate, name)
                return label + snippet(text, fold(text), matched)
    return snippet(candidate.body, fold(candidate.body), set())


def to_hit(points: float, candidate: Candidate, matched: set[str]) -> Hit:
    return Hit(
        key=candidate.key,
        kind=candidate.kind,
        ref=candidate.ref,
        title=candidate.title,
        snippet=shown_snippet(candidate, matched),
        citation=Citation(candidate.cite_author, candidate.cite_work, candidate.cite_date),
        score=round(points, 4),
        guild_id=candidate.guild_id or None,
        locator=candidate.locator,
    )
