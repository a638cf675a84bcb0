"""Durable timers: every timed action is a row, fired by one dispatcher task at most once.

Rules (why they are what they are):

* **At most once.** A due row is *claimed* (``pending -> running``) by a guarded UPDATE in its
  own committed transaction before its handler runs, so two dispatchers (or two processes) can
  never both run it. After the handler returns the row becomes ``done`` (or ``late``); if it
  raises, ``failed`` with the traceback, and it is *not* retried: a handler that crashed halfway
  may already have sent its message, and a duplicate announcement is worse than a missing one.
* **Crashes.** A row still ``running`` at start-up belonged to a process that died mid-action.
  If its kind was registered with ``redeliver=True`` and it was claimed within
  ``redeliver_within``, it goes back to ``pending`` and runs again: such handlers send with
  :func:`delivery_nonce`, and Discord answers a repeated nonce (``enforce_nonce``) with the
  message it already created, so the member gets it exactly once whether or not the dead
  process had sent it. Otherwise it is marked ``interrupted`` and not resent (at most once),
  and organisers are told through ``on_missed``: at once when the claim came from a process of
  this host that no longer exists, or else (a claim from another host, which may still be
  working) once the claim is older than ``stale_claim_after``, checked again at that moment.
* **Downtime.** A row overdue by less than ``grace`` runs at once and is marked ``late``; an
  older one is marked ``missed`` without running, and ``on_missed`` is called with it.
* **One task.** The dispatcher keeps a heap of ``(due timestamp, id)`` for this process's
  pending rows and sleeps until the earliest; ``notify`` (called by :class:`TimerService` after
  a commit) wakes it when an earlier row is added or the first one is cancelled. It never polls
  the database; it only wakes at least every ``max_sleep`` to re-read the wall clock (a guard
  against clock jumps and suspended hosts).
* **Sharding.** ``shard_filter(guild_id)`` selects the servers this process dispatches; rows of
  other servers are neither loaded nor claimed.
* **Idempotent scheduling.** ``dedupe_key`` is unique: scheduling the same logical action again
  returns the existing row (a cancelled one is revived), so recurring handlers can schedule the
  next occurrence without fear of doubles.
* **Unknown kinds** are left pending (not claimed) so that a process without that handler never
  burns another process's timers.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import heapq
import itertools
import logging
import os
import socket
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models.scheduling import Timer
from bot.scheduling.clock import Clock, Sleeper, real_sleep_until, utc_now

log = logging.getLogger(__name__)

PENDING = "pending"
RUNNING = "running"
DONE = "done"
LATE = "late"
MISSED = "missed"
CANCELLED = "cancelled"
FAILED = "failed"
INTERRUPTED = "interrupted"

MAX_ERROR_CHARS = 4000


@dataclass(frozen=True, slots=True)
class TimerRecord:
    """A snapshot of a timer row, handed to handlers and callers."""

    id: int
    guild_id: int
    kind: str
    due_at: datetime
    payload: Mapping[str, Any]
    status: str
    owner_id: int | None = None
    dedupe_key: str | None = None
    attempts: int = 0
    claimed_at: datetime | None = None
    fired_at: datetime | None = None
    late: bool = field(default=False, compare=False)

    @classmethod
    def from_row(cls, row: Timer, *, late: bool = False) -> TimerRecord:
        return cls(
            id=row.id,
            guild_id=row.guild_id,
            kind=row.kind,
            due_at=row.due_at,
            payload=dict(row.payload or {}),
            status=row.status,
            owner_id=row.owner_id,
            dedupe_key=row.dedupe_key,
            attempts=row.attempts,
            claimed_at=row.claimed_at,
            fired_at=row.fired_at,
            late=late,
        )


Handler = Callable[[TimerRecord], Awaitable[None]]
MissedCallback = Callable[[list[TimerRecord]], Awaitable[None]]
ShardFilter = Callable[[int], bool]


class TimerListener(Protocol):
    """What a :class:`TimerService` tells dispatchers after a commit."""

    def notify(self, timer_id: int, guild_id: int, due_at: datetime) -> None: ...

    def forget(self, timer_id: int) -> None: ...


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timers need aware datetimes")
    return value.astimezone(UTC)


class TimerService:
    """Create, cancel and move timer rows; tells registered dispatchers after each commit.

    Every method takes an optional ``session``: pass one to make the timer change part of a
    larger transaction (listeners are told only if and when it commits).
    """

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], clock: Clock = utc_now
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._listeners: list[TimerListener] = []

    def add_listener(self, listener: TimerListener) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def remove_listener(self, listener: TimerListener) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    # -- transaction plumbing -------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _transaction(self, session: AsyncSession | None) -> AsyncIterator[AsyncSession]:
        if session is not None:
            yield session
            return
        async with self._session_factory() as own, own.begin():
            yield own

    def _after_commit(self, session: AsyncSession, action: Callable[[], None]) -> None:
        """Run ``action`` once ``session``'s outermost transaction commits (dropped on rollback).

        SQLAlchemy also fires ``after_commit``/``after_rollback`` when a SAVEPOINT (such as the
        one :meth:`schedule` uses) is released or rolled back; those are ignored, or the
        dispatcher would hear of rows other connections cannot see yet.
        """
        info = session.info
        queued: list[Callable[[], None]] = info.setdefault("timer_notifications", [])
        if not info.get("timer_listening"):
            info["timer_listening"] = True
            sync = session.sync_session

            def finish(_session: Any, *, run: bool) -> None:
                if _session.in_nested_transaction():
                    return  # a savepoint ended; the real transaction goes on
                for queued_action in info.pop("timer_notifications", []) if run else ():
                    try:
                        queued_action()
                    except Exception:
                        log.exception("timer listener failed")
                info.pop("timer_notifications", None)

            def flush(_session: Any) -> None:
                finish(_session, run=True)

            def drop(_session: Any) -> None:
                finish(_session, run=False)

            event.listen(sync, "after_commit", flush)
            event.listen(sync, "after_rollback", drop)
        queued.append(action)

    def _notify_later(self, session: AsyncSession, record: TimerRecord) -> None:
        def tell() -> None:
            for listener in self._listeners:
                listener.notify(record.id, record.guild_id, record.due_at)

        self._after_commit(session, tell)

    def _forget_later(self, session: AsyncSession, timer_id: int) -> None:
        def tell() -> None:
            for listener in self._listeners:
                listener.forget(timer_id)

        self._after_commit(session, tell)

    # -- API --------------------------------------------------------------------------------

    async def schedule(
        self,
        guild_id: int,
        kind: str,
        due_at: datetime,
        payload: Mapping[str, Any] | None = None,
        *,
        dedupe_key: str | None = None,
        owner_id: int | None = None,
        session: AsyncSession | None = None,
    ) -> TimerRecord:
        """Add a pending timer; with a ``dedupe_key`` already used, return that row instead.

        A cancelled row with the same key is revived with the new time and payload; a row that
        already ran (or was missed) is returned unchanged, so the action never runs twice.
        """
        due_at = _aware(due_at)
        async with self._transaction(session) as s:
            if dedupe_key is not None:
                existing = await s.scalar(select(Timer).where(Timer.dedupe_key == dedupe_key))
                if existing is not None:
                    return await self._reuse(s, existing, guild_id, due_at, payload)
            row = Timer(
                guild_id=guild_id,
                kind=kind,
                due_at=due_at,
                payload=dict(payload or {}),
                status=PENDING,
                owner_id=owner_id,
                dedupe_key=dedupe_key,
                attempts=0,
                created_at=self._clock(),
            )
            try:
                async with s.begin_nested():
                    s.add(row)
            except IntegrityError:
                # Another writer inserted the same key between our check and our insert.
                existing = await s.scalar(select(Timer).where(Timer.dedupe_key == dedupe_key))
                if existing is None:
                    raise
                return await self._reuse(s, existing, guild_id, due_at, payload)
            record = TimerRecord.from_row(row)
            self._notify_later(s, record)
            return record

    async def _reuse(
        self,
        s: AsyncSession,
        existing: Timer,
        guild_id: int,
        due_at: datetime,
        payload: Mapping[str, Any] | None,
    ) -> TimerRecord:
        if existing.guild_id != guild_id:
            raise ValueError(f"dedupe key {existing.dedupe_key!r} belongs to another server")
        if existing.status != CANCELLED:
            return TimerRecord.from_row(existing)
        result = await s.execute(
            update(Timer)
            .where(Timer.id == existing.id, Timer.status == CANCELLED)
            .values(
                status=PENDING,
                due_at=due_at,
                payload=dict(payload or {}),
                claimed_by=None,
                claimed_at=None,
                fired_at=None,
            )
        )
        await s.refresh(existing)
        record = TimerRecord.from_row(existing)
        if result.rowcount == 1:
            self._notify_later(s, record)
        return record

    async def cancel(
        self, timer_id: int, *, guild_id: int | None = None, session: AsyncSession | None = None
    ) -> bool:
        """Cancel a pending timer; False if it is not pending (already ran, or unknown)."""
        async with self._transaction(session) as s:
            query = update(Timer).where(Timer.id == timer_id, Timer.status == PENDING)
            if guild_id is not None:
                query = query.where(Timer.guild_id == guild_id)
            result = await s.execute(query.values(status=CANCELLED))
            if result.rowcount != 1:
                return False
            self._forget_later(s, timer_id)
            return True

    async def cancel_key(
        self, dedupe_key: str, *, guild_id: int, session: AsyncSession | None = None
    ) -> bool:
        """Cancel the pending timer with this dedupe key, if any."""
        async with self._transaction(session) as s:
            timer_id = await s.scalar(
                select(Timer.id).where(
                    Timer.dedupe_key == dedupe_key,
                    Timer.guild_id == guild_id,
                    Timer.status == PENDING,
                )
            )
            if timer_id is None:
                return False
            return await self.cancel(timer_id, guild_id=guild_id, session=s)

    async def reschedule(
        self,
        timer_id: int,
        due_at: datetime,
        *,
        guild_id: int | None = None,
        payload: Mapping[str, Any] | None = None,
        session: AsyncSession | None = None,
    ) -> bool:
        """Move a pending timer to ``due_at`` (and optionally replace its payload)."""
        due_at = _aware(due_at)
        async with self._transaction(session) as s:
            query = update(Timer).where(Timer.id == timer_id, Timer.status == PENDING)
            if guild_id is not None:
                query = query.where(Timer.guild_id == guild_id)
            values: dict[str, Any] = {"due_at": due_at}
            if payload is not None:
                values["payload"] = dict(payload)
            result = await s.execute(query.values(**values))
            if result.rowcount != 1:
                return False
            row_guild = await s.scalar(select(Timer.guild_id).where(Timer.id == timer_id))
            assert row_guild is not None
            self._forget_later(s, timer_id)  # the old heap entry must not fire early
            self._notify_later(s, TimerRecord(timer_id, row_guild, "", due_at, {}, PENDING))
            return True

    async def get(
        self, timer_id: int, *, guild_id: int | None = None, session: AsyncSession | None = None
    ) -> TimerRecord | None:
        async with self._transaction(session) as s:
            query = select(Timer).where(Timer.id == timer_id)
            if guild_id is not None:
                query = query.where(Timer.guild_id == guild_id)
            row = await s.scalar(query)
            return None if row is None else TimerRecord.from_row(row)

    async def pending(
        self,
        guild_id: int,
        *,
        kinds: Iterable[str] | None = None,
        owner_id: int | None = None,
        session: AsyncSession | None = None,
    ) -> list[TimerRecord]:
        """Pending timers of one server, earliest first."""
        async with self._transaction(session) as s:
            query = select(Timer).where(Timer.guild_id == guild_id, Timer.status == PENDING)
            if kinds is not None:
                query = query.where(Timer.kind.in_(list(kinds)))
            if owner_id is not None:
                query = query.where(Timer.owner_id == owner_id)
            rows = (await s.scalars(query.order_by(Timer.due_at, Timer.id))).all()
            return [TimerRecord.from_row(row) for row in rows]


def delivery_nonce(timer: TimerRecord, *parts: object) -> str:
    """A message nonce unique to this timer (and recipient): Discord's idempotency key."""
    digest = hashlib.sha256(repr((timer.id, timer.dedupe_key, *parts)).encode()).hexdigest()
    return digest[:25]  # Discord allows 25 characters


