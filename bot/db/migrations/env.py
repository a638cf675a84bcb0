"""Alembic environment: always given a live connection by ``bot.db.migrate``."""

from __future__ import annotations

from alembic import context

from bot.db.models import Base
from bot.db.models.search import engine_owned

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `python -m bot db upgrade`, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=engine_owned,  # FTS5 tables, the tsv column, GIN and trigram indexes
)
with context.begin_transaction():
    context.run_migrations()
