"""Benchmark: prompt writes per second (SQLite file in WAL mode, optionally PostgreSQL) and
the time to tally a 1,000-ballot instant-runoff poll with 10 candidates.

    .venv/bin/python -m bench.prompts                       # SQLite only
    .venv/bin/python -m bench.prompts --postgres postgresql+asyncpg://user@host:5432/db

Writes go through the real ``PromptService.add`` path, one call (one transaction) per prompt.
PostgreSQL runs in a throwaway schema that is dropped afterwards, so it never touches the
tables of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import create_engine, create_session_factory
from bot.db.models import Base
from bot.db.models.discussion import (
    Poll,
    PollBallot,
    PollOption,
    PollVote,
    Prompt,
    PromptDraw,
    PromptSeed,
)
from bot.discussion.polls import Candidate, PollService
from bot.discussion.prompts import PromptService
from bot.discussion.tally import instant_runoff

TABLES = [
    t.__table__ for t in (Prompt, PromptDraw, PromptSeed, Poll, PollOption, PollBallot, PollVote)
]
SAMPLE = "What did the Kronstadt sailors mean by 'All power to the soviets, not to parties'?"


def clock() -> datetime:
    return datetime.now(UTC)


async def prompt_writes(engine: AsyncEngine, count: int, concurrency: int) -> float:
    """Prompts added per second through ``PromptService.add`` (one call = one transaction)."""
    service = PromptService(create_session_factory(engine), clock)
    for _ in range(50):  # warm the pool and statement caches
        await service.add(1, 1, SAMPLE)

    async def worker(worker_id: int, share: int) -> None:
        for index in range(share):
            await service.add(100 + worker_id, 7, f"{SAMPLE} #{index}", reading_id="kronstadt")

    share = count // concurrency
    started = time.perf_counter()
    await asyncio.gather(*(worker(w, share) for w in range(concurrency)))
    elapsed = time.perf_counter() - started
    return share * concurrency / elapsed


async def report_writes(label: str, engine: AsyncEngine, count: int, concurrency: int) -> None:
    # Three runs: the machine is shared, so one run can land on someone else's test suite.
    runs = [await prompt_writes(engine, count, concurrency) for _ in range(3)]
    callers = "one caller" if concurrency == 1 else f"{concurrency} callers"
    print(
        f"[{label}] prompt writes, {callers:10}: median {statistics.median(runs):6.0f} /s "
        f"(runs: {', '.join(f'{run:.0f}' for run in runs)}; {count} adds each)"
    )


def make_ballots(count: int, candidates: Sequence[str], seed: int = 1) -> list[list[str]]:
    """Random partial rankings with a popularity skew, so several rounds are needed."""
    rng = random.Random(seed)
    weights = [1.0 + 0.15 * i for i in range(len(candidates))]
    ballots = []
    for _ in range(count):
        pool = list(candidates)
        ranking = []
        for _ in range(rng.randint(1, len(candidates))):
            pick = rng.choices(pool, weights=[weights[candidates.index(c)] for c in pool])[0]
            ranking.append(pick)
            pool.remove(pick)
        ballots.append(ranking)
    return ballots


def irv_pure(
    ballots: list[list[str]], candidates: list[str], repeat: int = 20
) -> tuple[float, int]:
    times = []
    result = instant_runoff(candidates, ballots)
    for _ in range(repeat):
        started = time.perf_counter()
        result = instant_runoff(candidates, ballots)
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(result.rounds)


async def irv_close(engine: AsyncEngine, ballots_count: int) -> tuple[float, float, int]:
    """(seconds to cast the ballots, seconds for ``close`` = load ballots + tally + store, rounds)."""
    service = PollService(create_session_factory(engine), clock)
    poll = await service.create_ranked(
        1, 2, 3, "Next reading?", [Candidate(f"Reading {i}", f"r{i}") for i in range(10)], "1d"
    )
    keys = [str(option.id) for option in poll.options]
    ballots = make_ballots(ballots_count, keys)
    started = time.perf_counter()
    for user, ranking in enumerate(ballots, start=10_000):
        await service.rank(poll.id, 1, user, [int(key) for key in ranking])
    cast = time.perf_counter() - started
    started = time.perf_counter()
    outcome = await service.close(poll.id, 1, 3, actor_is_organiser=True)
    closed = time.perf_counter() - started
    irv = outcome.result.irv
    if irv is None or irv.ballots != ballots_count:
        raise RuntimeError("the ranked poll lost ballots")
    return cast, closed, len(irv.rounds)


async def run_backend(label: str, engine: AsyncEngine, count: int, ballots: int) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: Base.metadata.create_all(sync, tables=TABLES))
    await report_writes(label, engine, count, concurrency=1)
    await report_writes(label, engine, count, concurrency=4)
    cast, closed, rounds = await irv_close(engine, ballots)
    print(
        f"[{label}] ranked poll, {ballots} ballots: cast {ballots / cast:6.0f} ballots/s; "
        f"close (load + IRV tally + store) {closed * 1000:6.1f} ms, {rounds} rounds"
    )


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("DATABASE_URL"), help="asyncpg URL")
    parser.add_argument("--count", type=int, default=3000, help="prompts to add per run")
    parser.add_argument("--ballots", type=int, default=1000)
    args = parser.parse_args(argv)

    candidates = [f"c{i}" for i in range(10)]
    ballots = make_ballots(args.ballots, candidates)
    median, rounds = irv_pure(ballots, candidates)
    print(
        f"[pure] instant-runoff, {args.ballots} ballots x 10 candidates: "
        f"{median * 1000:.2f} ms (median of 20), {rounds} rounds"
    )

    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
        try:
            async with engine.connect() as conn:
                mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            await run_backend(f"sqlite/{mode}", engine, args.count, args.ballots)
        finally:
            await engine.dispose()

    if args.postgres and args.postgres.startswith("postgresql"):
        schema = f"bench_discussion_{os.getpid()}"
        admin = create_engine(args.postgres)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = create_engine(
            args.postgres, connect_args={"server_settings": {"search_path": schema}}
        )
        try:
            await run_backend("postgresql", engine, args.count, args.ballots)
        finally:
            await engine.dispose()
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.dispose()
    else:
        print("[postgresql] skipped (give --postgres URL or set DATABASE_URL)")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
