"""A database built at each earlier revision and filled with data upgrades to head losing no row.

Rows are generated from the reflected schema (one per table, foreign keys pointing at the
parents' rows), so the test keeps covering tables that later migrations add.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from bot.db import create_engine, migrate
from tests.conftest import database_url


def _value(column: sa.Column[Any], n: int) -> Any:
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1000 + n
    if isinstance(kind, sa.Numeric | sa.Float):
        return 1.5
    if isinstance(kind, sa.DateTime):
        moment = datetime(2026, 1, 5, 19, 0, tzinfo=UTC)
        return moment if kind.timezone else moment.replace(tzinfo=None)
    if isinstance(kind, sa.Date):
        return date(2026, 1, 5)
    if isinstance(kind, sa.Time):
        return time(19, 0)
    if isinstance(kind, sa.Interval):
        return timedelta(hours=1)
    if isinstance(kind, sa.JSON):
        return {}
    if isinstance(kind, sa.LargeBinary):
        return b"\x00\x01"
    if isinstance(kind, sa.Enum):
        return kind.enums[0]
    if isinstance(kind, sa.String):
        length = kind.length or 20
        return f"v{n}"[:length]
    raise AssertionError(f"no sample value for {column.table.name}.{column.name}: {kind!r}")


def _fill(connection: sa.Connection) -> dict[str, int]:
    metadata = sa.MetaData()
    metadata.reflect(connection)
    inserted: dict[str, dict[str, Any]] = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        row: dict[str, Any] = {}
        for n, column in enumerate(table.columns):
            row[column.name] = _value(column, n)  # explicit ids too: one row per table
        for fk in table.foreign_key_constraints:
            parent = inserted[fk.referred_table.name]
            for local, remote in zip(
                fk.column_keys, [e.column.name for e in fk.elements], strict=True
            ):
                row[local] = parent[remote]
        # Check constraints name allowed values; honour a simple "IN (...)" list if present.
        for constraint in table.constraints:
            if isinstance(constraint, sa.CheckConstraint):
                sql = str(constraint.sqltext)
                for column in table.columns:
                    if f"{column.name} IN" in sql:
                        allowed = sql.split(f"{column.name} IN", 1)[1].split(")", 1)[0]
                        row[column.name] = allowed.strip(" (").split(",")[0].strip().strip("'")
                    elif f"{column.name}::text = ANY" in sql and "ARRAY[" in sql:
                        # PostgreSQL reflects IN (...) as "kind::text = ANY (ARRAY['a', ...])"
                        row[column.name] = sql.split("ARRAY[", 1)[1].split("'")[1]
        connection.execute(table.insert().values(**row))
        inserted[table.name] = row
    return dict.fromkeys(inserted, 1)


def _counts(connection: sa.Connection, tables: list[str]) -> dict[str, int]:
    return {
        name: connection.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
        for name in tables
    }


async def _reset(engine) -> None:
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))


@pytest.mark.parametrize("revision", migrate.all_revisions()[:-1])
async def test_upgrade_from_earlier_revision_keeps_every_row(tmp_path, revision: str) -> None:
    engine = create_engine(database_url(tmp_path))
    try:
        await _reset(engine)
        await migrate.upgrade(engine, revision)
        async with engine.begin() as conn:
            filled = await conn.run_sync(_fill)
        assert filled, "nothing was inserted"
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            counts = await conn.run_sync(lambda sync: _counts(sync, list(filled)))
        assert counts == filled
        # And one step down from head keeps the older tables' rows too.
        await migrate.downgrade(engine, "-1")
        async with engine.connect() as conn:
            older = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
            kept = [name for name in filled if name in older]
            assert await conn.run_sync(lambda sync: _counts(sync, kept)) == dict.fromkeys(kept, 1)
    finally:
        await _reset(engine)
        await engine.dispose()
