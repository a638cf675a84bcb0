"""Every figure in one run: ``.venv/bin/python -m bench [--quick] [--postgres URL]``.

Runs each benchmark as its own process (so one's memory or event loop cannot skew another's)
and prints their figures in turn: search, timers, prompts and polls, command overhead, cold
start and memory, start-up at scale, the SIGKILL chaos run and, with ``--postgres``, the chaos
run over three shard processes (it empties that database). ``--quick`` shrinks the slow ones
for a smoke run; the README's table comes from full runs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

FULL: list[tuple[str, list[str]]] = [
    ("search", []),
    ("timers", []),
    ("prompts", []),
    ("commands", []),
    ("startup", []),
    ("scale", []),
    ("chaos", []),
    ("chaos_shards", []),
]
# Benchmarks that also run on PostgreSQL with --postgres, and those that run only there.
WITH_POSTGRES = {"search", "prompts", "scale", "chaos_shards"}
POSTGRES_ONLY = {"chaos_shards"}
QUICK: dict[str, list[str]] = {
    "search": ["--excerpts", "2000", "--guilds", "50", "--queries", "100"],
    "timers": ["--timers", "20000", "--fire", "300", "--seconds", "3"],
    "prompts": ["--count", "500", "--ballots", "300"],
    "commands": ["--rounds", "30"],
    "startup": ["--runs", "2", "--idle", "1"],
    "scale": ["--servers", "100", "--pending", "1000", "100000"],
    "chaos": ["--reminders", "100", "--window", "20", "--kills", "3"],
    "chaos_shards": ["--servers", "90", "--timers", "150"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument(
        "--postgres", help="also run on this PostgreSQL database (emptied by some benchmarks)"
    )
    parser.add_argument("--only", nargs="*", help="run only these benchmarks")
    args = parser.parse_args()
    failed = 0
    for name, extra in FULL:
        if args.only and name not in args.only:
            continue
        if name in POSTGRES_ONLY and not args.postgres:
            print(f"\n== {name}: skipped (needs --postgres URL)", flush=True)
            continue
        command = [sys.executable, "-m", f"bench.{name}", *(QUICK[name] if args.quick else extra)]
        if name in WITH_POSTGRES and args.postgres:
            command += ["--postgres", args.postgres]
        print(f"\n== {name}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        result = subprocess.run(command, env=os.environ.copy(), check=False)
        print(f"({name} took {time.perf_counter() - started:.0f} s)", flush=True)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
