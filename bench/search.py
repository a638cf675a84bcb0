"""Benchmark search: relevance (hit@1, hit@3), speed and memory, on SQLite and PostgreSQL.

Run: ``python -m bench.search [--excerpts 100000] [--guilds 1000] [--postgres URL] [--quick]``

For each database: a fresh schema (migrations, the pack's rows), then

1. relevance: the questions of ``bench/relevance.py`` through the bot's search; on SQLite also
   through the old in-memory index and through a plain FTS5 ``bm25()`` query;
2. scale: 1,000 server excerpts, then ``--excerpts`` of them spread over ``--guilds`` servers
   (a seeded synthetic corpus); at each size a fresh process measures the search's p50/p99
   (random server per query, each sees its own excerpts plus the pack) and its resident memory,
   so memory can be compared between 1 k and 100 k excerpts. On SQLite the old in-memory index
   (built from the same rows) and the plain ``bm25()`` query are measured the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.corpus import synthetic_corpus
from bench.relevance import RELEVANCE
from bench.search_probe import FIRST_GUILD
from bot.db import create_engine, migrate
from bot.library.loader import ContentPack, load_pack
from bot.library.search import SearchEngine, excerpt_document
from bot.library.search.sql import fts_match
from bot.library.search.store import write_documents
from bot.library.text import terms

ROOT = Path(__file__).resolve().parents[1]
BATCH = 5_000
CREATED = datetime(2026, 1, 1, tzinfo=UTC)


async def fresh(url: str) -> AsyncEngine:
    engine = create_engine(url)
    if url.startswith("postgresql"):
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await migrate.upgrade(engine)
    return engine


def score(ranked: list[list[str]]) -> tuple[float, float]:
    hit1 = sum(keys[:1] == [want] for keys, (_, want) in zip(ranked, RELEVANCE, strict=True))
    hit3 = sum(want in keys[:3] for keys, (_, want) in zip(ranked, RELEVANCE, strict=True))
    return hit1 / len(RELEVANCE), hit3 / len(RELEVANCE)


async def relevance_ours(engine: AsyncEngine, pack: ContentPack) -> tuple[float, float]:
    search = SearchEngine(engine, pack)
    await search.start()
    return score([[h.key for h in await search.search(1, q, limit=3)] for q, _ in RELEVANCE])


def relevance_legacy(pack: ContentPack) -> tuple[float, float]:
    from bench.legacy.index import SearchIndex

    index = SearchIndex.from_pack(pack)
    ranked = []
    for question, _ in RELEVANCE:
        hits = index.search(question, limit=3)
        ranked.append(
            ["resolution:context" if h.ref == "context" else f"{h.kind}:{h.ref}" for h in hits]
        )
    return score(ranked)


def relevance_bm25(path: str) -> tuple[float, float]:
    """The FTS5 table queried plainly: the question's words ORed, ``ORDER BY bm25()``."""
    db = sqlite3.connect(path)
    sql = (
        "SELECT d.key FROM search_fts JOIN search_documents AS d ON d.id = search_fts.rowid "
        "WHERE search_fts MATCH ? ORDER BY bm25(search_fts) LIMIT 3"
    )
    ranked = []
    for question, _ in RELEVANCE:
        words = list(dict.fromkeys(terms(question)))
        ranked.append([k for (k,) in db.execute(sql, (fts_match(1, words),))] if words else [])
    return score(ranked)


async def load(engine: AsyncEngine, corpus: list[Any], start: int, stop: int, guilds: int) -> None:
    """Server excerpts ``start``..``stop`` of the corpus, rows and search documents."""
    insert = text(
        "INSERT INTO library_excerpts (id, guild_id, author, work, date_text, text, added_by, "
        "created_at) VALUES (:id, :guild, :author, :work, :date, :text, 1, :now)"
    )
    for first in range(start, stop, BATCH):
        rows, docs = [], []
        for k in range(first, min(stop, first + BATCH)):
            author, work, date, body = corpus[k]
            guild = FIRST_GUILD + k % guilds
            rows.append(
                {
                    "id": k + 1,
                    "guild": guild,
                    "author": author,
                    "work": work,
                    "date": date,
                    "text": body,
                    "now": CREATED,
                }
            )
            docs.append(excerpt_document(f"g{k + 1}", author, work, date, body, guild))
        async with engine.begin() as conn:
            await conn.execute(insert, rows)
            await conn.run_sync(lambda c, d=docs: write_documents(c, d))
    # After a bulk load, fresh planner statistics, as autovacuum (PostgreSQL) would soon take:
    # without them PostgreSQL guesses a common word is rare and reads its whole GIN posting list.
    async with engine.begin() as conn:
        await conn.execute(text("ANALYZE"))


