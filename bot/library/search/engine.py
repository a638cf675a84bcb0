"""The search: questions in, cited hits out, over the database's own full-text index.

Nothing of any server is held in memory: one index in the database is shared by every process,
kept in step by the code that writes excerpts and readings (:mod:`.store`). What a process does
keep is small and bounded: the pack's spelling variants and a cache of known vocabulary words.
A search is one trip to a worker thread: check the words, expand misspelt ones, count
frequencies, fetch candidates, rank. On a SQLite file that thread uses its own synchronous
connection (a statement through aiosqlite costs a thread hop each, and a search runs several);
on PostgreSQL the statements go through the bot's async engine (``run_sync``).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from bot.library.loader import ContentPack
from bot.library.search import fuzzy, ranking, sql
from bot.library.search.analysis import QueryPlan, Variants, plan_query
from bot.library.search.documents import Hit, SearchDoc, pack_documents
from bot.library.search.store import sync_pack_retrying

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
EXTRA_CANDIDATES = 10  # ranked again in Python: room for the database's order to be wrong
KNOWN_CACHE = 20_000
EXPANSION_CACHE = 5_000
EXPANSION_TTL = 60.0  # seconds: a word misspelt today may be a real term tomorrow
T = TypeVar("T")


def _reader_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def sqlite_reader(engine: AsyncEngine) -> Engine | None:
    """A synchronous, read-only engine on the same SQLite file (``None`` for anything else:
    PostgreSQL, or an in-memory database another connection could not see)."""
    url = engine.url
    if engine.dialect.name != "sqlite" or not url.database or url.database == ":memory:":
        return None
    reader = create_engine(url.set(drivername="sqlite"), poolclass=NullPool)
    event.listen(reader, "connect", _reader_pragmas)
    return reader


def pack_variants(pack: ContentPack) -> Variants:
    """Spelling variants from the glossary (people also by a one-word alias) and readings."""
    pairs: list[tuple[str, list[str]]] = []
    people: list[tuple[str, list[str]]] = []
    for entry in pack.glossary.entries:
        (people if entry.kind == "person" else pairs).append((entry.name, entry.aliases))
    for reading in pack.readings:
        one_word = [a for a in reading.aliases if len(a.split()) == 1]
        pairs.append((" ".join(p.name for p in reading.people), one_word))
    variants = Variants.from_names(pairs)
    named = Variants.from_names(people, people=True)
    for term in named.all_terms():
        for other in named.of(term) - {term}:
            variants.join((term, other))
    return variants


class SearchEngine:
    """Ranked search over the pack and one server's own entries, in the database."""

    def __init__(self, engine: AsyncEngine, pack: ContentPack) -> None:
        self._engine = engine
        self._reader = sqlite_reader(engine)
        self.pack = pack
        self.variants = pack_variants(pack)
        self._pack_docs: list[SearchDoc] = pack_documents(pack)
        self._pack_stats = sql.pack_stats([doc.row() for doc in self._pack_docs])
        self._known: OrderedDict[str, None] = OrderedDict()
        self._expanded: OrderedDict[str, tuple[float, list[str]]] = OrderedDict()
        self._caches = threading.Lock()  # searches run in worker threads
        self._trigram = True
        self._started = False
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Bring the pack's shared rows up to date (cheap when nothing changed)."""
        async with self._lock:
            if self._started:
                return
            async with self._engine.begin() as conn:
                await conn.run_sync(lambda c: sync_pack_retrying(c, self._pack_docs))
                self._trigram = await conn.run_sync(fuzzy.has_trigram_index)
            self._started = True

    @property
    def started(self) -> bool:
        return self._started

    async def in_database(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` with a connection in one hop to a worker thread."""
        if not self._started:
            await self.start()
        if self._reader is not None:
            return await asyncio.to_thread(self._read, work)
        async with self._engine.connect() as conn:
            return await conn.run_sync(work)

    def _read(self, work: Callable[[Connection], T]) -> T:
        assert self._reader is not None
        with self._reader.connect() as conn:
            return work(conn)

    async def search(self, guild_id: int, query: str, limit: int = DEFAULT_LIMIT) -> list[Hit]:
        """Ranked hits for ``query`` among the pack and ``guild_id``'s own entries."""
        plan = plan_query(query, self.variants)  # UserError before touching the database
        return await self.run(guild_id, plan, limit)

    async def run(self, guild_id: int, plan: QueryPlan, limit: int) -> list[Hit]:
        limit = max(1, min(limit, MAX_LIMIT))
        return await self.in_database(lambda c: self._search(c, guild_id, plan, limit))

    def _search(self, conn: Connection, guild_id: int, plan: QueryPlan, limit: int) -> list[Hit]:
        plan = self._expand(conn, plan)
        terms = plan.words
        # Candidates in steps of 8, so that asking for a few more hits (51 to say whether
        # there are more than 50) ranks the same pool and the first ones stay the same.
        wanted = -(-(limit + EXTRA_CANDIDATES) // 8) * 8
        if conn.dialect.name == "postgresql":
            found, stats = sql.postgres_search(conn, guild_id, terms, wanted, self._pack_stats)
        else:
            stats = sql.scope_stats(conn, guild_id, terms, self._pack_stats)
            if not any(stats.frequency.values()):
                return []
            found = sql.candidates(conn, guild_id, terms, wanted)
        ranked = ranking.rank(found, plan, stats, limit)
        return [ranking.to_hit(points, c, matched) for points, c, matched in ranked]

    # -- misspellings ---------------------------------------------------------------------
    def _expand(self, conn: Connection, plan: QueryPlan) -> QueryPlan:
        """Add the closest vocabulary terms for asked words no document has."""
        asked = [term for group in plan.groups for term in sorted(group)]
        now = time.monotonic()
        with self._caches:
            cached = {word: self._expanded.get(word) for word in asked}
            fresh = {
                word: entry[1]
                for word, entry in cached.items()
                if entry is not None and now - entry[0] < EXPANSION_TTL
            }
            unsure = [t for t in asked if t not in self._known and t not in fresh]
        if not unsure:
            return plan.with_expansions(fresh) if fresh else plan
        known = sql.known_terms(conn, unsure)
        self._remember(known)
        with self._caches:
            groups_known = [any(t in self._known for t in group) for group in plan.groups]
        unknown = [
            sorted(group)[0]
            for group, ok in zip(plan.groups, groups_known, strict=True)
            if not ok and len(group) == 1
        ]
        if not unknown:
            return plan.with_expansions(fresh) if fresh else plan
        extra: dict[str, list[str]] = dict(fresh)
        missing = [word for word in unknown if word not in extra]
        if missing:
            found = fuzzy.expansions(conn, missing, self._trigram)
            with self._caches:
                for word in missing:
                    extra[word] = found.get(word, [])
                    self._expanded[word] = (now, extra[word])
                while len(self._expanded) > EXPANSION_CACHE:
                    self._expanded.popitem(last=False)
        self._remember(t for terms in extra.values() for t in terms)
        return plan.with_expansions(extra)

    def _remember(self, terms: Iterable[str]) -> None:
        with self._caches:
            for term in terms:
                self._known[term] = None
                self._known.move_to_end(term)
            while len(self._known) > KNOWN_CACHE:
                self._known.popitem(last=False)
