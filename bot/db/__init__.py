"""Database access: models, engine, migrations."""

from bot.db.engine import affected_rows, create_engine, create_session_factory

__all__ = ["affected_rows", "create_engine", "create_session_factory"]
