"""``python -m bot db ...``: migrations, backup and restore."""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.db import create_engine, migrate
from bot.settings import Settings


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy a live database page by page with SQLite's backup API (consistent under writes)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    # The copy need not be in WAL mode to be a valid single-file backup.
    with sqlite3.connect(target) as dst:
        dst.execute("PRAGMA journal_mode=DELETE")


def restore_sqlite(backup: Path, target: Path) -> None:
    with sqlite3.connect(backup) as check:
        result = check.execute("PRAGMA integrity_check").fetchone()
    if result is None or result[0] != "ok":
        raise ValueError(f"{backup} is not a healthy SQLite database")
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(backup, target)


async def main(settings: Settings, args: argparse.Namespace) -> int:
    command = args.db_command
    if command in {"backup", "restore"}:
        path = sqlite_path(settings.database_url)
        if path is None:
            print(
                "error: backup/restore work on SQLite; use pg_dump for PostgreSQL", file=sys.stderr
            )
            return 2
        if command == "backup":
            if not path.exists():
                print(f"error: no database at {path}", file=sys.stderr)
                return 2
            backup_sqlite(path, args.path)
            print(f"backed up {path} to {args.path}")
        else:
            if not args.path.exists():
                print(f"error: no backup at {args.path}", file=sys.stderr)
                return 2
            restore_sqlite(args.path, path)
            print(f"restored {path} from {args.path}; start the bot to apply any newer migrations")
        return 0
    engine = create_engine(settings.database_url)
    try:
        if command == "upgrade":
            await migrate.upgrade(engine)
        elif command == "downgrade":
            await migrate.downgrade(engine, args.revision)
        print(f"schema revision: {await migrate.current_revision(engine)}")
    finally:
        await engine.dispose()
    return 0
