"""Alembic migrations, run programmatically on the bot's own async engine.

Alembic (with Mako and Pygments behind it) costs start-up time and memory, so it is imported
only when the schema is behind: :func:`upgrade_if_needed` first compares the database's
revision with the newest migration file.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r'^revision\s*=\s*"([^"]+)"', re.MULTILINE)
_DOWN_REVISION = re.compile(r'^down_revision\s*=\s*"([^"]+)"', re.MULTILINE)


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # env.py runs on this connection instead of opening its own (see migrations/env.py).
    config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The newest revision, read from the migration files without importing Alembic."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if match := _REVISION.search(source):
            revisions.add(match[1])
        parents.update(_DOWN_REVISION.findall(source))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"expected one head migration, found {sorted(heads)}")
    return heads.pop()


def all_revisions() -> list[str]:
    """Every revision id, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    from alembic import command

    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))


async def upgrade_if_needed(engine: AsyncEngine) -> bool:
    """Upgrade to the newest revision unless the database is there already; True if it ran."""
    if await current_revision(engine) == head_revision():
        return False
    await upgrade(engine)
    return True


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    from alembic import command

    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))


def _read_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(_read_revision)