def default_dispatcher_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def _claimer_is_dead(claimed_by: str | None) -> bool:
    """True when the claim came from a process on this host that no longer exists."""
    host, _, rest = (claimed_by or "").partition(":")
    pid_text = rest.split("#", 1)[0]
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by someone else
    return False


class TimerDispatcher:
    """The one task that fires due timers. See the module docstring for the rules.

    Register it with a :class:`TimerService` (pass ``timers=``) so it hears about new rows.
    ``start()`` recovers interrupted rows, loads the pending ones and starts the task;
    ``stop()`` ends it and waits for running handlers.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        handlers: Mapping[str, Handler] | None = None,
        clock: Clock = utc_now,
        sleep_until: Sleeper = real_sleep_until,
        timers: TimerService | None = None,
        grace: timedelta = timedelta(minutes=15),
        tolerance: timedelta = timedelta(seconds=10),
        shard_filter: ShardFilter | None = None,
        on_missed: MissedCallback | None = None,
        stale_claim_after: timedelta = timedelta(minutes=10),
        redeliver_within: timedelta = timedelta(minutes=2),
        max_sleep: timedelta = timedelta(minutes=5),
        max_concurrency: int = 16,
        batch_size: int = 200,
        name: str | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.handlers: dict[str, Handler] = dict(handlers or {})
        self._clock = clock
        self._sleep_until = sleep_until
        self._timers = timers
        self.grace = grace
        self.tolerance = tolerance
        self._shard_filter = shard_filter
        self._on_missed = on_missed
        self._stale_claim_after = stale_claim_after
        self._redeliver_within = redeliver_within
        self._redeliverable: set[str] = set()
        self._recheck_at: datetime | None = None
        self._max_sleep = max_sleep
        self._batch_size = batch_size
        self.name = (name or default_dispatcher_name())[:48]
        self._claims = itertools.count(1)
        self._heap: list[tuple[float, int]] = []
        self._forgotten: set[int] = set()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._inflight: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._sleeping = False
        self._stopping = False
        self._deadline: float | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def register(self, kind: str, handler: Handler, *, redeliver: bool = False) -> None:
        """Add a handler for ``kind`` (before ``start()``).

        ``redeliver=True`` promises the handler is safe to run again after a crash (it sends
        with :func:`delivery_nonce`), so an action cut short by a crash is completed on restart.
        """
        self.handlers[kind] = handler
        if redeliver:
            self._redeliverable.add(kind)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def pending_count(self) -> int:
        """Heap entries (may include a few stale ones awaiting lazy removal)."""
        return len(self._heap)

    async def start(self) -> None:
        if self.running:
            return
        self._stopping = False
        if self._timers is not None:
            self._timers.add_listener(self)
        await self._recover_interrupted()
        await self.load()
        self._task = asyncio.create_task(self._run(), name=f"timer-dispatcher:{self.name}")

    async def stop(self, drain_seconds: float = 10.0) -> None:
        self._stopping = True
        self._wake.set()
        if self._timers is not None:
            self._timers.remove_listener(self)
        if self._task is not None:
            await self._task
            self._task = None
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=drain_seconds)

    async def load(self) -> int:
        """(Re)build the heap from the database's pending rows of this process's servers."""
        if self._shard_filter is None:
            query = select(Timer.due_at, Timer.id).where(Timer.status == PENDING)
            async with self._session_factory() as s:
                rows = (await s.execute(query)).all()
            heap = [(due.timestamp(), timer_id) for due, timer_id in rows]
        else:
            keep = self._shard_filter
            query = select(Timer.due_at, Timer.id, Timer.guild_id).where(Timer.status == PENDING)
            async with self._session_factory() as s:
                rows = (await s.execute(query)).all()
            heap = [(due.timestamp(), timer_id) for due, timer_id, guild in rows if keep(guild)]
        heapq.heapify(heap)
        self._heap = heap
        self._forgotten.clear()
        self._wake.set()
        return len(heap)

    async def settle(self) -> None:
        """Wait until everything due now has run and the task is asleep (for tests)."""
        if not self.running:
            raise RuntimeError("dispatcher not started")
        self._idle.clear()
        self._wake.set()
        await self._idle.wait()

    # -- listener protocol --------------------------------------------------------------------

    def notify(self, timer_id: int, guild_id: int, due_at: datetime) -> None:
        if self._shard_filter is not None and not self._shard_filter(guild_id):
            return
        self._forgotten.discard(timer_id)
        due = due_at.timestamp()
        heapq.heappush(self._heap, (due, timer_id))
        if self._deadline is None or due < self._deadline:
            self._wake.set()

    def forget(self, timer_id: int) -> None:
        self._forgotten.add(timer_id)
        if self._heap and self._heap[0][1] == timer_id:
            self._wake.set()

    # -- the loop -------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                if self._recheck_at is not None and self._clock() >= self._recheck_at:
                    await self._recover_interrupted()
                    await self.load()
                await self._fire_due()
            except Exception:
                # A database hiccup must not kill the dispatcher; try again shortly.
                log.exception("timer dispatcher failed to claim due timers")
                await asyncio.sleep(1)
                self._wake.set()
            if self._stopping:
                break
            deadline = self._next_deadline()
            self._sleeping = True
            self._maybe_idle()
            try:
                await self._sleep_until(deadline, self._wake)
            finally:
                self._sleeping = False

    def _next_deadline(self) -> datetime:
        while self._heap and self._heap[0][1] in self._forgotten:
            self._forgotten.discard(heapq.heappop(self._heap)[1])
        cap = self._clock() + self._max_sleep
        if self._recheck_at is not None:
            cap = min(cap, self._recheck_at)
        if not self._heap:
            self._deadline = None
            return cap
        self._deadline = self._heap[0][0]
        return min(datetime.fromtimestamp(self._deadline, UTC), cap)

    def _maybe_idle(self) -> None:
        if self._sleeping and not self._inflight and not self._wake.is_set():
            self._idle.set()

    async def _fire_due(self) -> None:
        now = self._clock()
        now_ts = now.timestamp()
        due_ids: list[int] = []
        heap = self._heap
        while heap and heap[0][0] <= now_ts and len(due_ids) < self._batch_size:
            _, timer_id = heapq.heappop(heap)
            if timer_id in self._forgotten:
                self._forgotten.discard(timer_id)
                continue
            due_ids.append(timer_id)
        if heap and heap[0][0] <= now_ts:
            self._wake.set()  # more than one batch is due: go round again at once
        if not due_ids:
            return
        claimed = await self._claim(due_ids, now)
        missed: list[TimerRecord] = []
        for record in claimed:
            lateness = now - record.due_at
            if lateness > self.grace:
                missed.append(record)
            else:
                late = lateness > self.tolerance
                self._spawn(self._execute(record, late))
        if missed:
            self._spawn(self._record_missed(missed, now))

    async def _claim(self, ids: list[int], now: datetime) -> list[TimerRecord]:
        """Claim the given due rows; only rows this call moved from pending are returned."""
        token = f"{self.name}#{next(self._claims)}"
        async with self._session_factory() as s, s.begin():
            await s.execute(
                update(Timer)
                .where(
                    Timer.id.in_(ids),
                    Timer.status == PENDING,
                    Timer.due_at <= now,
                    Timer.kind.in_(list(self.handlers)),
                )
                .values(
                    status=RUNNING,
                    claimed_by=token,
                    claimed_at=now,
                    attempts=Timer.attempts + 1,
                )
            )
            rows = (
                await s.scalars(
                    select(Timer)
                    .where(Timer.id.in_(ids), Timer.claimed_by == token)
                    .order_by(Timer.due_at, Timer.id)
                )
            ).all()
        if len(rows) < len(ids):
            log.debug("%d of %d due timers were not claimable", len(ids) - len(rows), len(ids))
        return [TimerRecord.from_row(row) for row in rows]

    def _spawn(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._inflight.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._inflight.discard(finished)
            self._maybe_idle()

        task.add_done_callback(done)

    async def _execute(self, record: TimerRecord, late: bool) -> None:
        async with self._semaphore:
            handler = self.handlers.get(record.kind)
            started = self._clock()
            record = replace(record, fired_at=started, late=late)
            status, error = (LATE if late else DONE), None
            try:
                if handler is None:  # unregistered after the claim
                    raise LookupError(f"no handler for timer kind {record.kind!r}")
                await handler(record)
            except Exception:
                log.exception("timer %s (%s) failed; not retried", record.id, record.kind)
                status, error = FAILED, traceback.format_exc()[-MAX_ERROR_CHARS:]
            await self._finish(record.id, status, started, error)

    async def _finish(
        self, timer_id: int, status: str, fired_at: datetime, error: str | None
    ) -> None:
        try:
            async with self._session_factory() as s, s.begin():
                await s.execute(
                    update(Timer)
                    .where(Timer.id == timer_id, Timer.status == RUNNING)
                    .values(status=status, fired_at=fired_at, error=error)
                )
        except Exception:
            # The action ran; the row stays 'running' and is marked interrupted after a restart.
            log.exception("could not record the outcome of timer %s", timer_id)

    async def _record_missed(self, records: list[TimerRecord], now: datetime) -> None:
        ids = [r.id for r in records]
        async with self._session_factory() as s, s.begin():
            await s.execute(
                update(Timer)
                .where(Timer.id.in_(ids), Timer.status == RUNNING)
                .values(status=MISSED)
            )
        log.warning("%d timers missed (overdue by more than %s)", len(records), self.grace)
        await self._report([replace(r, status=MISSED) for r in records])

    async def _recover_interrupted(self) -> None:
        now = self._clock()
        cutoff = now - self._stale_claim_after
        self._recheck_at = None
        async with self._session_factory() as s, s.begin():
            running = (await s.scalars(select(Timer).where(Timer.status == RUNNING))).all()
            running = [
                r for r in running if self._shard_filter is None or self._shard_filter(r.guild_id)
            ]
            orphans = [r for r in running if _claimer_is_dead(r.claimed_by)]
            retry = [
                r.id
                for r in running
                if r.kind in self._redeliverable
                and _aware(r.claimed_at or now) >= now - self._redeliver_within
            ]
            if retry:
                await s.execute(
                    update(Timer)
                    .where(Timer.id.in_(retry), Timer.status == RUNNING)
                    .values(status=PENDING, claimed_by=None)
                )
                log.warning("%d timers cut short by a crash will run again", len(retry))
            rows = [
                r
                for r in running
                if r.id not in retry
                and (r in orphans or (r.claimed_at is not None and _aware(r.claimed_at) < cutoff))
            ]
            undecided = [r for r in running if r.id not in retry and r not in rows]
            if undecided:
                # Claimed recently by a process we cannot see (another host): look again once
                # such a claim would count as stale, so no row stays 'running' for ever.
                oldest = min(_aware(r.claimed_at or now) for r in undecided)
                self._recheck_at = max(oldest + self._stale_claim_after, now + timedelta(seconds=1))
            if not rows:
                return
            await s.execute(
                update(Timer)
                .where(Timer.id.in_([r.id for r in rows]), Timer.status == RUNNING)
                .values(status=INTERRUPTED)
            )
            records = [replace(TimerRecord.from_row(r), status=INTERRUPTED) for r in rows]
        log.warning("%d timers were interrupted by a crash and are not resent", len(records))
        self._spawn(self._report(records))

    async def _report(self, records: list[TimerRecord]) -> None:
        if self._on_missed is None:
            return
        try:
            await self._on_missed(records)
        except Exception:
            log.exception("on_missed callback failed")
