"""PostgreSQL LISTEN/NOTIFY: a timer written by any process wakes the process that owns it.

:class:`~bot.scheduling.timers.service.TimerService` adds ``pg_notify`` to the transaction that
writes a timer, so the notification is delivered when, and only if, the row is committed. Each
dispatcher keeps one connection listening on :data:`CHANNEL` and hands what it hears to
:meth:`TimerDispatcher.notify`, which ignores servers of other shards and rows beyond its
look-ahead window. If the listening connection drops, the dispatcher reloads from the database
(nothing is lost; it may only have woken late) and the connection is opened again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

CHANNEL = "study_circle_timers"
RECONNECT_SECONDS = 5.0


def encode(timer_id: int, guild_id: int, due_at: datetime) -> str:
    return f"{timer_id}:{guild_id}:{due_at.timestamp():.6f}"


def decode(payload: str) -> tuple[int, int, datetime]:
    timer_id, guild_id, due = payload.split(":")
    return int(timer_id), int(guild_id), datetime.fromtimestamp(float(due), UTC)


class WakeTarget(Protocol):
    """What a notification is handed to (the dispatcher)."""

    def notify(self, timer_id: int, guild_id: int, due_at: datetime) -> None: ...
    def wake(self) -> None: ...


class PostgresWakeups:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._target: WakeTarget | None = None
        self._connection: AsyncConnection | None = None
        self._driver: Any = None  # the asyncpg connection under SQLAlchemy's
        self._keeper: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()

    async def start(self, target: WakeTarget) -> None:
        self._target = target
        await self._listen()
        self._keeper = asyncio.create_task(self._keep_listening(), name="timer-notifications")

    async def stop(self) -> None:
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
            self._keeper = None
        await self._close()

    async def _listen(self) -> None:
        self._lost.clear()
        self._connection = await self._engine.connect()
        raw = await self._connection.get_raw_connection()
        self._driver = raw.driver_connection
        await self._driver.add_listener(CHANNEL, self._heard)
        self._driver.add_termination_listener(lambda _connection: self._lost.set())

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        with contextlib.suppress(Exception):
            await self._driver.remove_listener(CHANNEL, self._heard)
        with contextlib.suppress(Exception):
            await connection.close()

    async def _keep_listening(self) -> None:
        while True:
            await self._lost.wait()
            log.warning("lost the timer notification connection; listening again")
            await self._close()
            while True:
                try:
                    await self._listen()
                    break
                except Exception:
                    log.exception("could not listen for timer notifications; retrying")
                    await asyncio.sleep(RECONNECT_SECONDS)
            if self._target is not None:
                self._target.wake()  # notifications may have been missed meanwhile

    def _heard(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        if self._target is None:
            return
        try:
            timer_id, guild_id, due_at = decode(payload)
        except ValueError:
            log.warning("ignoring a malformed timer notification %r", payload)
            return
        self._target.notify(timer_id, guild_id, due_at)