def probe(mode: str, url: str, guilds: int, queries: int, seed: int) -> dict[str, float]:
    args = [sys.executable, "-m", "bench.search_probe", mode, url, str(guilds), str(queries)]
    out = subprocess.run([*args, str(seed)], cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def line(label: str, r: dict[str, float]) -> str:
    return (
        f"  {label:<34} p50 {r['p50']:6.2f} ms  p99 {r['p99']:6.2f} ms  "
        f"(cold p99 {r['cold_p99']:6.2f})  RSS {r['rss_after']:7.1f} MB"
        + (f"  built in {r['build_s']:.1f} s" if r["build_s"] >= 0.05 else "")
    )


async def run_database(name: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    pack = load_pack(ROOT / "content")
    engine = await fresh(url)
    report: dict[str, Any] = {"hits": await relevance_ours(engine, pack)}
    sqlite = url.startswith("sqlite")
    if sqlite:
        path = url.split(":///", 1)[1]
        report["legacy_hits"] = relevance_legacy(pack)
        report["bm25_hits"] = relevance_bm25(path)
    corpus = synthetic_corpus(args.excerpts, random.Random(args.seed))
    small = min(1_000, args.excerpts)
    began = time.perf_counter()
    await load(engine, corpus, 0, small, args.guilds)
    report["small"] = probe("ours", url, args.guilds, args.queries, args.seed)
    await load(engine, corpus, small, args.excerpts, args.guilds)
    report["load_s"] = time.perf_counter() - began
    await engine.dispose()
    report["large"] = probe("ours", url, args.guilds, args.queries, args.seed)
    if sqlite:
        report["bm25"] = probe("bm25", url, args.guilds, args.queries, args.seed)
        if not args.no_legacy:
            report["legacy"] = probe("legacy", url, args.guilds, args.queries, args.seed)
    print_report(name, args, report)
    return report


def print_report(name: str, args: argparse.Namespace, report: dict[str, Any]) -> None:
    hit1, hit3 = report["hits"]
    print(f"\n== {name} ==")
    print(f"relevance ({len(RELEVANCE)} questions): hit@1 {hit1:.0%}  hit@3 {hit3:.0%}")
    if "legacy_hits" in report:
        for label, key in (("old in-memory index", "legacy_hits"), ("plain bm25()", "bm25_hits")):
            one, three = report[key]
            print(f"  {label}: hit@1 {one:.0%}  hit@3 {three:.0%}")
    small, large = report["small"], report["large"]
    print(
        f"scale: {args.excerpts:,} server excerpts over {args.guilds:,} servers "
        f"(loaded in {report['load_s']:.0f} s)"
    )
    print(line(f"search at {min(1000, args.excerpts):,} excerpts", small))
    print(line(f"search at {args.excerpts:,} excerpts", large))
    if "bm25" in report:
        print(line("plain FTS5 bm25() query", report["bm25"]))
    if "legacy" in report:
        print(line("old in-memory index", report["legacy"]))
    growth = large["rss_after"] - small["rss_after"]
    print(
        f"memory: RSS {small['rss_after']:.1f} MB at 1 k, {large['rss_after']:.1f} MB at "
        f"{args.excerpts:,} ({growth:+.1f} MB; target ±10 MB)"
    )
    targets = [
        ("p99 <= 5 ms", large["p99"] <= 5.0),
        ("flat memory", abs(growth) <= 10),
        ("hit@3 >= 90%", hit3 >= 0.9),
    ]
    print("targets: " + ", ".join(f"{t} {'met' if ok else 'NOT met'}" for t, ok in targets))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--excerpts", type=int, default=100_000)
    parser.add_argument("--guilds", type=int, default=1_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1921)
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL database")
    parser.add_argument("--no-legacy", action="store_true", help="skip the old in-memory index")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 5,000 excerpts")
    parser.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL")
    args = parser.parse_args()
    if args.quick:
        args.excerpts, args.guilds, args.queries = 5_000, 100, 100
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
            asyncio.run(run_database("SQLite (FTS5)", url, args))
    if args.postgres:
        asyncio.run(run_database("PostgreSQL (tsvector + GIN, pg_trgm)", args.postgres, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
