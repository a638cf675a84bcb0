"""Chaos across shard processes: three bot processes on one PostgreSQL database, a burst of due
timers, a kill -9, a deploy and a duplicate start; count what happened to every timer.

Run: .venv/bin/python -m bench.chaos_shards [--postgres URL] [--servers 1000] [--timers 1000]

The loopback Discord double runs in this process and enforces Discord's global rate limit
(50 requests a second per bot). ``--servers`` servers are spread evenly over 3 shards, each with
one member; ``--timers`` personal reminders (`/remind me`, delivered by DM) fall due in the same
second, ``LEAD_IN`` seconds after the start. Then, as real processes (`python -m bot` with
``SHARD_COUNT=3``):

* shard 0's process starts first; shard 1's and shard 2's start at the same moment, together
  with a second process also configured for shard 2 (a configuration mistake: it must be told
  and deliver nothing twice);
* one second into the burst, shard 0's process is killed with SIGKILL, for good: its timers
  must be taken over by another process within a lease period (45 s) plus 60 s;
* two seconds into the burst, shard 1's process gets SIGTERM (a deploy) and is started again
  as soon as it has exited.

Every reminder's text is unique, so the DMs the double received say what was delivered, how
often and when. Printed: delivered / late / missed / lost / duplicated, the delay of the dead
process's timers after its death, and the number of global 429s. Targets: 0 lost,
0 duplicated, 0 rate-limited, the dead process's timers within lease + 60 s of its death.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import os
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from sqlalchemy import select, text

from bot.db import create_engine, create_session_factory, migrate
from bot.db.models.scheduling import Timer
from bot.scheduling import ReminderService, TimerService
from bot.scheduling.reminders import PERSONAL_REMINDER
from discord_double import DiscordDouble
from discord_double.state import DISCORD_EPOCH_MS

ROOT = Path(__file__).resolve().parents[1]
SHARDS = 3
LEAD_IN = 25.0  # seconds until the burst: every process must be up by then
LEASE_PERIOD = 45.0
DEADLINE_AFTER_DEATH = LEASE_PERIOD + 60.0
DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


class SpreadSnowflakes:
    """Snowflakes one millisecond apart, so servers land on shards 0, 1, 2, 0, ... in turn."""

    def __init__(self) -> None:
        self._start = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self._count = itertools.count()

    def __call__(self) -> int:
        return ((self._start + next(self._count)) << 22) | (1 << 17)


async def prepare(url: str, people: list[tuple[int, int]], due: datetime) -> None:
    """An empty schema, then one reminder per (guild, member) due at ``due``."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await migrate.upgrade(engine)
        sessions = create_session_factory(engine)
        reminders = ReminderService(
            sessions, TimerService(sessions), clock=lambda: due - timedelta(minutes=1)
        )
        for index, (guild_id, member_id) in enumerate(people):
            await reminders.remind_me(guild_id, member_id, "in 1 minute", f"burst #{index}", "UTC")
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


