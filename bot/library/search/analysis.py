"""How text becomes search terms, the same way for what is indexed and what is asked.

Both engines index the terms made here (folded, lightly stemmed, stop-words dropped), so SQLite
and PostgreSQL match exactly the same words. A question is read like a librarian would:
question words ("what did … say") are dropped, "point 8" means the resolution's point 8, and
the pack's other spellings of a name (Tukhachevskii, Machno, Volin, Izvestiia, Piriani) stand
for each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.errors import UserError
from bot.library.text import STOPWORDS, TOKEN_RE, fold, stem, terms

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12
MAX_PASSAGE_TERMS = 40
MAX_TERM_CHARS = 80
# Words that make a sentence a question but say nothing about what is sought.
_QUESTION_TEXT = (
    "what which who whom whose when where why how did does do doing done can could would "
    "should shall may might must tell me about explain please know anyone anything "
    "something say said says mean meant think thought wrote write written happen happened"
)
QUESTION_WORDS = frozenset(_QUESTION_TEXT.split())
QUESTION_STEMS = frozenset(stem(w) for w in QUESTION_WORDS)
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_POINT = re.compile(
    r"\bpoints?\s*(?:no\.?|number|#)?\s*(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\b",
    re.IGNORECASE,
)


def point_tag(number: int) -> str:
    """The term a resolution point is tagged with, and what "point 8" in a question becomes."""
    return f"point{number}"


def index_terms(text: str) -> list[str]:
    """The terms of a document field, in order."""
    return [t for t in terms(text) if len(t) <= MAX_TERM_CHARS]


def _rewrite_points(query: str) -> str:
    def swap(match: re.Match[str]) -> str:
        number = _NUMBER_WORDS.get(match[1].lower(), match[1])
        return f" {point_tag(int(number))} "

    return _POINT.sub(swap, query)


class Variants:
    """Other spellings that stand for a term: built from the glossary's aliases and the
    readings' one-word aliases (the pack's own transliterations). Not transitive on purpose:
    McKay's pen name "Anarcho" stands for McKay, but that does not make McKay "Anarchopac"."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()) -> None:
        self._of: dict[str, set[str]] = {}
        for group in groups:
            self.join(group)

    def join(self, group: Iterable[str]) -> None:
        members = set(group)
        for term in members:
            self._of.setdefault(term, set()).update(members - {term})

    def all_terms(self) -> list[str]:
        return list(self._of)

    def of(self, term: str) -> frozenset[str]:
        return frozenset(self._of.get(term, {term}) | {term})

    @classmethod
    def from_names(
        cls, names: Iterable[tuple[str, list[str]]], *, people: bool = False
    ) -> Variants:
        """From (canonical name, aliases) pairs: each alias word joins the most similar word of
        the name; for ``people``, a one-word alias unlike any of them (Bronstein) joins the
        surname."""
        variants = cls()
        for name, aliases in names:
            canonical = [t for t in index_terms(name) if len(t) >= 4 and not t.isdigit()]
            if not canonical:
                continue
            for alias in aliases:
                words = [t for t in index_terms(alias) if len(t) >= 4 and not t.isdigit()]
                for word in words:
                    if word in canonical:
                        continue
                    best = max(canonical, key=lambda c: fuzz.ratio(word, c))
                    if (word in best or best in word) and abs(len(word) - len(best)) > 1:
                        continue  # "declassed" is not another spelling of "class"
                    if fuzz.ratio(word, best) >= 70:
                        variants.join((word, best))
                    elif people and len(words) == 1 and len(index_terms(alias)) == 1:
                        variants.join((word, canonical[-1]))
        return variants


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """What to look for: one group per asked word, each the set of terms that stand for it."""

    groups: tuple[frozenset[str], ...]

    @property
    def words(self) -> list[str]:
        return sorted({term for group in self.groups for term in group})

    def with_expansions(self, extra: dict[str, list[str]]) -> QueryPlan:
        """The plan with fuzzy matches (asked term -> vocabulary terms) added to its group."""
        groups = []
        for group in self.groups:
            added = {t for term in group for t in extra.get(term, ())}
            groups.append(frozenset(group | added))
        return QueryPlan(tuple(groups))


def check_query(query: str) -> str:
    if not (query or "").strip():
        raise UserError("Type something to search for: a name, a word or a phrase.")
    if len(query) > MAX_QUERY_CHARS:
        raise UserError(
            f"That search is {len(query)} characters long; keep it under {MAX_QUERY_CHARS} "
            "(a few words or a name work best)."
        )
    return query


def asked_terms(text: str, limit: int = MAX_QUERY_TERMS) -> list[str]:
    """The distinct meaningful terms of a question: stop-words and question words dropped
    (unless nothing else is left), "point 8" turned into the point's tag."""
    all_terms = list(dict.fromkeys(index_terms(_rewrite_points(text))))
    meaningful = [t for t in all_terms if t not in QUESTION_STEMS]
    return (meaningful or all_terms)[:limit]


def plan_query(query: str, variants: Variants, limit: int = MAX_QUERY_TERMS) -> QueryPlan:
    """The plan for a typed query; a clear ``UserError`` when it has nothing to look for."""
    words = asked_terms(check_query(query), limit)
    if not words:
        raise UserError(
            "That search has no words to look for (only punctuation or very common words). "
            "Try a name, a place or a distinctive word."
        )
    return QueryPlan(tuple(variants.of(word) for word in words))


def compact_query(query: str) -> str:
    """The shortest query that searches exactly like ``query``: its distinct meaningful words,
    folded, without stop-words, question words, repeats or punctuation.

    A paged search carries its query in each button's custom id (at most 100 characters); the
    compact form lets a long question still page through the very same hits.
    """
    text = _rewrite_points(query or "")
    words: dict[str, str] = {}
    question: dict[str, str] = {}
    for token in TOKEN_RE.findall(fold(text)):
        if token in STOPWORDS:
            continue
        target = question if stem(token) in QUESTION_STEMS else words
        target.setdefault(stem(token), token)
    chosen = words or question
    return " ".join(list(chosen.values())[:MAX_QUERY_TERMS])
