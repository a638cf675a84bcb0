"""Alembic migrations, run programmatically on the bot's own async engine.

Alembic (with Mako and Pygments behind it) costs start-up time and memory, so it is imported
only when the schema is behind: :func:`upgrade_if_needed` first compares the database's
revision with the newest migration file.

Any number of processes may start together on one database: a migration runs inside one
transaction that first takes the database's own lock (a PostgreSQL transaction-level advisory
lock; SQLite's write lock through ``BEGIN IMMEDIATE``), then reads the revision again, so the
first process migrates and the others find the work done. A database at a revision this code
does not know (a newer release wrote it, then was rolled back) is refused with
:class:`SchemaTooNew` instead of being touched.
"""

from __future__ import annotations

import asyncio
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r'^revision\s*=\s*"([^"]+)"', re.MULTILINE)
_DOWN_REVISION = re.compile(r'^down_revision\s*=\s*"([^"]+)"', re.MULTILINE)
# Any constant works; it only has to be the same in every process ("StudyCi" in ASCII).
ADVISORY_LOCK_KEY = 0x5374756479436900
SQLITE_LOCK_WAIT_SECONDS = 120


class SchemaTooNew(Exception):
    """The database was migrated by a newer release than this code."""

    def __init__(self, revision: str) -> None:
        super().__init__(
            f"the database is at schema revision {revision!r}, which this version of Study "
            f"Circle does not know (its newest is {head_revision()!r}): a newer release "
            "migrated it. Run that release, or restore a backup taken before the upgrade."
        )
        self.revision = revision


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # env.py runs on this connection instead of opening its own (see migrations/env.py).
    config.attributes["connection"] = connection
    return config


@cache
def _revision_files() -> tuple[frozenset[str], frozenset[str]]:
    """Every revision id and every down_revision, read without importing Alembic."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if match := _REVISION.search(source):
            revisions.add(match[1])
        parents.update(_DOWN_REVISION.findall(source))
    return frozenset(revisions), frozenset(parents)


def known_revisions() -> frozenset[str]:
    return _revision_files()[0]


@cache
def head_revision() -> str:
    """The newest revision."""
    revisions, parents = _revision_files()
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"expected one head migration, found {sorted(heads)}")
    (head,) = heads
    return head


def all_revisions() -> list[str]:
    """Every revision id, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def _lock(conn: AsyncConnection) -> None:
    """Take the database-wide migration lock; it is released when the transaction ends."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        # pysqlite starts transactions lazily; take the write lock now, waiting for another
        # process's migration (each attempt waits busy_timeout) rather than failing.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SQLITE_LOCK_WAIT_SECONDS
        while True:
            try:
                await conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as error:
                if "locked" not in str(error) or loop.time() > deadline:
                    raise


def check_known(revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNew(revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    from alembic import command

    async with engine.begin() as conn:
        await _lock(conn)
        check_known(await conn.run_sync(_read_revision))
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))


async def upgrade_if_needed(engine: AsyncEngine) -> bool:
    """Upgrade to the newest revision unless the database is there already; True if it ran.

    Raises :class:`SchemaTooNew` for a database migrated by a newer release.
    """
    current = await current_revision(engine)
    check_known(current)
    if current == head_revision():
        return False
    await upgrade(engine)
    return True


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    from alembic import command

    async with engine.begin() as conn:
        await _lock(conn)
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))


def _read_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(_read_revision)
