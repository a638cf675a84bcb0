"""[Legacy, benchmark only] BM25 postings for one set of documents, with a fuzzy vocabulary for misspelt words.

Each posting stores its precomputed BM25 term weight, so a query is a few dictionary sums.
Field boosts make a word in an author's name or a title count more than one in running text.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bench.legacy.documents import Document
from bot.library.text import fold, terms

K1 = 1.2
B = 0.75
FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100)
FUZZY_WEIGHT = 0.85  # a fuzzy match counts a little less than the exact word
FUZZY_CACHE_MAX = 20_000
MAX_POSTINGS_PER_TERM = 400  # impact-ordered: a query reads at most this many docs per word

# Field boosts: a hit in a name or title says more than a hit in running text.
BOOSTS = {
    "author": 3.0,
    "title": 2.5,
    "alias": 2.5,
    "work": 2.0,
    "tags": 1.5,
    "body": 1.0,
    "note": 0.6,
}


@dataclass(slots=True)
class StoredDocument:
    """A document as indexed: its body is folded once here so snippets need not redo it."""

    doc: Document
    body: str
    folded_body: str
    length: float


class Postings:
    """Postings for one set of documents: term -> {doc number: BM25 term weight}."""

    def __init__(self) -> None:
        self.docs: dict[int, StoredDocument] = {}
        self.by_key: dict[str, int] = {}
        self.tf: dict[str, dict[int, float]] = {}
        self.postings: dict[str, dict[int, float]] = {}
        self.by_initial: dict[str, list[str]] = {}
        self.fuzzy_cache: dict[str, tuple[tuple[str, float], ...]] = {}
        # term -> its best postings by weight, for words in many documents (built lazily)
        self.top: dict[str, list[tuple[int, float]]] = {}
        self._next = 0
        self._total_length = 0.0
        self._avg_at_weighting = 0.0

    def __len__(self) -> int:
        return len(self.docs)

    @property
    def avgdl(self) -> float:
        return self._total_length / len(self.docs) if self.docs else 1.0

    def add(self, doc: Document, reweigh: bool = True) -> None:
        if doc.key in self.by_key:
            self.remove(doc.key)
        number = self._next
        self._next += 1
        counts: dict[str, float] = {}
        for name, text in doc.fields.items():
            boost = BOOSTS[name]
            for term in terms(text):
                counts[term] = counts.get(term, 0) + boost
        length = float(sum(counts.values())) or 1.0
        body = doc.fields.get("body", "")
        self.docs[number] = StoredDocument(doc, body, fold(body), length)
        self.by_key[doc.key] = number
        self._total_length += length
        for term, weight in counts.items():
            if term not in self.tf:
                self.tf[term] = {}
                self.postings[term] = {}
                self.by_initial.setdefault(term[0], []).append(term)
                self.fuzzy_cache.clear()
            self.tf[term][number] = weight
            self.top.pop(term, None)
        if reweigh:
            self._maybe_reweigh(number, counts)

    def remove(self, key: str) -> bool:
        number = self.by_key.pop(key, None)
        if number is None:
            return False
        stored = self.docs.pop(number)
        self._total_length -= stored.length
        for term in set(terms(" ".join(stored.doc.fields.values()))):
            self.tf.get(term, {}).pop(number, None)
            self.postings.get(term, {}).pop(number, None)
            self.top.pop(term, None)
            if term in self.tf and not self.tf[term]:
                del self.tf[term], self.postings[term]
                self.by_initial[term[0]].remove(term)
                self.fuzzy_cache.clear()
        return True

    def _maybe_reweigh(self, number: int, counts: Mapping[str, float]) -> None:
        # Document-length normalisation uses the average length at the last full re-weighing;
        # redo everything only when the average has drifted, so adding one excerpt stays O(doc).
        avg = self.avgdl
        if (
            not self._avg_at_weighting
            or abs(avg - self._avg_at_weighting) > 0.2 * self._avg_at_weighting
        ):
            self.reweigh()
            return
        norm = K1 * (1 - B + B * self.docs[number].length / self._avg_at_weighting)
        for term, tf in counts.items():
            self.postings[term][number] = tf * (K1 + 1) / (tf + norm)

    def reweigh(self) -> None:
        avg = self._avg_at_weighting = self.avgdl
        norms = {n: K1 * (1 - B + B * s.length / avg) for n, s in self.docs.items()}
        for term, by_doc in self.tf.items():
            self.postings[term] = {n: tf * (K1 + 1) / (tf + norms[n]) for n, tf in by_doc.items()}
        self.top = {}
        for term, postings in self.postings.items():  # warm the impact lists of common words
            if len(postings) > MAX_POSTINGS_PER_TERM:
                self.best_postings(term)

    def best_postings(self, term: str) -> Iterable[tuple[int, float]]:
        """The postings a query reads for ``term``: all of them, or the heaviest few for a
        word found in very many documents (its low idf makes the rest negligible for ranking)."""
        postings = self.postings.get(term)
        if not postings:
            return ()
        if len(postings) <= MAX_POSTINGS_PER_TERM:
            return postings.items()
        top = self.top.get(term)
        if top is None:
            top = self.top[term] = heapq.nlargest(
                MAX_POSTINGS_PER_TERM, postings.items(), key=lambda item: item[1]
            )
        return top

    def fuzzy(self, token: str) -> tuple[tuple[str, float], ...]:
        """Vocabulary words close to ``token`` with a weight (cached until the vocabulary changes)."""
        cached = self.fuzzy_cache.get(token)
        if cached is not None:
            return cached
        candidates = self.by_initial.get(token[0], [])
        found = process.extract(
            token, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=3
        )
        if not found and len(token) >= 6:
            # a slip in the first letter: scan the whole vocabulary (rare, and cached)
            found = process.extract(
                token, list(self.tf), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF + 5, limit=3
            )
        result = tuple((word, FUZZY_WEIGHT * score / 100) for word, score, _ in found)
        if len(self.fuzzy_cache) >= FUZZY_CACHE_MAX:
            self.fuzzy_cache.clear()
        self.fuzzy_cache[token] = result
        return result
