"""Engine and session factory for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 5_000
# How long a failed SQLite open waits for aiosqlite's thread to end (it ends at once).
SQLITE_THREAD_JOIN_SECONDS = 5.0


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run while the dispatcher writes; foreign keys are off in SQLite by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


async def _open_aiosqlite(*args: Any, **kwargs: Any) -> aiosqlite.Connection:
    """``aiosqlite.connect``, except that a failed open returns only once aiosqlite's thread ends.

    When opening fails, aiosqlite stops its worker thread without waiting for it, and the
    thread's last step is a callback into the event loop: if the loop closes first (a command
    line run that just reported the failure, a test), the thread dies with "Event loop is
    closed". Waiting here, while the loop is alive, lets that callback land.
    """
    connection = aiosqlite.connect(*args, **kwargs)
    connection._thread.daemon = True  # as SQLAlchemy marks the threads it starts itself
    try:
        return await connection
    except BaseException:
        await asyncio.to_thread(connection._thread.join, SQLITE_THREAD_JOIN_SECONDS)
        raise


def _open_sqlite_through_aiosqlite_safely(
    _dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]
) -> None:
    # SQLAlchemy's aiosqlite adapter opens through ``async_creator_fn`` when one is given, with
    # the arguments it would have passed to ``aiosqlite.connect``.
    cparams["async_creator_fn"] = _open_aiosqlite


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create an async engine; for a SQLite file, create its folder and set the pragmas."""
    if (path := _sqlite_file(url)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.driver == "aiosqlite":
        event.listen(engine.sync_engine, "do_connect", _open_sqlite_through_aiosqlite_safely)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def affected_rows(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched.

    ``AsyncSession.execute`` is typed as returning a plain ``Result``; for DML it is a
    ``CursorResult``, which carries the count.
    """
    if not isinstance(result, CursorResult):
        raise TypeError("affected_rows() needs the result of an UPDATE or DELETE")
    return int(result.rowcount or 0)
