"""The two engines' queries: candidates in one server's scope, and the statistics to rank them.

SQLite (FTS5) matches scope-prefixed tokens, so only the asking server's postings and the
pack's are read, and orders by ``bm25()`` with field weights. PostgreSQL filters the server's
and the pack's rows by ``guild_id`` and matches the weighted ``tsv`` with a GIN index, ordered by
``ts_rank``. Either returns the best few dozen candidates with their fields; the final order is
set in Python by :mod:`bot.library.search.ranking`, the same on both engines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from bot.db.models.search import FTS_COLUMNS, PACK_GUILD
from bot.library.search.store import scope_prefix

# FTS5 bm25() weights, in the order of FTS_COLUMNS: title, names, tags, body, note.
FTS_WEIGHTS = (4.0, 2.5, 1.5, 1.0, 0.4)
# ts_rank weights for the tsv's labels D (notes), C (text), B (names, tags), A (headings).
TS_WEIGHTS = "{0.15, 0.4, 0.7, 1.0}"
_COLUMNS = (
    "d.id, d.guild_id, d.key, d.kind, d.ref, d.title, d.names, d.body, d.note, d.cite_author, "
    "d.cite_work, d.cite_date, d.locator, d.terms_title, d.terms_names, d.terms_tags, "
    "d.terms_body, d.terms_note"
)


@dataclass(slots=True)
class Candidate:
    id: int
    guild_id: int
    key: str
    kind: str
    ref: str
    title: str
    names: str
    body: str
    note: str
    cite_author: str
    cite_work: str
    cite_date: str
    locator: str
    terms_title: str
    terms_names: str
    terms_tags: str
    terms_body: str
    terms_note: str


@dataclass(frozen=True, slots=True)
class ScopeStats:
    """How many documents the server sees, and in how many each term occurs."""

    documents: int
    frequency: dict[str, int]


def _fts_phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts_match(guild_id: int, terms: Sequence[str]) -> str:
    """The FTS5 query for ``terms`` within the pack's and ``guild_id``'s tokens (each term
    quoted, so nothing a member types is read as FTS5 syntax)."""
    scopes = [scope_prefix(PACK_GUILD), scope_prefix(guild_id)]
    return " OR ".join(_fts_phrase(f"{s}x{t}") for t in terms for s in scopes)


def candidates(
    conn: Connection,
    guild_id: int,
    terms: Sequence[str],
    limit: int,
    idf: Mapping[str, float] | None = None,
) -> list[Candidate]:
    """The best ``limit`` documents matching any of ``terms`` that ``guild_id`` may see.

    On PostgreSQL, ``idf`` (term -> weight) makes a rare word count for more in the order, as
    bm25() does on SQLite; ``ts_rank`` alone weighs every word alike."""
    if not terms:
        return []
    if conn.dialect.name == "sqlite":
        match = fts_match(guild_id, terms)
        columns = ", ".join(map(str, FTS_WEIGHTS))
        sql = text(
            f"SELECT {_COLUMNS} FROM (SELECT rowid AS rid, bm25(search_fts, {columns}) AS score "
            "FROM search_fts WHERE search_fts MATCH :match ORDER BY score LIMIT :limit) AS f "
            "JOIN search_documents AS d ON d.id = f.rid ORDER BY f.score"
        )
        rows = conn.execute(sql, {"match": match, "limit": limit})
    else:
        weights = idf or {}
        rank = " + ".join(
            f"CAST(:w{i} AS float8) * ts_rank('{TS_WEIGHTS}', d.tsv, "
            f"to_tsquery('simple', :t{i}), 1)"
            for i in range(len(terms))
        )
        sql = text(
            f"SELECT {_COLUMNS} FROM search_documents AS d "
            "WHERE d.guild_id IN (:pack, :guild) AND d.tsv @@ to_tsquery('simple', :query) "
            f"ORDER BY {rank} DESC, d.id LIMIT :limit"
        )
        params: dict[str, object] = {"pack": PACK_GUILD, "guild": guild_id, "limit": limit}
        params |= {f"t{i}": t for i, t in enumerate(terms)}
        params |= {f"w{i}": weights.get(t, 1.0) for i, t in enumerate(terms)}
        rows = conn.execute(sql, {"query": " | ".join(terms), **params})
    return [Candidate(*row) for row in rows]


def pack_stats(docs: Sequence[dict[str, object]]) -> ScopeStats:
    """Document frequencies of every term of the pack's rows (small, fixed, kept in memory)."""
    frequency: dict[str, int] = {}
    for row in docs:
        found = set()
        for column in FTS_COLUMNS:
            found.update(str(row[column]).split())
        for term in found:
            frequency[term] = frequency.get(term, 0) + 1
    return ScopeStats(len(docs), frequency)


