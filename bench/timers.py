"""Benchmark of the timer core: memory held for pending timers, firing lateness, start time.

Run:  .venv/bin/python -m bench.timers [--timers 100000] [--fire 2000] [--seconds 10]

1. Memory: with ``--timers`` pending rows in a SQLite file, a starting TimerDispatcher keeps
   only its look-ahead window (the next ten minutes, at most 5,000 rows) in memory, measured
   with tracemalloc twice: the rows due in a month (nothing to hold), and all of them due within
   the window (the cap holds). In the same run, as many asyncio tasks that each sleep until a
   due time (the "one task per timer" design) are measured the same way.
2. Lateness: ``--fire`` timers due over ``--seconds`` seconds (real clock, real sleeper) are
   dispatched with the others still pending; lateness = handler start - due time.
3. Start: time for a fresh dispatcher to start (take its lease, settle orphans, load its
   window) with all those timers pending.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert

from bot.db import create_engine, create_session_factory
from bot.db.models import Base
from bot.db.models.scheduling import Timer
from bot.scheduling.timers import TimerDispatcher, TimerRecord, TimerService

TARGET_P99_MS = 20
TARGET_START_S = 2


def rows(n: int, start: datetime, spread: timedelta, kind: str) -> list[dict]:
    now = datetime.now(UTC)
    step = spread / max(n, 1)
    return [
        {
            "guild_id": 1000 + i % 500,
            "kind": kind,
            "due_at": start + step * i,
            "payload": {"n": i},
            "status": "pending",
            "attempts": 0,
            "created_at": now,
        }
        for i in range(n)
    ]


async def bulk_insert(factory, values: list[dict]) -> None:
    async with factory() as s, s.begin():
        for i in range(0, len(values), 5000):
            await s.execute(insert(Timer), values[i : i + 5000])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure_task_per_timer(n: int) -> int:
    loop = asyncio.get_running_loop()

    async def sleep_until(deadline: float) -> None:
        await asyncio.sleep(deadline - loop.time())

    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    now = loop.time()
    tasks = [asyncio.create_task(sleep_until(now + 3600 + i)) for i in range(n)]
    await asyncio.sleep(0)  # let every task start and park on its timer handle
    gc.collect()
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return used


async def noop(_timer: TimerRecord) -> None:
    return None


async def clear(factory, kind: str) -> None:
    async with factory() as s, s.begin():
        await s.execute(delete(Timer).where(Timer.kind == kind))


async def main(n: int, fire: int, seconds: float) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="timers-bench-"))
    engine = create_engine(f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    factory = create_session_factory(engine)
    far = datetime.now(UTC) + timedelta(days=1)
    await bulk_insert(factory, rows(n, far, timedelta(days=30), "bench.far"))
    print(f"pending timers in SQLite: {n:,}")

    # 1. memory the dispatcher holds for pending rows (a month away; then all due soon)
    warm = TimerDispatcher(factory, handlers={"bench.far": noop, "bench.soon": noop})
    await warm.refill()  # imports, statement compilation caches
    for kind, label in (("bench.far", "due in a month"), ("bench.soon", "due within the window")):
        if kind == "bench.soon":
            soon = datetime.now(UTC) + timedelta(minutes=5)
            await bulk_insert(factory, rows(n, soon, timedelta(minutes=4), kind))
        dispatcher = TimerDispatcher(factory, handlers={kind: noop})
        await dispatcher.leases.acquire()
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        loaded = await dispatcher.refill()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        await dispatcher.leases.release()
        print(
            f"memory, {n:,} pending {label}: {held / 2**20:6.2f} MiB held "
            f"({loaded:,} in the window)"
        )
    await clear(factory, "bench.soon")
    tasks = await measure_task_per_timer(n)
    print(f"memory, one task per timer:  {tasks / 2**20:6.2f} MiB ({tasks / n:.0f} B per timer)")

    # 3. start-up with that many pending (fresh dispatcher: lease, orphans, window)
    durations = []
    for _ in range(3):
        fresh = TimerDispatcher(factory, handlers={"bench.far": noop})
        t0 = time.perf_counter()
        await fresh.start()
        durations.append(time.perf_counter() - t0)
        await fresh.stop()
    print(
        f"start with {n:,} pending:    {min(durations):6.3f} s best, {max(durations):.3f} s "
        f"worst of 3 (target <= {TARGET_START_S} s)"
    )

    # 2. firing lateness with the real clock, the other 100k still pending
    lateness: list[float] = []
    all_fired = asyncio.Event()

    async def handle(timer: TimerRecord) -> None:
        lateness.append((datetime.now(UTC) - timer.due_at).total_seconds() * 1000)
        if len(lateness) == fire:
            all_fired.set()

    start = datetime.now(UTC) + timedelta(seconds=3)
    await bulk_insert(factory, rows(fire, start, timedelta(seconds=seconds), "bench.fire"))
    timers = TimerService(factory)
    dispatcher = TimerDispatcher(factory, handlers={"bench.fire": handle}, timers=timers)
    await dispatcher.start()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(all_fired.wait(), timeout=seconds + 30)
    await dispatcher.stop()
    print(
        f"lateness ({len(lateness):,} timers over {seconds:.0f} s): p50 {percentile(lateness, 0.5):.1f} ms, "
        f"p99 {percentile(lateness, 0.99):.1f} ms, max {max(lateness):.1f} ms, "
        f"mean {statistics.fmean(lateness):.1f} ms (target p99 <= {TARGET_P99_MS} ms)"
    )
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--fire", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(main(args.timers, args.fire, args.seconds))
