"""The timer core under a hand-driven clock: order, wake-ups, cancel, restarts, races, shards."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.db.models.scheduling import ShardLease, Timer
from bot.scheduling.clock import FakeClock
from bot.scheduling.timers import (
    CANCELLED,
    DONE,
    FAILED,
    INTERRUPTED,
    LATE,
    MISSED,
    PENDING,
    RUNNING,
    TimerDispatcher,
    TimerRecord,
    TimerService,
    delivery_nonce,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GUILD = 111


class Recorder:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.fired: list[TimerRecord] = []
        self.missed: list[TimerRecord] = []

    async def handle(self, timer: TimerRecord) -> None:
        self.fired.append(timer)

    async def on_missed(self, timers: list[TimerRecord]) -> None:
        self.missed.extend(timers)

    @property
    def names(self) -> list[str]:
        return [t.payload["name"] for t in self.fired]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def timers(session_factory, clock) -> TimerService:
    return TimerService(session_factory, clock)


# These tests jump the clock by minutes and hours between renewals, which would make every
# lease look expired; leases get a long period here, and the takeover tests their own.
STEADY = timedelta(days=365)


def make_dispatcher(session_factory, clock, timers, recorder, **kwargs) -> TimerDispatcher:
    kwargs.setdefault("lease_period", STEADY)
    return TimerDispatcher(
        session_factory,
        handlers={"test": recorder.handle},
        clock=clock,
        sleep_until=clock.sleep_until,
        timers=timers,
        on_missed=recorder.on_missed,
        **kwargs,
    )


async def status_of(session_factory, timer_id: int) -> str:
    async with session_factory() as s:
        return await s.scalar(select(Timer.status).where(Timer.id == timer_id))


async def test_fires_in_due_order_once(session_factory, clock, timers):
    rec = Recorder(clock)
    d = make_dispatcher(session_factory, clock, timers, rec)
    await d.start()
    try:
        for name, minutes in [("c", 30), ("a", 10), ("b", 20)]:
            await timers.schedule(GUILD, "test", T0 + timedelta(minutes=minutes), {"name": name})
        await d.settle()
        assert rec.names == []
        clock.advance(timedelta(minutes=15))
        await d.settle()
        assert rec.names == ["a"]
        clock.advance(timedelta(minutes=15))
        await d.settle()
        assert rec.names == ["a", "b", "c"]
        # a ran 5 minutes and b 10 minutes after due (late, within grace); c on time.
        assert [t.late for t in rec.fired] == [True, True, False]
        clock.advance(timedelta(hours=1))
        await d.settle()
        assert rec.names == ["a", "b", "c"]
    finally:
        await d.stop()
    statuses = [await status_of(session_factory, t.id) for t in rec.fired]
    assert statuses == [LATE, LATE, DONE]


async def test_earlier_timer_wakes_sleeping_dispatcher(session_factory, clock, timers):
    rec = Recorder(clock)
    d = make_dispatcher(session_factory, clock, timers, rec)
    await d.start()
    try:
        await timers.schedule(GUILD, "test", T0 + timedelta(days=1), {"name": "late"})
        await d.settle()  # asleep until tomorrow
        await timers.schedule(GUILD, "test", T0 + timedelta(seconds=5), {"name": "soon"})
        clock.advance(timedelta(seconds=5))
        await d.settle()
        assert rec.names == ["soon"]
    finally:
        await d.stop()


async def test_due_now_fires_without_clock_moving(session_factory, clock, timers):
    rec = Recorder(clock)
    d = make_dispatcher(session_factory, clock, timers, rec)
    await d.start()
    try:
        await d.settle()
        await timers.schedule(GUILD, "test", T0, {"name": "now"})
        await d.settle()
        assert rec.names == ["now"]
    finally:
        await d.stop()


async def test_cancel_and_reschedule(session_factory, clock, timers):
    rec = Recorder(clock)
    d = make_dispatcher(session_factory, clock, timers, rec)
    await d.start()
    try:
        a = await timers.schedule(GUILD, "test", T0 + timedelta(minutes=1), {"name": "a"})
        b = await timers.schedule(GUILD, "test", T0 + timedelta(minutes=2), {"name": "b"})
        assert await timers.cancel(a.id, guild_id=GUILD)
        assert not await timers.cancel(a.id, guild_id=GUILD)  # already cancelled
        assert not await timers.cancel(b.id, guild_id=GUILD + 1)  # another server's timer
        assert await timers.reschedule(b.id, T0 + timedelta(minutes=10), guild_id=GUILD)
        clock.advance(timedelta(minutes=5))
        await d.settle()
        assert rec.names == []
        clock.advance(timedelta(minutes=5))
        await d.settle()
        assert rec.names == ["b"]
        assert await status_of(session_factory, a.id) == CANCELLED
    finally:
        await d.stop()


async def test_dedupe_key_schedules_once_and_revives_cancelled(session_factory, clock, timers):
    first = await timers.schedule(GUILD, "test", T0, {"name": "x"}, dedupe_key="k:1")
    again = await timers.schedule(GUILD, "test", T0 + timedelta(hours=1), {}, dedupe_key="k:1")
    assert again.id == first.id
    assert again.due_at == T0
    assert await timers.cancel(first.id)
    revived = await timers.schedule(GUILD, "test", T0 + timedelta(hours=2), {}, dedupe_key="k:1")
    assert revived.id == first.id
    assert revived.status == PENDING
    assert revived.due_at == T0 + timedelta(hours=2)
    with pytest.raises(ValueError, match="another server"):
        await timers.schedule(GUILD + 1, "test", T0, {}, dedupe_key="k:1")


async def test_schedule_inside_rolled_back_transaction_changes_nothing(
    session_factory, clock, timers
):
    rec = Recorder(clock)
    d = make_dispatcher(session_factory, clock, timers, rec)
    await d.start()
    beside_the_dispatcher = Listener()
    timers.add_listener(beside_the_dispatcher)
    try:
        async with session_factory() as s, s.begin():
            await timers.schedule(GUILD, "test", T0, {"name": "ghost"}, session=s)
            await s.rollback()
        await d.settle()
        assert rec.names == []
        assert beside_the_dispatcher.notified == []  # nor did the dispatcher hear of it
    finally:
        await d.stop()


async def test_handler_error_marks_failed_and_is_not_retried(session_factory, clock, timers):
    calls = []

    async def boom(timer: TimerRecord) -> None:
        calls.append(timer.id)
        raise RuntimeError("discord is down")

    d = TimerDispatcher(
        session_factory,
        handlers={"test": boom},
        clock=clock,
        sleep_until=clock.sleep_until,
        timers=timers,
    )
    await d.start()
    try:
        t = await timers.schedule(GUILD, "test", T0, {})
        await d.settle()
        clock.advance(timedelta(hours=1))
        await d.settle()
    finally:
        await d.stop()
    assert calls == [t.id]
    async with session_factory() as s:
        row = await s.scalar(select(Timer).where(Timer.id == t.id))
    assert row.status == FAILED
    assert "discord is down" in row.error
    assert row.attempts == 1


async def test_two_dispatchers_racing_fire_each_timer_once(session_factory, clock, timers):
    counts: Counter[int] = Counter()

    async def handle(timer: TimerRecord) -> None:
        counts[timer.id] += 1

    ids = [
        (await timers.schedule(GUILD, "test", T0 + timedelta(seconds=i % 7), {})).id
        for i in range(60)
    ]
    ds = [
        TimerDispatcher(
            session_factory,
            handlers={"test": handle},
            clock=clock,
            sleep_until=clock.sleep_until,
            timers=timers,
            name=f"d{n}",
            max_concurrency=7,
            lease_period=STEADY,
        )
        for n in range(2)
    ]
    for d in ds:
        await d.start()
    try:
        clock.advance(timedelta(seconds=10))
        for d in ds:
            await d.settle()
        for d in ds:
            await d.settle()
    finally:
        for d in ds:
            await d.stop()
    assert counts == Counter(dict.fromkeys(ids, 1))


async def test_restart_runs_recent_overdue_late_and_reports_old_ones_missed(
    session_factory, clock, timers
):
    recent = await timers.schedule(GUILD, "test", T0 - timedelta(minutes=5), {"name": "recent"})
    old = await timers.schedule(GUILD, "test", T0 - timedelta(hours=2), {"name": "old"})
    future = await timers.schedule(GUILD, "test", T0 + timedelta(hours=1), {"name": "future"})
    rec = Recorder(clock)
    d = make_dispatcher(session_factory, clock, timers, rec, grace=timedelta(minutes=15))
    await d.start()
    try:
        await d.settle()
        assert rec.names == ["recent"]
        assert rec.fired[0].late
        assert [t.id for t in rec.missed] == [old.id]
        assert rec.missed[0].status == MISSED
        assert await status_of(session_factory, recent.id) == LATE
        assert await status_of(session_factory, old.id) == MISSED
        assert await status_of(session_factory, future.id) == PENDING
    finally:
        await d.stop()
    # A second restart neither re-runs nor re-reports anything.
    rec2 = Recorder(clock)
    d2 = make_dispatcher(session_factory, clock, timers, rec2)
    await d2.start()
    try:
        await d2.settle()
        assert rec2.fired == []
        assert rec2.missed == []
    finally:
        await d2.stop()


async def claim_as(session_factory, timer_id: int, claimed_by: str | None, at: datetime) -> None:
    async with session_factory() as s, s.begin():
        await s.execute(
            update(Timer)
            .where(Timer.id == timer_id)
            .values(status=RUNNING, claimed_at=at, claimed_by=claimed_by, attempts=1)
        )


async def give_lease(session_factory, worker: str, key: str, until: datetime) -> None:
    """Make ``worker`` alive until ``until`` (it holds a lease on some other shard)."""
    async with session_factory() as s, s.begin():
        s.add(
            ShardLease(
                shard_key=key,
                holder=worker,
                configured=True,
                expires_at=until,
                renewed_at=until - timedelta(seconds=45),
            )
        )


async def test_rows_of_a_claimer_without_a_lease_become_interrupted_not_resent(
    session_factory, clock, timers
):
    old = await timers.schedule(GUILD, "test", T0 - timedelta(hours=1), {"name": "old"})
    fresh = await timers.schedule(GUILD, "test", T0 - timedelta(minutes=1), {"name": "fresh"})
    await claim_as(session_factory, old.id, None, T0 - timedelta(hours=1))
    await claim_as(session_factory, fresh.id, "gone:1:abc#3", T0 - timedelta(minutes=1))
    rec = Recorder(clock)
    d = make_dispatcher(session_factory, clock, timers, rec)
    await d.start()
    try:
        await d.settle()
    finally:
        await d.stop()
    # Neither claimer holds a lease: both are settled at once, however recent the claim.
    assert rec.fired == []
    assert sorted(t.id for t in rec.missed) == sorted([old.id, fresh.id])
    assert {t.status for t in rec.missed} == {INTERRUPTED}
    assert await status_of(session_factory, old.id) == INTERRUPTED
    assert await status_of(session_factory, fresh.id) == INTERRUPTED


async def test_a_live_claimers_row_is_never_rerun_however_old(session_factory, clock, timers):
    slow = await timers.schedule(GUILD, "test", T0 - timedelta(hours=2), {"name": "slow"})
    # A live worker of another fleet claimed it two hours ago (a very slow handler).
    await claim_as(session_factory, slow.id, "elsewhere:7:beef#1", T0 - timedelta(hours=2))
    await give_lease(session_factory, "elsewhere:7:beef", "9:9", T0 + timedelta(seconds=40))
    rec = Recorder(clock)
    d = make_dispatcher(session_factory, clock, timers, rec)
    d.register("test", rec.handle, redeliver=True)
    await d.start()
    try:
        await d.settle()
        assert await status_of(session_factory, slow.id) == RUNNING
        clock.advance(timedelta(seconds=30))  # a renewal: the claimer is still alive
        await d.settle()
        assert await status_of(session_factory, slow.id) == RUNNING
        clock.advance(timedelta(seconds=20))  # its lease has now expired: it is gone
        await d.settle()
    finally:
        await d.stop()
    # Gone, and its claim far older than a nonce is remembered: reported, not resent.
    assert rec.fired == []
    assert [t.id for t in rec.missed] == [slow.id]
    assert await status_of(session_factory, slow.id) == INTERRUPTED


async def test_redeliverable_rows_cut_short_by_a_crash_run_again(session_factory, clock, timers):
    recent = await timers.schedule(GUILD, "test", T0 - timedelta(seconds=30), {"name": "recent"})
    old = await timers.schedule(GUILD, "test", T0 - timedelta(hours=1), {"name": "old"})
    async with session_factory() as s, s.begin():
        for timer, claimed in (
            (recent, T0 - timedelta(seconds=20)),
            (old, T0 - timedelta(hours=1)),
        ):
            await s.execute(
                update(Timer)
                .where(Timer.id == timer.id)
                .values(status=RUNNING, claimed_at=claimed, claimed_by="dead#1", attempts=1)
            )
    rec = Recorder(clock)
    d = make_dispatcher(session_factory, clock, timers, rec)
    d.register("test", rec.handle, redeliver=True)
    await d.start()
    try:
        await d.settle()
    finally:
        await d.stop()
    # The recent claim is completed (its handler dedupes by nonce); the old one is reported.
    assert rec.names == ["recent"]
    assert rec.fired[0].attempts == 2
    assert await status_of(session_factory, recent.id) in {DONE, LATE}
    assert [t.id for t in rec.missed] == [old.id]
    assert await status_of(session_factory, old.id) == INTERRUPTED


def test_delivery_nonce_is_stable_short_and_per_recipient() -> None:
    timer = TimerRecord(7, GUILD, "test", T0, {}, RUNNING, dedupe_key="k")
    assert delivery_nonce(timer, 1) == delivery_nonce(timer, 1)
    assert delivery_nonce(timer, 1) != delivery_nonce(timer, 2)
    assert len(delivery_nonce(timer, 10**19)) <= 25


def on_shard(shard: int, n: int = 1) -> int:
    """A guild id that Discord puts on ``shard`` of 2 (``(id >> 22) % 2``)."""
    return ((2 * n + shard) << 22) + 12345


async def test_each_process_dispatches_only_its_own_shards(session_factory, clock, timers):
    rec_even, rec_odd = Recorder(clock), Recorder(clock)
    before = await timers.schedule(on_shard(0, 1), "test", T0, {"name": "g2-before-start"})
    d_even = make_dispatcher(
        session_factory, clock, timers, rec_even, shard_count=2, shard_ids=[0], name="even"
    )
    d_odd = make_dispatcher(
        session_factory, clock, timers, rec_odd, shard_count=2, shard_ids=[1], name="odd"
    )
    await d_even.start()
    await d_odd.start()
    try:
        await timers.schedule(on_shard(1, 1), "test", T0 + timedelta(minutes=1), {"name": "g3"})
        await timers.schedule(on_shard(0, 2), "test", T0 + timedelta(minutes=1), {"name": "g4"})
        clock.advance(timedelta(minutes=1))
        await d_even.settle()
        await d_odd.settle()
    finally:
        await d_even.stop()
        await d_odd.stop()
    assert sorted(rec_even.names) == ["g2-before-start", "g4"]
    assert rec_odd.names == ["g3"]
    assert await status_of(session_factory, before.id) == DONE


async def test_unknown_kind_is_left_pending(session_factory, clock, timers):
    rec = Recorder(clock)
    d = make_dispatcher(session_factory, clock, timers, rec)
    await d.start()
    try:
        other = await timers.schedule(GUILD, "someone-elses-kind", T0, {})
        await d.settle()
    finally:
        await d.stop()
    assert await status_of(session_factory, other.id) == PENDING


async def test_handler_can_schedule_the_next_occurrence_idempotently(
    session_factory, clock, timers
):
    fired: list[datetime] = []

    async def weekly(timer: TimerRecord) -> None:
        fired.append(timer.due_at)
        nxt = timer.due_at + timedelta(days=7)
        for _ in range(2):  # a double schedule is harmless
            await timers.schedule(GUILD, "weekly", nxt, {}, dedupe_key=f"weekly:{nxt.isoformat()}")

    d = TimerDispatcher(
        session_factory,
        handlers={"weekly": weekly},
        clock=clock,
        sleep_until=clock.sleep_until,
        timers=timers,
    )
    await d.start()
    try:
        await timers.schedule(GUILD, "weekly", T0, {}, dedupe_key=f"weekly:{T0.isoformat()}")
        for _ in range(3):
            await d.settle()
            clock.advance(timedelta(days=7))
        await d.settle()
    finally:
        await d.stop()
    assert fired == [T0 + timedelta(days=7 * i) for i in range(4)]
    pending = await timers.pending(GUILD)
    assert [t.due_at for t in pending] == [T0 + timedelta(days=28)]


class Listener:
    def __init__(self) -> None:
        self.notified: list[int] = []

    def notify(self, timer_id: int, guild_id: int, due_at) -> None:
        self.notified.append(timer_id)

    def forget(self, timer_id: int) -> None:
        pass


async def test_listeners_hear_of_timers_only_when_the_outer_transaction_commits(
    session_factory, timers
):
    # Each schedule() releases a SAVEPOINT, which SQLAlchemy also reports as a commit; the
    # dispatcher must not hear of rows that other connections cannot see yet.
    listener = Listener()
    timers.add_listener(listener)
    async with session_factory() as s, s.begin():
        first = await timers.schedule(GUILD, "test", T0, {}, dedupe_key="a", session=s)
        second = await timers.schedule(GUILD, "test", T0, {}, dedupe_key="b", session=s)
        assert listener.notified == []
    assert listener.notified == [first.id, second.id]


async def test_rolled_back_transactions_notify_nobody(session_factory, timers):
    listener = Listener()
    timers.add_listener(listener)

    async def failing_command() -> None:
        async with session_factory() as s, s.begin():
            await timers.schedule(GUILD, "test", T0, {}, dedupe_key="c", session=s)
            raise RuntimeError("the command failed after scheduling")

    with pytest.raises(RuntimeError):
        await failing_command()
    assert listener.notified == []
    later = await timers.schedule(GUILD, "test", T0, {}, dedupe_key="d")
    assert listener.notified == [later.id]
