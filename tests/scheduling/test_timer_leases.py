"""Several processes on one database: leases, takeover, cross-process wake-ups, graceful stops.

Each "process" is a dispatcher with its own TimerService (so it hears only its own writes in
memory, as a separate process would). Regression tests for the four bugs of issue 11.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db.models.scheduling import Timer
from bot.scheduling.clock import FakeClock
from bot.scheduling.timers import DONE, PENDING, RUNNING, TimerDispatcher, TimerRecord, TimerService
from bot.scheduling.timers.wakeups import PostgresWakeups

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")


def on_shard(shard: int, count: int = 3, n: int = 1) -> int:
    """A guild id on ``shard`` of ``count`` (Discord: ``(id >> 22) % count``)."""
    return ((count * n + shard) << 22) + 777


class Fired:
    def __init__(self) -> None:
        self.by: Counter[int] = Counter()
        self.where: dict[int, str] = {}

    def handler(self, name: str, delay: float = 0.0):
        async def handle(timer: TimerRecord) -> None:
            if delay:
                await asyncio.sleep(delay)
            self.by[timer.id] += 1
            self.where[timer.id] = name

        return handle


def process(
    session_factory, clock: FakeClock, shard_ids: list[int], fired: Fired, name: str, **kwargs
) -> tuple[TimerDispatcher, TimerService]:
    timers = TimerService(session_factory, clock)
    dispatcher = TimerDispatcher(
        session_factory,
        handlers={"test": fired.handler(name, kwargs.pop("delay", 0.0))},
        clock=clock,
        sleep_until=clock.sleep_until,
        timers=timers,
        shard_count=3,
        shard_ids=shard_ids,
        name=name,
        **kwargs,
    )
    return dispatcher, timers


async def count_status(session_factory, status: str) -> int:
    async with session_factory() as s:
        return await s.scalar(select(func.count()).where(Timer.status == status))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


async def test_a_timer_written_by_another_process_fires_on_time_or_within_the_window(
    session_factory, engine, clock
):
    """Bug 1: process A wrote a timer for B's server and B was never told."""
    fired = Fired()
    a, timers_a = process(session_factory, clock, [0], fired, "A")
    b, _ = process(
        session_factory,
        clock,
        [1],
        fired,
        "B",
        wakeups=PostgresWakeups(engine) if POSTGRES else None,
        lease_period=timedelta(days=1),
    )
    heard = asyncio.Event()
    notify = b.notify

    def hear(timer_id: int, guild_id: int, due_at: datetime) -> None:
        notify(timer_id, guild_id, due_at)
        heard.set()

    b.notify = hear  # type: ignore[method-assign]  # a spy on the listener
    await a.start()
    await b.start()
    try:
        await b.settle()
        due = T0 + timedelta(seconds=30)
        timer = await timers_a.schedule(on_shard(1), "test", due, {})
        if POSTGRES:
            # B hears of it through NOTIFY and wakes exactly at its due time.
            await asyncio.wait_for(heard.wait(), timeout=5)
            assert b._queue.next_due() == due
            clock.set(due)
            await b.settle()
            assert fired.by[timer.id] == 1
        else:
            # SQLite has no cross-process wake-up (one process owns everything there), but
            # even so nothing waits past the look-ahead window's end.
            clock.set(due)
            await b.settle()
            clock.set(T0 + timedelta(minutes=10))
            await b.settle()
            assert fired.by[timer.id] == 1
        assert fired.where[timer.id] == "B"
    finally:
        await a.stop()
        await b.stop()


async def test_a_dead_processs_shards_are_taken_over_within_a_lease_period(session_factory, clock):
    """Bug 4: after kill -9 of a process its overdue timers waited for it to come back."""
    fired = Fired()
    a, _ = process(session_factory, clock, [0], fired, "A")
    b, timers_b = process(session_factory, clock, [1], fired, "B")
    await a.start()
    await b.start()
    ids = [
        (await timers_b.schedule(on_shard(1, n=n), "test", T0 + timedelta(seconds=20), {})).id
        for n in range(5)
    ]
    # B dies without a goodbye: its task stops, its leases stay until they expire.
    assert b._task is not None
    b._task.cancel()
    for step in range(1, 9):  # a minute and a half, renewal by renewal
        clock.set(T0 + timedelta(seconds=15 * step))
        await a.settle()
    try:
        assert {fired.where[i] for i in ids} == {"A"}
        assert all(fired.by[i] == 1 for i in ids)
        assert 1 in a.leases.held
    finally:
        await a.stop()


