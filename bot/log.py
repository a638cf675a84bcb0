"""Logging set-up shared by the bot, the sandbox and the CLI.

``LOG_FORMAT=text`` (the default, for a terminal) or ``json`` (one object per line, for a log
collector). Either way, what the bot is working on — the server, shard, interaction, command,
timer — is attached to every record logged inside it through :func:`log_context`, a context
variable, so concurrent interactions never mix their ids up.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

# Names attached to records: guild_id, shard_id, interaction_id, command, timer_id, timer_kind.
_context: ContextVar[dict[str, Any] | None] = ContextVar("study_circle_log_context", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Attach ``fields`` (None values are skipped) to every record logged inside the block."""
    current = _context.get() or {}
    token = _context.set({**current, **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


def bind_context(**fields: Any) -> None:
    """Add ``fields`` to the context of the current task for the rest of it.

    For code that runs at the start of a task it does not own the end of (an interaction's
    handler); each asyncio task has its own copy of the context, so nothing leaks between them.
    """
    current = _context.get() or {}
    _context.set({**current, **{k: v for k, v in fields.items() if v is not None}})


def current_context() -> dict[str, Any]:
    return dict(_context.get() or {})


class ContextFilter(logging.Filter):
    """Copies the current :func:`log_context` fields onto each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = _context.get()
        record.context = fields or {}
        if fields:
            for key, value in fields.items():
                if not hasattr(record, key):
                    setattr(record, key, value)
        return True


class TextFormatter(logging.Formatter):
    """The classic one-line format, with the context as ``key=value`` at the end."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields: dict[str, Any] = getattr(record, "context", {})
        if not fields:
            return line
        suffix = " ".join(f"{key}={value}" for key, value in fields.items())
        first, newline, rest = line.partition("\n")  # keep a traceback below the context
        return f"{first} [{suffix}]{newline}{rest}"


def _json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
        # The context fields are already top-level attributes; don't repeat them nested.
        reserved_attrs=[*logging.LogRecord("", 0, "", 0, "", None, None).__dict__, "context"],
    )


def setup_logging(level: str = "INFO", log_format: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    if log_format == "json":
        handler.setFormatter(_json_formatter())
    else:
        handler.setFormatter(TextFormatter(TEXT_FORMAT, DATE_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # discord.py's gateway chatter is useful only when debugging it.
    logging.getLogger("discord").setLevel(max(logging.getLevelName(level), logging.INFO))
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # A text bot has no voice; discord.py's warning about missing voice libraries is noise.
    logging.getLogger("discord.client").addFilter(
        lambda record: "voice will NOT be supported" not in record.getMessage()
    )
