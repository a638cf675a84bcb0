"""Misspelt words: the vocabulary terms closest to a word no document has.

Candidates come from the database's trigram machinery (FTS5's trigram tokenizer on SQLite,
``pg_trgm`` on PostgreSQL), or, where ``pg_trgm`` could not be installed, from the terms that
share the word's first two letters; rapidfuzz then keeps the close ones.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlalchemy import text
from sqlalchemy.engine import Connection

FUZZY_MIN_LEN = 4
FUZZY_CUTOFF = 80  # rapidfuzz ratio (0-100): "malatesa" -> "malatesta" is 94
MAX_EXPANSIONS = 3
CANDIDATES = 40


def has_trigram_index(conn: Connection) -> bool:
    """Whether PostgreSQL has the ``pg_trgm`` index (SQLite always has its trigram table)."""
    if conn.dialect.name != "postgresql":
        return True
    found = conn.execute(
        text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_search_terms_trgm'")
    ).first()
    return found is not None


def trigrams(word: str) -> list[str]:
    return list(dict.fromkeys(word[i : i + 3] for i in range(len(word) - 2)))


def _candidates(conn: Connection, word: str, trigram_index: bool) -> list[str]:
    if conn.dialect.name == "sqlite":
        match = " OR ".join(f'"{t}"' for t in trigrams(word) if '"' not in t)
        if not match:
            return []
        rows = conn.execute(
            text(
                "SELECT term FROM search_terms_tri WHERE search_terms_tri MATCH :match "
                "ORDER BY rank LIMIT :limit"
            ),
            {"match": match, "limit": CANDIDATES},
        )
        return list(rows.scalars())
    if trigram_index:
        rows = conn.execute(
            text(
                "SELECT term FROM search_terms WHERE lower(term) % :word "
                "ORDER BY similarity(lower(term), :word) DESC LIMIT :limit"
            ),
            {"word": word, "limit": CANDIDATES},
        )
        return list(rows.scalars())
    start = word[:2]
    rows = conn.execute(
        text(
            "SELECT term FROM search_terms WHERE term >= :lo AND term < :hi "
            "AND length(term) BETWEEN :short AND :long LIMIT 5000"
        ),
        {"lo": start, "hi": start + "\uffff", "short": len(word) - 2, "long": len(word) + 2},
    )
    return list(rows.scalars())


def expansions(conn: Connection, words: list[str], trigram_index: bool) -> dict[str, list[str]]:
    """For each unknown ``word`` long enough to be a misspelling, the closest known terms."""
    out: dict[str, list[str]] = {}
    for word in words:
        if len(word) < FUZZY_MIN_LEN or word.isdigit():
            continue
        pool = [t for t in _candidates(conn, word, trigram_index) if t != word]
        found = process.extract(
            word, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=MAX_EXPANSIONS
        )
        if found:
            out[word] = [term for term, _, _ in found]
    return out
