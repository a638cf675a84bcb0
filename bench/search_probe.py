"""One measurement of the search benchmark, in a fresh process so its memory is its own.

Run by ``bench.search`` as ``python -m bench.search_probe MODE URL GUILDS QUERIES SEED``:

- ``ours``: the bot's search (:class:`bot.library.search.SearchEngine`) on the database;
- ``legacy``: the old in-memory index, built from every server excerpt in the database;
- ``bm25``: a plain FTS5 ``bm25()`` query on the same table (SQLite only), no analysis.

Prints one JSON line: resident memory before and after, build time, latencies in ms.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import random
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from bench.corpus import make_queries, percentile
from bot.db import create_engine
from bot.library.loader import load_pack
from bot.library.search import SearchEngine
from bot.library.search.sql import fts_match
from bot.library.text import terms

ROOT = Path(__file__).resolve().parents[1]
FIRST_GUILD = 10_000


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def latencies(
    run: Any, queries: list[str], guilds: int, rng: random.Random, passes: int
) -> list[float]:
    out: list[float] = []
    for _ in range(passes):
        for query in queries:
            guild = FIRST_GUILD + rng.randrange(guilds)
            start = time.perf_counter_ns()
            run(guild, query)
            out.append((time.perf_counter_ns() - start) / 1e6)
    return out


def summary(cold: list[float], warm: list[float]) -> dict[str, float]:
    return {
        "cold_p99": percentile(cold, 0.99),
        "p50": percentile(warm, 0.5),
        "p99": percentile(warm, 0.99),
    }


async def ours(url: str, guilds: int, queries: list[str], rng: random.Random) -> dict[str, Any]:
    engine = create_engine(url)
    search = SearchEngine(engine, load_pack(ROOT / "content"))
    start = time.perf_counter()
    await search.start()
    build = time.perf_counter() - start
    gc.collect()
    before = rss_mb()

    async def timed(passes: int) -> list[float]:
        out = []
        for _ in range(passes):
            for query in queries:
                guild = FIRST_GUILD + rng.randrange(guilds)
                began = time.perf_counter_ns()
                await search.search(guild, query)
                out.append((time.perf_counter_ns() - began) / 1e6)
        return out

    cold = await timed(1)
    warm = await timed(3)
    gc.collect()
    result = {"rss_before": before, "rss_after": rss_mb(), "build_s": build}
    await engine.dispose()
    return result | summary(cold, warm)


def legacy(url: str, guilds: int, queries: list[str], rng: random.Random) -> dict[str, Any]:
    from bench.legacy.documents import excerpt_document
    from bench.legacy.index import SearchIndex

    path = url.split(":///", 1)[1]
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    index = SearchIndex.from_pack(load_pack(ROOT / "content"))
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT id, guild_id, author, work, date_text, text FROM library_excerpts"
        )
        index.add_many(excerpt_document(f"g{i}", a, w, d, t, g) for i, g, a, w, d, t in rows)
    build = time.perf_counter() - start

    def run(guild: int, query: str) -> None:
        index.search(query, guild_id=guild, limit=10)

    cold = latencies(run, queries, guilds, rng, 1)
    warm = latencies(run, queries, guilds, rng, 3)
    gc.collect()
    return {"rss_before": before, "rss_after": rss_mb(), "build_s": build} | summary(cold, warm)


def bm25(url: str, guilds: int, queries: list[str], rng: random.Random) -> dict[str, Any]:
    db = sqlite3.connect(url.split(":///", 1)[1])
    before = rss_mb()
    sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY bm25(search_fts) LIMIT 10"

    def run(guild: int, query: str) -> None:
        words = list(dict.fromkeys(terms(query)))
        if words:
            db.execute(sql, (fts_match(guild, words),)).fetchall()

    cold = latencies(run, queries, guilds, rng, 1)
    warm = latencies(run, queries, guilds, rng, 3)
    return {"rss_before": before, "rss_after": rss_mb(), "build_s": 0.0} | summary(cold, warm)


def main(argv: list[str]) -> int:
    mode, url, guilds, count, seed = argv[0], argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    queries = make_queries(count, random.Random(seed))
    rng = random.Random(seed + 1)
    if mode == "ours":
        result = asyncio.run(ours(url, guilds, queries, rng))
    elif mode == "legacy":
        result = legacy(url, guilds, queries, rng)
    else:
        result = bm25(url, guilds, queries, rng)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
