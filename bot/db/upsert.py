"""``INSERT ... ON CONFLICT DO NOTHING`` on both databases.

Used where two writers may insert the same unique key at once: the loser's insert does nothing
(no exception, no savepoint), and it reads the winner's row instead. Savepoints are avoided on
purpose: with SQLite's driver a savepoint opened before the transaction's first write commits
when it is released.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_ignoring_conflicts(session: AsyncSession, table: Any, key: str) -> Any:
    """An INSERT into ``table`` that does nothing when ``key`` already exists."""
    dialect = session.bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=[key])