async def test_the_configured_owner_takes_its_shard_back(session_factory, clock):
    fired = Fired()
    a, _ = process(session_factory, clock, [0], fired, "A")
    b, _ = process(session_factory, clock, [1], fired, "B")
    await a.start()
    await b.start()
    assert b._task is not None
    b._task.cancel()
    clock.set(T0 + timedelta(seconds=61))
    await a.settle()
    assert a.leases.held == {0, 1}
    back, timers = process(session_factory, clock, [1], fired, "B2")
    await back.start()
    try:
        assert back.leases.held == {1}
        clock.set(T0 + timedelta(seconds=80))  # A's next renewal notices
        await a.settle()
        assert a.leases.held == {0}
        timer = await timers.schedule(on_shard(1), "test", T0 + timedelta(seconds=85), {})
        clock.set(T0 + timedelta(seconds=90))
        await back.settle()
        assert fired.where[timer.id] == "B2"
    finally:
        await back.stop()
        await a.stop()


async def test_two_processes_with_the_same_shards_are_told_and_fire_each_timer_once(
    session_factory, clock, caplog: pytest.LogCaptureFixture
):
    fired = Fired()
    first, timers = process(session_factory, clock, [0, 1, 2], fired, "first")
    second, _ = process(session_factory, clock, [0, 1, 2], fired, "second")
    with caplog.at_level(logging.ERROR):
        await first.start()
        await second.start()
    assert "also configured on first" in caplog.text
    ids = [
        (await timers.schedule(on_shard(n % 3, n=n), "test", T0 + timedelta(seconds=5), {})).id
        for n in range(30)
    ]
    try:
        clock.set(T0 + timedelta(seconds=10))
        await first.settle()
        await second.settle()
    finally:
        await first.stop()
        await second.stop()
    assert fired.by == Counter(dict.fromkeys(ids, 1))


async def test_a_graceful_stop_in_a_burst_loses_nothing(session_factory, clock):
    """Bug 2: SIGTERM during 1,000 due announcements left most of them claimed, never posted."""
    fired = Fired()
    old, timers = process(
        session_factory, clock, [0, 1, 2], fired, "old", delay=0.02, max_concurrency=4
    )
    ids = [(await timers.schedule(on_shard(n % 3, n=n), "test", T0, {})).id for n in range(60)]
    old.register("test", fired.handler("old", 0.02), redeliver=True)
    await old.start()
    await asyncio.sleep(0.1)  # a few have run, four are running, most are still waiting
    await old.stop(grace_seconds=1.0)
    done_before = sum(fired.by.values())
    assert 0 < done_before < len(ids)
    # Nothing was claimed and left behind: what did not start is still pending.
    assert await count_status(session_factory, RUNNING) == 0
    assert await count_status(session_factory, PENDING) == len(ids) - done_before
    new, _ = process(session_factory, clock, [0, 1, 2], fired, "new")
    await new.start()
    try:
        await new.settle()
    finally:
        await new.stop()
    assert fired.by == Counter(dict.fromkeys(ids, 1))
    assert await count_status(session_factory, DONE) == len(ids)


async def test_a_stop_that_cuts_a_handler_short_hands_it_on(session_factory, clock):
    """A handler still running when the grace period ends is completed by the successor
    (redeliverable kinds send with a nonce, so Discord keeps one copy)."""
    fired = Fired()
    old, timers = process(session_factory, clock, [0, 1, 2], fired, "old")
    old.register("test", fired.handler("old", delay=10), redeliver=True)
    timer = await timers.schedule(on_shard(0), "test", T0, {})
    await old.start()
    await asyncio.sleep(0.05)
    await old.stop(grace_seconds=0.05)
    assert fired.by[timer.id] == 0
    assert await count_status(session_factory, RUNNING) == 1
    new, _ = process(session_factory, clock, [0, 1, 2], fired, "new")
    new.register("test", fired.handler("new"), redeliver=True)
    await new.start()
    try:
        await new.settle()
    finally:
        await new.stop()
    assert fired.by[timer.id] == 1
    assert fired.where[timer.id] == "new"


async def test_memory_holds_the_look_ahead_window_only(session_factory, clock):
    """Start-up and memory do not grow with the pending timers: a bounded window is loaded."""
    fired = Fired()
    d, timers = process(session_factory, clock, [0, 1, 2], fired, "d", max_queued=10)
    for n in range(40):
        await timers.schedule(on_shard(n % 3, n=n), "test", T0 + timedelta(seconds=n), {})
    for n in range(40):  # far ahead: not loaded at all
        await timers.schedule(on_shard(n % 3, n=n), "test", T0 + timedelta(days=30), {})
    await d.start()
    try:
        assert len(d._queue) == 10
        clock.set(T0 + timedelta(minutes=1))
        await d.settle()
        assert sum(fired.by.values()) == 40
    finally:
        await d.stop()
