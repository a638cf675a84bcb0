import asyncio
import logging
import threading
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, text
from sqlalchemy.exc import OperationalError

from bot.db import create_engine
from bot.db.types import UtcDateTime


async def test_sqlite_file_gets_folder_and_pragmas(tmp_path) -> None:
    path = tmp_path / "nested" / "bot.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.connect() as conn:
            journal = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
            foreign_keys = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
            busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar()
    finally:
        await engine.dispose()
    assert path.exists()
    assert journal == "wal"
    assert foreign_keys == 1
    assert busy >= 1000


class _SlowWorkerLog(logging.Handler):
    """Holds aiosqlite's worker thread up at each debug line it writes, so that after a failed
    open the thread loses the race with the event loop closing every time, not now and then."""

    def emit(self, _record: logging.LogRecord) -> None:
        if threading.current_thread() is not threading.main_thread():
            time.sleep(0.2)


def test_a_failed_sqlite_open_leaves_no_thread_to_crash_once_the_loop_closes(
    tmp_path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    crashes: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", crashes.append)
    caplog.set_level(logging.DEBUG, logger="aiosqlite")
    slow = _SlowWorkerLog()
    logging.getLogger("aiosqlite").addHandler(slow)
    folder = tmp_path / "gone"
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'bot.sqlite3'}")
    folder.rmdir()  # the engine made the folder; take it away so opening fails

    async def try_to_connect() -> None:
        try:
            with pytest.raises(OperationalError, match="unable to open database file"):
                async with engine.connect():
                    pass
        finally:
            await engine.dispose()

    before = set(threading.enumerate())
    try:
        asyncio.run(try_to_connect())  # like a command line run: the loop closes right after
        started = set(threading.enumerate()) - before
        for thread in started:
            thread.join(timeout=5)
    finally:
        logging.getLogger("aiosqlite").removeHandler(slow)
    assert crashes == []


async def test_utc_datetime_round_trips_aware(engine) -> None:
    metadata = MetaData()
    table = Table(
        "dt_probe", metadata, Column("id", Integer, primary_key=True), Column("at", UtcDateTime)
    )
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        plus_two = timezone(timedelta(hours=2))
        await conn.execute(
            table.insert().values(id=1, at=datetime(2026, 3, 29, 3, 0, tzinfo=plus_two))
        )
        value = (await conn.execute(select(table.c.at))).scalar_one()
        await conn.run_sync(metadata.drop_all)
    assert value == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert value.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="naive"):
        UtcDateTime().process_bind_param(naive, create_engine("sqlite+aiosqlite://").dialect)
