"""Finding the source of a quoted or paraphrased passage ("Find the source" on a message).

The message's words find a few candidates through the full-text index; each candidate's text
is then aligned with the message by rapidfuzz's partial ratio over folded, punctuation-blind
text, so changed quotation marks and punctuation, small wording differences and a quote cut
short still match. Below the cutoff the honest answer is that nothing is close enough.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.library.search import sql
from bot.library.search.analysis import MAX_PASSAGE_TERMS, QueryPlan, index_terms
from bot.library.search.documents import Hit
from bot.library.search.engine import SearchEngine
from bot.library.search.ranking import to_hit
from bot.library.text import fold

MIN_TERMS = 4  # fewer meaningful words than this could come from anywhere
MATCH_CUTOFF = 78.0  # partial ratio, 0-100: a verbatim quote scores 100, a paraphrase 80-95
CANDIDATES = 15
MAX_TEXT = 4000


@dataclass(frozen=True, slots=True)
class SourceMatch:
    """Where a passage comes from: the document, the part of it that matches, how closely."""

    hit: Hit
    passage: str
    in_note: bool  # the match is in the document's context note, not its main text
    score: float


def blind(text: str) -> tuple[str, list[int]]:
    """``text`` folded, every run of characters that are not letters or digits made one
    space, and for each character kept, its offset in ``text`` (to cut the passage from it)."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(fold(text)):
        if not char.isalnum():
            if not out or out[-1] == " ":
                continue
            char = " "
        out.append(char)
        where.append(index)
    return "".join(out), where


def _widen(text: str, start: int, end: int) -> str:
    """``text[start:end]`` widened to whole words, with ellipses where it was cut."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    head = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    return f"{head}{' '.join(text[start:end].split())}{tail}"


def align(message: str, source: str) -> tuple[float, str]:
    """How closely ``message`` matches a part of ``source`` (0-100), and that part."""
    needle = blind(message)[0].strip()
    hay, where = blind(source)
    if not needle or not hay.strip():
        return 0.0, ""
    if len(needle) > len(hay):
        # A message longer than the source: does it contain the whole source?
        return float(fuzz.partial_ratio(hay, needle)), " ".join(source.split())
    found = fuzz.partial_ratio_alignment(needle, hay)
    if found is None or found.dest_end <= found.dest_start:
        return 0.0, ""
    start, end = where[found.dest_start], where[found.dest_end - 1] + 1
    return float(found.score), _widen(source, start, end)


class PassageFinder:
    """Finds the document a passage comes from, among what one server can see."""

    def __init__(self, engine: SearchEngine) -> None:
        self._engine = engine

    @staticmethod
    def plan(text: str, engine: SearchEngine) -> QueryPlan | None:
        words = list(dict.fromkeys(index_terms(text[:MAX_TEXT])))[:MAX_PASSAGE_TERMS]
        if len(words) < MIN_TERMS:
            return None
        return QueryPlan(tuple(engine.variants.of(word) for word in words))

    async def find(self, guild_id: int, text: str) -> SourceMatch | None:
        """The best match for ``text``, or ``None`` when nothing is close enough (or the
        text has too few words to tell)."""
        plan = self.plan(text, self._engine)
        if plan is None:
            return None
        found = await self._engine.in_database(
            lambda c: sql.candidates(c, guild_id, plan.words, CANDIDATES)
        )
        best: SourceMatch | None = None
        for candidate in found:
            for body, in_note in ((candidate.body, False), (candidate.note, True)):
                score, passage = align(text[:MAX_TEXT], body)
                if score >= MATCH_CUTOFF and (best is None or score > best.score):
                    best = SourceMatch(to_hit(score, candidate, set()), passage, in_note, score)
        return best
