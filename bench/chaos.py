"""Chaos: SIGKILL the real bot process at random moments; count what happened to reminders.

Run: .venv/bin/python -m bench.chaos [--reminders 1000] [--window 150] [--kills 20] [--seed 1921]

The loopback Discord double runs in this process. A SQLite database is prepared with
``--reminders`` personal reminders (`/remind me`) due evenly over ``--window`` seconds, spread
over 40 members. Then `python -m bot` is started as a child process, killed with SIGKILL at
``--kills`` random moments (each followed by a random 0–3 s of downtime and a restart), and
finally stopped with SIGTERM once every reminder is due. Every reminder's text is unique, so
the DMs the double received tell what was delivered and how often; the timer table tells which
ran late and which were recorded as missed or interrupted (and reported to organisers).

lost = not delivered and not recorded as missed; duplicated = delivered more than once.
Target: 0 lost, 0 duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.db import create_engine, create_session_factory, migrate
from bot.db.models.scheduling import Timer
from bot.scheduling import ReminderService, TimerService
from bot.scheduling.reminders import PERSONAL_REMINDER
from discord_double import DiscordDouble

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = 40
LEAD_IN = 15.0  # seconds before the first reminder: the first start must be ready by then


async def prepare(url: str, guild_id: int, members: list[int], count: int, window: float) -> None:
    """Create the reminders through the real `/remind me` service path."""
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        sessions = create_session_factory(engine)
        start = datetime.now(UTC)
        for i in range(count):
            due = start + timedelta(seconds=LEAD_IN + window * i / count)
            # "in 1 minute" said one minute before the due moment lands exactly on it.
            reminders = ReminderService(
                sessions,
                TimerService(sessions),
                clock=lambda d=due: d - timedelta(minutes=1),
                max_pending=count,
            )
            await reminders.remind_me(
                guild_id, members[i % len(members)], "in 1 minute", f"chaos #{i}", "UTC"
            )
    finally:
        await engine.dispose()


async def statuses(url: str) -> collections.Counter[str]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.scalars(
                select(Timer.status).where(Timer.kind == PERSONAL_REMINDER)
            )
            return collections.Counter(rows.all())
    finally:
        await engine.dispose()


async def main(count: int, window: float, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    async with DiscordDouble(validate=True) as double:
        guild = double.add_guild("Chaos")
        members = [double.add_member(guild, f"reader{i}") for i in range(MEMBERS)]
        with tempfile.TemporaryDirectory() as scratch:
            url = f"sqlite+aiosqlite:///{Path(scratch) / 'chaos.sqlite3'}"
            # "in N seconds" is measured from now, so prepare right before starting the clock.
            started = time.monotonic()
            await prepare(url, guild.id, [m.id for m in members], count, window)
            env = {
                **os.environ,
                "DISCORD_TOKEN": "chaos",
                "DATABASE_URL": url,
                "DISCORD_API_BASE": double.api_base,
                "DISCORD_GATEWAY_URL": double.gateway_url,
                "HEALTH_FILE": str(Path(scratch) / "heartbeat.json"),
                "LOG_LEVEL": "ERROR",
            }
            end = LEAD_IN + window + 5
            kill_at = sorted(rng.uniform(LEAD_IN, end - 5) for _ in range(kills))
            starts = 0

            async def spawn() -> asyncio.subprocess.Process:
                nonlocal starts
                starts += 1
                return await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot",
                    cwd=ROOT,
                    env=env,
                    stdin=asyncio.subprocess.DEVNULL,
                )

            process = await spawn()
            for moment in kill_at:
                await asyncio.sleep(max(0.0, moment - (time.monotonic() - started)))
                process.send_signal(signal.SIGKILL)
                await process.wait()
                await asyncio.sleep(rng.uniform(0, 3))
                process = await spawn()
            await asyncio.sleep(max(0.0, end - (time.monotonic() - started)))
            await asyncio.sleep(5)  # let a just-restarted process catch up
            process.send_signal(signal.SIGTERM)
            await process.wait()
            status = await statuses(url)
        delivered: collections.Counter[str] = collections.Counter()
        for member in members:
            for message in double.dm_messages(member):
                for line in (message.get("content") or "").splitlines():
                    if "chaos #" in line:
                        delivered[line[line.index("chaos #") :].split()[1].strip("*#`.,")] += 1
    texts = {str(i) for i in range(count)}
    got = {key for key in delivered if key in texts}
    duplicated = sum(1 for key in got if delivered[key] > 1)
    missed = status.get("missed", 0)
    lost = len(texts - got) - missed
    print(f"{count} reminders over {window:.0f} s, {kills} SIGKILLs, {starts} starts")
    print(
        f"delivered {len(got)}, late {status.get('late', 0)}, missed {missed}, "
        f"interrupted {status.get('interrupted', 0)}, lost {lost}, duplicated {duplicated}"
    )
    print(f"timer statuses: {dict(status)}")
    print("target: 0 lost, 0 duplicated")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=1000)
    parser.add_argument("--window", type=float, default=150.0)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1921)
    args = parser.parse_args()
    asyncio.run(main(args.reminders, args.window, args.kills, args.seed))
