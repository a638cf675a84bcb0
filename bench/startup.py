"""Cold start to ready, and idle memory, of the real bot process.

Run: .venv/bin/python -m bench.startup [--runs 5]

Starts a loopback Discord double in this process, then `python -m bot` as a child process
pointed at it, several times on one SQLite database: the first start creates and migrates
it (reported on its own line), the others are ordinary restarts. "Ready" is the moment
the bot writes its heartbeat file, which it does in ``on_ready`` (logged in, commands synced,
guilds received). Idle memory is the child's resident set size (VmRSS) five seconds after
ready. Targets: ready ≤ 1.5 s, RSS ≤ 80 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from discord_double import DiscordDouble

ROOT = Path(__file__).resolve().parents[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def one_run(double: DiscordDouble, scratch: Path, idle_seconds: float) -> tuple[float, float]:
    heartbeat = scratch / "heartbeat.json"
    heartbeat.unlink(missing_ok=True)
    database = scratch / "bench.sqlite3"
    env = {
        **os.environ,
        "DISCORD_TOKEN": "bench-token",
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "DISCORD_API_BASE": double.api_base,
        "DISCORD_GATEWAY_URL": double.gateway_url,
        "HEALTH_FILE": str(heartbeat),
        "LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL
    )
    try:
        while not heartbeat.exists():
            if process.returncode is not None:
                raise RuntimeError(f"the bot exited with {process.returncode}")
            await asyncio.sleep(0.005)
        ready = time.perf_counter() - started
        await asyncio.sleep(idle_seconds)
        memory = rss_mb(process.pid)
    finally:
        process.terminate()
        await process.wait()
    return ready, memory


async def main(runs: int, idle_seconds: float) -> None:
    async with DiscordDouble(validate=False) as double:
        guild = double.add_guild("Bench")
        double.add_member(guild, "member")
        with tempfile.TemporaryDirectory() as scratch:
            results = [await one_run(double, Path(scratch), idle_seconds) for _ in range(runs)]
    first, rest = results[0], results[1:] or results[:1]
    readies = [r for r, _ in rest]
    memories = [m for _, m in rest]
    print(
        f"first start (creates and migrates the database): ready in {first[0]:.2f} s, "
        f"idle RSS {first[1]:.1f} MB"
    )
    print(
        f"cold start to ready (existing database): median {statistics.median(readies):.2f} s, "
        f"max {max(readies):.2f} s over {len(rest)} runs (target ≤ 1.5 s)"
    )
    print(
        f"idle RSS: median {statistics.median(memories):.1f} MB, "
        f"max {max(memories):.1f} MB (target ≤ 80 MB)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before RSS")
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.idle))
