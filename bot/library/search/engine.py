"""The search: questions in, cited hits out, over the database's own full-text index.

Nothing of any server is held in memory: one index in the database is shared by every process,
kept in step by the code that writes excerpts and readings (:mod:`.store`). What a process does
keep is small and bounded: the pack's spelling variants and a cache of known vocabulary words.
A search is one trip to the database's thread (everything below runs inside ``run_sync``):
check the words, expand misspelt ones, fetch candidates, count frequencies, rank.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.library.loader import ContentPack
from bot.library.search import fuzzy, ranking, sql
from bot.library.search.analysis import QueryPlan, Variants, plan_query
from bot.library.search.documents import Hit, SearchDoc, pack_documents
from bot.library.search.store import sync_pack_retrying

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
EXTRA_CANDIDATES = 30  # ranked again in Python: room for the database's order to be wrong
KNOWN_CACHE = 20_000


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
        self.pack = pack
        self.variants = pack_variants(pack)
        self._pack_docs: list[SearchDoc] = pack_documents(pack)
        self._known: OrderedDict[str, None] = OrderedDict()
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

    def connection(self) -> AsyncConnection:
        return self._engine.connect()

    async def search(self, guild_id: int, query: str, limit: int = DEFAULT_LIMIT) -> list[Hit]:
        """Ranked hits for ``query`` among the pack and ``guild_id``'s own entries."""
        plan = plan_query(query, self.variants)  # UserError before touching the database
        return await self.run(guild_id, plan, limit)

    async def run(self, guild_id: int, plan: QueryPlan, limit: int) -> list[Hit]:
        if not self._started:
            await self.start()
        limit = max(1, min(limit, MAX_LIMIT))
        async with self._engine.connect() as conn:
            return await conn.run_sync(lambda c: self._search(c, guild_id, plan, limit))

    def _search(self, conn: Connection, guild_id: int, plan: QueryPlan, limit: int) -> list[Hit]:
        plan = self._expand(conn, plan)
        terms = plan.words
        stats = sql.scope_stats(conn, guild_id, terms)
        if not any(stats.frequency.values()):
            return []
        idf = {t: ranking.idf(stats, [t]) for t in terms}
        found = sql.candidates(conn, guild_id, terms, limit + EXTRA_CANDIDATES, idf)
        ranked = ranking.rank(found, plan, stats, limit)
        return [ranking.to_hit(points, c, matched) for points, c, matched in ranked]

    # -- misspellings ---------------------------------------------------------------------
    def _expand(self, conn: Connection, plan: QueryPlan) -> QueryPlan:
        """Add the closest vocabulary terms for asked words no document has."""
        asked = [term for group in plan.groups for term in sorted(group)]
        unsure = [t for t in asked if t not in self._known]
        if not unsure:
            return plan
        known = sql.known_terms(conn, unsure)
        self._remember(known)
        groups_known = [any(t in self._known for t in group) for group in plan.groups]
        unknown = [
            sorted(group)[0]
            for group, ok in zip(plan.groups, groups_known, strict=True)
            if not ok and len(group) == 1
        ]
        if not unknown:
            return plan
        extra = fuzzy.expansions(conn, unknown, self._trigram)
        self._remember(t for terms in extra.values() for t in terms)
        return plan.with_expansions(extra)

    def _remember(self, terms: Iterable[str]) -> None:
        for term in terms:
            self._known[term] = None
            self._known.move_to_end(term)
        while len(self._known) > KNOWN_CACHE:
            self._known.popitem(last=False)
