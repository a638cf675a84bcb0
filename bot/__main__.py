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
    sandbox.add_argument(
        "--run",
        action="append",
        metavar="LINE",
        help='a line to run instead of the prompt (repeatable), e.g. --run "/ping" --run "wait 2d"',
    )
    sandbox.add_argument(
        "--script",
        type=Path,
        metavar="FILE",
        help="run the lines of FILE (blank lines and lines starting with '# ' are skipped)",
    )
    sandbox.add_argument(
        "--database-url",
        help="default: a throw-away SQLite database; give one to keep the server between runs",
    )
    sandbox.add_argument(
        "--start",
        metavar="WHEN",
        help="start the sandbox clock here (e.g. 2026-03-02T09:00, in --zone); default: now",
    )
    sandbox.add_argument(
        "--zone", help="show times in this time zone (e.g. Europe/London); default: this computer's"
    )
    sandbox.add_argument(
        "--files",
        type=Path,
        metavar="DIR",
        help="save the files the bot sends here; default: a new temporary folder",
    )

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply every pending migration")
    down = db_sub.add_parser("downgrade", help="go back to a revision (e.g. -1)")
    down.add_argument("revision")
    db_sub.add_parser("current", help="print the current schema revision")
    backup = db_sub.add_parser(
        "backup", help="consistent copy of the live database (SQLite backup API, or pg_dump)"
    )
    backup.add_argument("path", type=Path)
    backup.add_argument("--force", action="store_true", help="overwrite an existing file")
    restore = db_sub.add_parser(
        "restore", help="replace the database with a backup (stop the bot first)"
    )
    restore.add_argument("path", type=Path)

    content = sub.add_parser("content", help="content pack tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate a content pack")
    check.add_argument("directory", nargs="?", type=Path)

    sub.add_parser("health", help="exit 0 if the database is reachable and the gateway alive")
    return parser


def _settings_problems(error: ValidationError) -> str:
    """One line per bad setting, named as in the environment (DATABASE_URL, not database_url)."""
    lines = []
    for problem in error.errors():
        name = "_".join(str(part) for part in problem["loc"]).upper() or "settings"
        lines.append(f"error: {name}: {problem['msg'].removeprefix('Value error, ')}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        print(_settings_problems(error), file=sys.stderr)
        return 2
    command = args.command or "run"
    quiet_sandbox = command == "sandbox" and "LOG_LEVEL" not in os.environ
    setup_logging("WARNING" if quiet_sandbox else settings.log_level, settings.log_format)
    from bot.db.migrate import SchemaTooNew
    from bot.db.problems import DatabaseProblem
    from bot.library.loader import ContentError, print_problems

    try:
        return _dispatch(command, args, settings)
    except (DatabaseProblem, SchemaTooNew) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ContentError as error:
        print_problems(settings.content_dir, error)
        return 2


def _dispatch(command: str, args: argparse.Namespace, settings: Settings) -> int:
    if command == "run":
        if settings.discord_token is None or not settings.discord_token.get_secret_value():
            print(NO_TOKEN, file=sys.stderr)
            return 2
        from bot import runtime

        asyncio.run(runtime.run(settings, settings.discord_token.get_secret_value()))
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
        lines = args.run
        if args.script is not None:
            try:
                lines = sandbox.script_lines(args.script) + (args.run or [])
            except OSError as error:
                print(f"error: --script {args.script}: {error.strerror}", file=sys.stderr)
                return 2
        return asyncio.run(
            sandbox.main(
                settings,
                lines,
                args.database_url,
                start=args.start,
                zone=args.zone,
                files_dir=args.files,
            )
        )
    if command == "db":
        from bot.db import cli as db_cli

        return db_cli.main(settings, args)
    if command == "content":
        from bot.library.loader import check_command

        return check_command(args.directory or settings.content_dir)
    if command == "health":
        from bot.health import probe

        report = probe(settings)
        print(("healthy: " if report.healthy else "unhealthy: ") + report.detail)
        return 0 if report.healthy else 1
    raise AssertionError(f"unhandled command {command}")


if __name__ == "__main__":
    sys.exit(main())
