"""One clear line for a database the bot cannot use, instead of a driver traceback.

A wrong ``DATABASE_URL`` is a person's mistake (a typo, a server not started, a driver name
missing), so the command line reports it in one line that says what to do, and exits non-zero.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine

SUPPORTED = "sqlite+aiosqlite:///path/to/file.sqlite3 or postgresql+asyncpg://user:pass@host/db"
CONNECT_TIMEOUT_SECONDS = 10


class DatabaseProblem(Exception):
    """The configured database cannot be used; the message is one line for a person."""


def shown_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable)"


def open_engine(url: str) -> AsyncEngine:
    """The engine for ``url``, or a :class:`DatabaseProblem` that says what is wrong with it."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseProblem(f"DATABASE_URL is not a database URL; expected {SUPPORTED}") from None
    if parsed.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
        raise DatabaseProblem(
            f"DATABASE_URL uses the driver {parsed.drivername!r}; expected {SUPPORTED}"
        )
    try:
        return create_engine(url)
    except (NoSuchModuleError, ImportError, ArgumentError) as error:
        raise DatabaseProblem(f"DATABASE_URL cannot be used: {error}") from None
    except OSError as error:  # the SQLite folder cannot be created
        raise DatabaseProblem(f"cannot create the database folder: {error.strerror}") from None


def explain(url: str, error: BaseException) -> str:
    """What went wrong connecting to ``url``, in one line."""
    where = shown_url(url)
    original = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(original, ConnectionRefusedError):
        return f"cannot connect to the database at {where}: connection refused (is it running?)"
    if isinstance(original, TimeoutError):
        return f"cannot connect to the database at {where}: no answer within the timeout"
    if isinstance(original, OSError):
        return f"cannot open the database at {where}: {original.strerror or original}"
    detail = str(original).strip().splitlines()[0] if str(original).strip() else type(original)
    return f"cannot use the database at {where}: {detail}"


async def ensure_reachable(engine: AsyncEngine) -> None:
    """Connect once; raise :class:`DatabaseProblem` with the reason if that fails."""
    url = engine.url.render_as_string(hide_password=False)
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (OSError, TimeoutError, OperationalError, DBAPIError) as error:
        raise DatabaseProblem(explain(url, error)) from None
    except Exception as error:
        # asyncpg raises its own classes (a missing database, a refused login) before
        # SQLAlchemy wraps them; they are still the configuration's fault, not a bug.
        if type(error).__module__.startswith("asyncpg"):
            raise DatabaseProblem(explain(url, error)) from None
        raise
