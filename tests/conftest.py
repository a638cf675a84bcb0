"""Shared fixtures.

The database fixtures use a fresh SQLite file per test, or, when ``DATABASE_URL`` is set (CI's
second pass), that PostgreSQL database with every table dropped and created again.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import create_engine, create_session_factory
from bot.db.models import Base

# Hypothesis profiles: a quick default for a local run, the full fuzzing in CI. Tests that
# set their own max_examples keep it; the fuzz tests take the profile's.
hypothesis_settings.register_profile("quick", max_examples=300)
hypothesis_settings.register_profile("ci", max_examples=10_000)
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "quick")
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)


def pytest_report_header() -> str:
    examples = hypothesis_settings.get_profile(HYPOTHESIS_PROFILE).max_examples
    return f"hypothesis profile: {HYPOTHESIS_PROFILE} ({examples} examples per fuzzed parser)"


# The end-to-end fixtures (double, server, other_server, settings, bot_runner, bot).
pytest_plugins = ["tests.e2e.fixtures"]


@pytest.fixture(autouse=True)
def keep_logging_handlers() -> Iterator[None]:
    """Tests that run the command line install handlers on pytest's captured stderr, which is
    closed after the test; put the root logger back so later records don't hit a closed file."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def database_url(tmp_path: Path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url(tmp_path))
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)
