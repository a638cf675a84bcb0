"""Benchmark of the timer core: memory per pending timer, firing lateness, reload time.

Run:  .venv/bin/python bench/timers.py [--timers 100000] [--fire 2000] [--seconds 10]

1. Memory: 100,000 pending rows are loaded from a SQLite file into a TimerDispatcher and the
   memory they retain is measured with tracemalloc; in the same run, 100,000 asyncio tasks that
   each sleep until their due time (the "one task per timer" design) are measured the same way.
2. Lateness: ``--fire`` timers due over ``--seconds`` seconds (real clock, real sleeper) are
   dispatched with the 100,000 others still pending; lateness = handler start - due time.
3. Reload: time for a fresh dispatcher to load the 100,000 pending rows after a "restart".
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

from sqlalchemy import insert

from bot.db import create_engine, create_session_factory
from bot.db.models import Base
from bot.db.models.scheduling import Timer
from bot.scheduling.timers import TimerDispatcher, TimerRecord, TimerService

TARGET_MEMORY_RATIO = 10
TARGET_P99_MS = 20
TARGET_RELOAD_S = 2


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


async def main(n: int, fire: int, seconds: float) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="timers-bench-"))
    engine = create_engine(f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    factory = create_session_factory(engine)
    far = datetime.now(UTC) + timedelta(days=1)
    await bulk_insert(factory, rows(n, far, timedelta(days=30), "bench.far"))
    print(f"pending timers in SQLite: {n:,}")

    # 1. memory of the dispatcher's in-memory structures after loading from the DB
    dispatcher = TimerDispatcher(factory, handlers={})
    await dispatcher.load()  # warm-up: imports, statement compilation caches
    dispatcher = TimerDispatcher(factory, handlers={})
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    loaded = await dispatcher.load()
    gc.collect()
    ours = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert loaded == n
    tasks = await measure_task_per_timer(n)
    print(
        f"memory, heap dispatcher:   {ours / n:8.1f} B per pending timer ({ours / 2**20:.1f} MiB)"
    )
    print(
        f"memory, task per timer:    {tasks / n:8.1f} B per pending timer ({tasks / 2**20:.1f} MiB)"
    )
    ratio = tasks / ours
    print(
        f"ratio:                     {ratio:8.1f}x less memory (target >= {TARGET_MEMORY_RATIO}x)"
    )

    # 3. reload after a restart (fresh dispatcher, no tracemalloc)
    durations = []
    for _ in range(3):
        fresh = TimerDispatcher(factory, handlers={})
        t0 = time.perf_counter()
        await fresh.load()
        durations.append(time.perf_counter() - t0)
    print(
        f"reload {n:,} pending:      {min(durations):8.3f} s best, {max(durations):.3f} s worst "
        f"of 3 (target <= {TARGET_RELOAD_S} s)"
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
