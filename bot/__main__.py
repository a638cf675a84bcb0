"""Command line: ``python -m bot [run|sandbox|db|content|health]``."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.log import setup_logging
from bot.settings import Settings

NO_TOKEN = (
    "error: DISCORD_TOKEN is not set. Put DISCORD_TOKEN=<your bot token> in the environment or "
    "in .env (see README), or try the bot without Discord: python -m bot sandbox"
)
# What the sandbox needs beyond the bot: the Discord double and its request validation.
SANDBOX_MODULES = frozenset({"discord_double", "jsonschema", "referencing"})


def sandbox_extra_missing(missing: str) -> str:
    return (
        f"error: the sandbox needs the 'sandbox' extra ({missing} is not installed): "
        "pip install -e '.[sandbox]' in a checkout, or pip install 'study-circle[sandbox]'"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Study Circle Discord bot")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot against Discord (the default)")

    sandbox = sub.add_parser("sandbox", help="run the bot against a local Discord double")
    sandbox.add_argument("--run", action="append", metavar="COMMAND", help='e.g. --run "/ping"')
    sandbox.add_argument("--database-url", help="default: a throw-away SQLite database")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply every pending migration")
    down = db_sub.add_parser("downgrade", help="go back to a revision (e.g. -1)")
    down.add_argument("revision")
    db_sub.add_parser("current", help="print the current schema revision")
    backup = db_sub.add_parser("backup", help="consistent copy of a live SQLite database")
    backup.add_argument("path", type=Path)
    restore = db_sub.add_parser("restore", help="replace the SQLite database with a backup")
    restore.add_argument("path", type=Path)

    content = sub.add_parser("content", help="content pack tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate a content pack")
    check.add_argument("directory", nargs="?", type=Path)

    sub.add_parser("health", help="exit 0 if the database is reachable and the gateway alive")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"error: invalid settings:\n{error}", file=sys.stderr)
        return 2
    command = args.command or "run"
    quiet_sandbox = command == "sandbox" and "LOG_LEVEL" not in os.environ
    setup_logging("WARNING" if quiet_sandbox else settings.log_level)
    if command == "run":
        if settings.discord_token is None or not settings.discord_token.get_secret_value():
            print(NO_TOKEN, file=sys.stderr)
            return 2
        from bot import runtime
        from bot.library.loader import ContentError

        try:
            asyncio.run(runtime.run(settings, settings.discord_token.get_secret_value()))
        except ContentError as error:
            print(f"error: the content pack is invalid:\n{error}", file=sys.stderr)
            return 2
        return 0
    if command == "sandbox":
        try:
            from bot import sandbox
        except ModuleNotFoundError as error:
            missing = (error.name or "").partition(".")[0]
            if missing not in SANDBOX_MODULES:
                raise
            print(sandbox_extra_missing(missing), file=sys.stderr)
            return 2
        return asyncio.run(sandbox.main(settings, args.run, args.database_url))
    if command == "db":
        from bot.db import cli as db_cli

        return asyncio.run(db_cli.main(settings, args))
    if command == "content":
        from bot.library.loader import check_command

        return check_command(args.directory or settings.content_dir)
    if command == "health":
        from bot.db import create_engine
        from bot.health import check_health

        async def probe() -> int:
            engine = create_engine(settings.database_url)
            try:
                report = await check_health(engine, settings.health_file)
            finally:
                await engine.dispose()
            print(("healthy: " if report.healthy else "unhealthy: ") + report.detail)
            return 0 if report.healthy else 1

        return asyncio.run(probe())
    raise AssertionError(f"unhandled command {command}")


if __name__ == "__main__":
    sys.exit(main())
