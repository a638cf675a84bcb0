"""``python -m bot db ...``: migrations, backup and restore.

Backups are consistent copies of a live database: SQLite's backup API for a SQLite file,
``pg_dump`` (custom format) for PostgreSQL; ``restore`` puts one back (``pg_restore --clean``
on PostgreSQL). A restore first checks that the file is a Study Circle database, so a wrong
file never replaces good data.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.db import migrate
from bot.db.problems import DatabaseProblem, ensure_reachable, open_engine, shown_url
from bot.settings import Settings

PG_TOOLS_HINT = (
    "install the PostgreSQL client tools (e.g. `apt install postgresql-client`), "
    "matching the server's major version or newer"
)


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def libpq_url(url: str) -> str:
    """The URL as pg_dump and pg_restore understand it (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _partial(target: Path) -> Path:
    """Where a backup is written before it replaces ``target`` (never half a file there)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    return partial


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy a live database page by page with SQLite's backup API (consistent under writes)."""
    partial = _partial(target)
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
    # The copy need not be in WAL mode to be a valid single-file backup.
    with sqlite3.connect(partial) as dst:
        dst.execute("PRAGMA journal_mode=DELETE")
    partial.replace(target)


def study_circle_revision(path: Path) -> str:
    """The schema revision of a SQLite backup; ValueError if it is not a Study Circle database."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as check:
            healthy = check.execute("PRAGMA integrity_check").fetchone()
            if healthy is None or healthy[0] != "ok":
                raise ValueError(f"{path} is a damaged SQLite database")
            row = check.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        if "no such table" in str(error):
            raise ValueError(f"{path} is a SQLite database, but not Study Circle's") from None
        raise ValueError(f"{path} is not a SQLite database ({error})") from None
    if row is None or row[0] not in migrate.known_revisions():
        raise ValueError(f"{path} is not a Study Circle database this version knows")
    return str(row[0])


def restore_sqlite(backup: Path, target: Path) -> None:
    study_circle_revision(backup)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(backup, target)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DatabaseProblem(f"{name} is not installed: {PG_TOOLS_HINT}")
    return found


def _run(command: list[str], what: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise DatabaseProblem(f"{what} failed: {reason}")
    return done


def backup_postgres(url: str, target: Path) -> None:
    partial = _partial(target)
    _run(
        [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", libpq_url(url)],
        "pg_dump",
    )
    partial.replace(target)


def restore_postgres(backup: Path, url: str) -> None:
    try:
        listing = _run([_pg_tool("pg_restore"), "--list", str(backup)], "reading the backup")
    except DatabaseProblem as problem:
        raise ValueError(f"{backup} is not a pg_dump backup ({problem})") from None
    if " alembic_version " not in listing.stdout:
        raise ValueError(f"{backup} is a PostgreSQL dump, but not of a Study Circle database")
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={libpq_url(url)}",
            str(backup),
        ],
        "pg_restore",
    )


def _backup(settings: Settings, target: Path, force: bool) -> int:
    if target.exists() and not force:
        print(f"error: {target} exists; choose a new file or pass --force", file=sys.stderr)
        return 2
    path = sqlite_path(settings.database_url)
    if path is None:
        asyncio.run(_check_reachable(settings.database_url))
        backup_postgres(settings.database_url, target)
    else:
        if not path.exists():
            print(f"error: no database at {path}", file=sys.stderr)
            return 2
        backup_sqlite(path, target)
    print(f"backed up {shown_url(settings.database_url)} to {target}")
    return 0


def _restore(settings: Settings, backup: Path) -> int:
    if not backup.is_file():
        print(f"error: no backup at {backup}", file=sys.stderr)
        return 2
    path = sqlite_path(settings.database_url)
    try:
        if path is None:
            asyncio.run(_check_reachable(settings.database_url))
            restore_postgres(backup, settings.database_url)
        else:
            restore_sqlite(backup, path)
    except ValueError as error:
        print(f"error: {error}; nothing was changed", file=sys.stderr)
        return 2
    print(
        f"restored {shown_url(settings.database_url)} from {backup}; "
        "start the bot to apply any newer migrations"
    )
    return 0


async def _check_reachable(url: str) -> None:
    engine = open_engine(url)
    try:
        await ensure_reachable(engine)
    finally:
        await engine.dispose()


def main(settings: Settings, args: argparse.Namespace) -> int:
    command = args.db_command
    if command == "backup":
        return _backup(settings, args.path, args.force)
    if command == "restore":
        return _restore(settings, args.path)
    return asyncio.run(_migrations(settings, command, args))


async def _migrations(settings: Settings, command: str, args: argparse.Namespace) -> int:
    engine = open_engine(settings.database_url)
    try:
        await ensure_reachable(engine)
        if command == "upgrade":
            await migrate.upgrade(engine)
        elif command == "downgrade":
            await migrate.downgrade(engine, args.revision)
        print(f"schema revision: {await migrate.current_revision(engine)}")
    finally:
        await engine.dispose()
    return 0
