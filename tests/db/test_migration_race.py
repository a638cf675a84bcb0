"""Any number of processes may start together on an empty database: one migrates, the others
find the work done, and all of them succeed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from bot.db import create_engine, migrate
from bot.settings import PROJECT_ROOT
from tests.conftest import database_url

PROCESSES = 4


async def _empty(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def _revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        return await migrate.current_revision(engine)
    finally:
        await engine.dispose()


def test_processes_migrating_an_empty_database_together_all_succeed(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    asyncio.run(_empty(url))
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(PROJECT_ROOT)}
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "db", "upgrade"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in started]
    for code, out, err in results:
        assert code == 0, err
        assert f"schema revision: {migrate.head_revision()}" in out
    assert asyncio.run(_revision(url)) == migrate.head_revision()