async def main(url: str, servers: int, timers: int, settle: float) -> None:
    async with DiscordDouble(validate=True, snowflakes=SpreadSnowflakes()) as double:
        people = []
        shard_of_guild: dict[int, int] = {}
        for n in range(servers):
            guild = double.add_guild(f"Circle {n}")
            member = double.add_member(guild, f"reader{n}")
            people.append((guild.id, member.id))
            shard_of_guild[guild.id] = (guild.id >> 22) % SHARDS
        recipients = [people[i % servers] for i in range(timers)]
        shard_of_timer = {i: shard_of_guild[recipients[i][0]] for i in range(timers)}
        started = time.monotonic()
        due = datetime.now(UTC) + timedelta(seconds=LEAD_IN)
        await prepare(url, recipients, due)
        due_at = started + LEAD_IN
        wall_due = due.timestamp()
        with tempfile.TemporaryDirectory() as scratch:
            env = {
                **os.environ,
                "DISCORD_TOKEN": "chaos-shards",
                "DATABASE_URL": url,
                "DISCORD_API_BASE": double.api_base,
                "DISCORD_GATEWAY_URL": double.gateway_url,
                "DATA_DIR": scratch,
                "SHARD_COUNT": str(SHARDS),
                "LOG_LEVEL": "WARNING",
                "SHUTDOWN_GRACE_SECONDS": "5",
            }
            log = _open_log(Path(scratch) / "bots.log")

            async def spawn(shard: int) -> asyncio.subprocess.Process:
                return await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot",
                    cwd=ROOT,
                    env={**env, "SHARD_IDS": str(shard)},
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                )

            shard0 = await spawn(0)
            await asyncio.sleep(3)
            # Shards 1 and 2 start at the same moment, with a duplicate of shard 2's process.
            shard1, shard2, duplicate = await asyncio.gather(spawn(1), spawn(2), spawn(2))
            await asyncio.sleep(max(0.0, due_at + 1 - time.monotonic()))
            shard0.send_signal(signal.SIGKILL)
            died_at = time.monotonic()
            wall_died = time.time()
            await shard0.wait()
            await asyncio.sleep(max(0.0, due_at + 2 - time.monotonic()))
            shard1.send_signal(signal.SIGTERM)
            await shard1.wait()
            shard1 = await spawn(1)
            # Wait until every reminder is delivered, or the takeover deadline has passed.
            deadline = died_at + DEADLINE_AFTER_DEATH + settle
            while time.monotonic() < deadline:
                if len({index for index, _ in _delivered(double)}) >= timers:
                    break
                await asyncio.sleep(1)
            await asyncio.sleep(2)
            for process in (shard1, shard2, duplicate):
                process.send_signal(signal.SIGTERM)
            await asyncio.gather(*(p.wait() for p in (shard1, shard2, duplicate)))
            log.close()
            bot_log = (Path(scratch) / "bots.log").read_text()
            status = await statuses(url)
        delivered = _delivered(double)
        limited = double.rest.global_limit.limited
    counts = collections.Counter(index for index, _ in delivered)
    got = set(counts)
    duplicated = sum(1 for index in got if counts[index] > 1)
    missed = status.get("missed", 0)
    lost = timers - len(got) - missed
    first_at: dict[int, float] = {}
    for index, at in delivered:
        first_at[index] = min(at, first_at.get(index, at))
    delays = {index: first_at[index] - wall_due for index in got}
    dead = [index for index in got if shard_of_timer[index] == 0]
    after_death = [first_at[index] - wall_died for index in dead]
    print(f"{servers} servers on {SHARDS} shards, {timers} reminders due in the same second")
    print(
        "processes: shard 0 killed with SIGKILL 1 s into the burst, shard 1 SIGTERM and "
        "restarted at 2 s, shard 2 started twice at the same moment"
    )
    print(
        f"delivered {len(got)}, late {status.get('late', 0)}, missed {missed}, "
        f"interrupted {status.get('interrupted', 0)}, lost {lost}, duplicated {duplicated}"
    )
    if delays:
        print(
            f"delay after due: p50 {statistics.median(delays.values()):.1f} s, "
            f"max {max(delays.values()):.1f} s"
        )
    if after_death:
        print(
            f"dead process's timers ({len(dead)}): last delivered {max(after_death):.1f} s after "
            f"its death (target <= {DEADLINE_AFTER_DEATH:.0f} s)"
        )
    print(f"global 429s drawn: {limited}")
    print(f"duplicate configuration told: {'also configured on' in bot_log}")
    print(f"timer statuses: {dict(status)}")
    print("targets: 0 lost, 0 duplicated, 0 rate-limited")


def _open_log(path: Path) -> IO[str]:
    return path.open("w", encoding="utf-8")


def _delivered(double: DiscordDouble) -> list[tuple[int, float]]:
    """(reminder index, wall-clock time) for every reminder message the double holds.

    Messages, not requests: a redelivery with the same nonce gets the earlier message back,
    as on Discord, and must not count twice.
    """
    found: list[tuple[int, float]] = []
    for message in double.world.messages.values():
        content = str(message.get("content") or "")
        if "burst #" not in content:
            continue
        number = content[content.index("burst #") + 7 :].split()[0].strip("*#`.,")
        if number.isdigit():
            found.append((int(number), datetime.fromisoformat(message["timestamp"]).timestamp()))
    return found


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=DEFAULT_URL, help="an empty-able database")
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--timers", type=int, default=1000)
    parser.add_argument("--settle", type=float, default=30.0, help="extra seconds to wait")
    args = parser.parse_args()
    asyncio.run(main(args.postgres, args.servers, args.timers, args.settle))