def scope_stats(
    conn: Connection, guild_id: int, terms: Sequence[str], pack: ScopeStats
) -> ScopeStats:
    """Document frequencies within the server's scope (its own rows and the pack's), so that
    a word common in this server counts for less here, whatever other servers hold.

    SQLite reads them from FTS5's vocabulary (its tokens are per scope already); PostgreSQL
    counts the server's own rows and adds the pack's, known in memory."""
    if conn.dialect.name == "sqlite":
        tokens = {f"{scope_prefix(g)}x{t}": t for t in terms for g in (PACK_GUILD, guild_id)}
        marks = ", ".join("?" for _ in tokens)
        rows = conn.exec_driver_sql(
            f"SELECT term, doc FROM search_fts_vocab WHERE term IN ({marks}) UNION ALL "
            "SELECT '', count(*) FROM search_documents WHERE guild_id IN (?, ?)",
            (*tokens, PACK_GUILD, guild_id),
        )
        frequency = dict.fromkeys(terms, 0)
        documents = 0
        for token, count in rows:
            if token == "":
                documents = int(count)
            else:
                frequency[tokens[token]] += int(count)
        return ScopeStats(documents, frequency)
    counts = ", ".join(
        f"count(*) FILTER (WHERE tsv @@ to_tsquery('simple', :t{i}))" for i in range(len(terms))
    )
    sql = text(
        f"SELECT count(*){', ' + counts if counts else ''} FROM search_documents "
        "WHERE guild_id = :guild"
    )
    params: dict[str, object] = {"guild": guild_id}
    params |= {f"t{i}": t for i, t in enumerate(terms)}
    row = conn.execute(sql, params).one()
    frequency = {t: int(row[i + 1]) + pack.frequency.get(t, 0) for i, t in enumerate(terms)}
    return ScopeStats(int(row[0]) + pack.documents, frequency)


def postgres_search(
    conn: Connection, guild_id: int, terms: Sequence[str], limit: int, pack: ScopeStats
) -> tuple[list[Candidate], ScopeStats]:
    """PostgreSQL in one round trip: the server's frequencies (a CTE over its own rows, the
    pack's added from memory), and the candidates ordered by idf-weighted ``ts_rank`` (as
    bm25() weighs words on SQLite; ``ts_rank`` alone weighs every word alike)."""
    n = len(terms)
    counts = ", ".join(
        f"count(*) FILTER (WHERE tsv @@ to_tsquery('simple', :t{i})) "
        f"+ CAST(:p{i} AS bigint) AS d{i}"
        for i in range(n)
    )
    idf = [
        f"ln(1.0 + CAST(s.n - s.d{i} + 0.5 AS float8) / CAST(s.d{i} + 0.5 AS float8))"
        for i in range(n)
    ]
    rank = " + ".join(
        f"{idf[i]} * ts_rank('{TS_WEIGHTS}', d.tsv, to_tsquery('simple', :t{i}), 1)"
        for i in range(n)
    )
    sql = text(
        f"WITH s AS (SELECT count(*) + CAST(:pn AS bigint) AS n, {counts} "
        "FROM search_documents WHERE guild_id = :guild) "
        f"SELECT {_COLUMNS}, s.n, {', '.join(f's.d{i}' for i in range(n))} "
        "FROM search_documents AS d, s "
        "WHERE d.guild_id IN (:pack, :guild) AND d.tsv @@ to_tsquery('simple', :query) "
        f"ORDER BY {rank} DESC, d.id LIMIT :limit"
    )
    # A prepared statement switches to a generic plan after five runs, which cannot see that
    # one server's rows are few and reads the GIN postings of every server: 30x slower.
    conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
    params: dict[str, object] = {"pack": PACK_GUILD, "guild": guild_id, "limit": limit}
    params |= {"query": " | ".join(terms), "pn": pack.documents}
    params |= {f"t{i}": t for i, t in enumerate(terms)}
    params |= {f"p{i}": pack.frequency.get(t, 0) for i, t in enumerate(terms)}
    rows = conn.execute(sql, params).all()
    if not rows:
        return [], ScopeStats(pack.documents, {})
    width = len(Candidate.__dataclass_fields__)
    first = rows[0]
    stats = ScopeStats(
        int(first[width]), {t: int(first[width + 1 + i]) for i, t in enumerate(terms)}
    )
    return [Candidate(*row[:width]) for row in rows], stats


def known_terms(conn: Connection, terms: Sequence[str]) -> set[str]:
    """Which of ``terms`` are in the vocabulary (any server's, or the pack's)."""
    if not terms:
        return set()
    rows = conn.execute(
        text("SELECT term FROM search_terms WHERE term IN :terms").bindparams(
            bindparam("terms", expanding=True)
        ),
        {"terms": list(terms)},
    )
    return set(rows.scalars())
