"""Start-up and memory at scale: 1,000 scheduled servers, and 1 k vs 1 M pending timers.

Run: .venv/bin/python -m bench.scale [--postgres URL] [--servers 1000] [--pending 1000 1000000]

For each count of pending timers, a database is filled directly with SQL (``--servers``
servers with an active weekly session, and that many pending timers spread over the next year),
then the real bot is started as a child process (`python -m bot`) against the loopback double,
which serves the same servers. Printed per run: time from the process start to ready (the
"ready as" log line: logged in, commands synced, guilds received, timers loaded), the resident
set size once idle (5 s after the background session sync has finished), how many timers the dispatcher holds in memory (its look-ahead
window), and how long the background session sync over the servers took.
Targets: ready <= 2 s with 1 M pending timers; RSS within 10 MB from 1 k to 1 M.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from bench.startup import rss_mb
from bot.db import create_engine, migrate
from discord_double import DiscordDouble

ROOT = Path(__file__).resolve().parents[1]
IDLE_SECONDS = 5.0

# Timer i belongs to server number i % servers (bench_guilds maps numbers to ids).
FILL_SQLITE = """
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :count - 1)
INSERT INTO timers (guild_id, kind, due_at, payload, status, attempts, created_at)
SELECT g.guild_id, 'personal.reminder',
       datetime('now', '+' || (3600 + (i * 31) % 31536000) || ' seconds'),
       '{}', 'pending', 0, datetime('now')
FROM n JOIN bench_guilds AS g ON g.n = n.i % :servers
"""
FILL_POSTGRES = """
INSERT INTO timers (guild_id, kind, due_at, payload, status, attempts, created_at)
SELECT g.guild_id, 'personal.reminder',
       now() + make_interval(secs => 3600 + (i * 31) % 31536000),
       '{}', 'pending', 0, now()
FROM generate_series(0, :count - 1) AS i JOIN bench_guilds AS g ON g.n = i % :servers
"""


async def fill(url: str, guild_ids: list[int], pending: int) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await migrate.upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO session_schedules (guild_id, active, weekday, local_time, zone,"
                    " duration_minutes, announce_before_minutes, created_at)"
                    " VALUES (:guild, true, :weekday, '19:00:00', 'Europe/London', 90, 4320,"
                    " CURRENT_TIMESTAMP)"
                ),
                [{"guild": guild, "weekday": n % 7} for n, guild in enumerate(guild_ids)],
            )
            await conn.execute(
                text("CREATE TEMPORARY TABLE bench_guilds (n INTEGER, guild_id BIGINT)")
            )
            await conn.execute(
                text("INSERT INTO bench_guilds VALUES (:n, :guild)"),
                [{"n": n, "guild": guild} for n, guild in enumerate(guild_ids)],
            )
            fill_sql = FILL_POSTGRES if conn.dialect.name == "postgresql" else FILL_SQLITE
            await conn.execute(text(fill_sql), {"count": pending, "servers": len(guild_ids)})
    finally:
        await engine.dispose()


async def one_run(double: DiscordDouble, url: str, scratch: Path) -> dict[str, float]:
    env = {
        **os.environ,
        "DISCORD_TOKEN": "scale",
        "DATABASE_URL": url,
        "DISCORD_API_BASE": double.api_base,
        "DISCORD_GATEWAY_URL": double.gateway_url,
        "DATA_DIR": str(scratch),
        "LOG_LEVEL": "INFO",
    }
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    ready = synced = None
    lines: list[str] = []
    try:
        deadline = started + 300
        while time.perf_counter() < deadline and (ready is None or synced is None):
            raw = await asyncio.wait_for(process.stderr.readline(), timeout=300)
            if not raw:
                raise RuntimeError("the bot exited:\n" + "".join(lines[-20:]))
            line = raw.decode()
            lines.append(line)
            if ready is None and "ready as" in line:
                ready = time.perf_counter() - started
            if synced is None and "brought up to date" in line:
                synced = time.perf_counter() - started
        # Idle: after the background session sync, when nothing else is going on.
        await asyncio.sleep(IDLE_SECONDS)
        memory = rss_mb(process.pid)
        window = re.findall(r"loaded (\d+) due timers", "".join(lines))
    finally:
        process.terminate()
        await process.wait()
    return {
        "ready": ready or float("nan"),
        "synced": synced or float("nan"),
        "rss": memory,
        "window": float(window[-1]) if window else float("nan"),
    }


async def main(postgres: str | None, servers: int, pendings: list[int]) -> None:
    async with DiscordDouble(validate=False) as double:
        guilds = [double.add_guild(f"Circle {n}") for n in range(servers)]
        guild_ids = [g.id for g in guilds]
        for pending in pendings:
            with tempfile.TemporaryDirectory() as scratch:
                url = postgres or f"sqlite+aiosqlite:///{Path(scratch) / 'scale.sqlite3'}"
                began = time.perf_counter()
                await fill(url, guild_ids, pending)
                filled = time.perf_counter() - began
                backend = "PostgreSQL" if postgres else "SQLite"
                print(
                    f"{backend}, {servers} scheduled servers, {pending:,} pending timers "
                    f"(filled in {filled:.1f} s)"
                )
                # The first start creates every server's session timers; a restart finds
                # them in place, which is the bot's usual start.
                for label in ("first start", "restart"):
                    result = await one_run(double, url, Path(scratch))
                    print(
                        f"  {label}: ready in {result['ready']:.2f} s, "
                        f"idle RSS {result['rss']:.1f} MB, "
                        f"{result['window']:.0f} timers held in memory, session sync of every "
                        f"server done {result['synced']:.1f} s after start"
                    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL (emptied); default: SQLite")
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--pending", type=int, nargs="+", default=[1000, 1_000_000])
    args = parser.parse_args()
    asyncio.run(main(args.postgres, args.servers, args.pending))
