"""A person's mistakes on the command line get one clear line and a non-zero exit, never a
traceback, and lose nothing."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.__main__ import main
from bot.db import create_engine
from bot.settings import PROJECT_ROOT

# Read before the fixture below clears the environment for each test.
CONFIGURED_URL = os.environ.get("DATABASE_URL", "")
POSTGRES = CONFIGURED_URL.startswith("postgresql")


def database_url(tmp_path: Path) -> str:
    return CONFIGURED_URL or f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"


async def _execute(url: str, statement: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(statement))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        await engine.dispose()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DATABASE_URL", "DATA_DIR", "HTTP_PORT", "CONTENT_DIR", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    if POSTGRES:  # PostgreSQL is shared between tests: start each from an empty schema
        asyncio.run(_execute(CONFIGURED_URL, "DROP SCHEMA public CASCADE"))
        asyncio.run(_execute(CONFIGURED_URL, "CREATE SCHEMA public"))


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "not a database URL"),
        ("mysql://someone@localhost/db", "driver 'mysql'"),
        ("postgresql+asyncpg://postgres@127.0.0.1:1/test", "connection refused"),
        ("postgresql+asyncpg://postgres:hunter2@127.0.0.1:1/test", "connection refused"),
    ],
)
@pytest.mark.parametrize("command", [["db", "upgrade"], ["db", "current"], ["run"]])
def test_an_unusable_database_url_is_one_line(
    url: str,
    expected: str,
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DISCORD_TOKEN", "not-used")
    assert main(command) == 2
    line = _one_line(capsys.readouterr().err)
    assert expected in line
    assert "hunter2" not in line  # a password never reaches the terminal


def test_the_sandbox_reports_an_unusable_database_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--database-url", "mysql://x/y", "--run", "/ping"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        check=False,
    )
    assert done.returncode == 2
    assert "driver 'mysql'" in _one_line(done.stderr)


def test_a_broken_content_pack_at_start_up_is_reported_like_content_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    for source in (PROJECT_ROOT / "content").glob("*.yaml"):
        (pack / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    readings = pack / "readings.yaml"
    readings.write_text(readings.read_text(encoding="utf-8").replace("year:", "yeer:", 1))
    monkeypatch.setenv("CONTENT_DIR", str(pack))
    assert main(["content", "check"]) == 1
    check_report = capsys.readouterr().err
    monkeypatch.setenv("DISCORD_TOKEN", "not-used")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    assert main(["run"]) == 2
    assert capsys.readouterr().err == check_report
    assert "readings.yaml" in check_report
    assert "Traceback" not in check_report


def test_backup_refuses_to_overwrite_unless_forced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url(tmp_path))
    assert main(["db", "upgrade"]) == 0
    target = tmp_path / "backup.dump"
    target.write_text("an older backup")
    capsys.readouterr()
    assert main(["db", "backup", str(target)]) == 2
    assert "--force" in _one_line(capsys.readouterr().err)
    assert target.read_text() == "an older backup"
    assert main(["db", "backup", "--force", str(target)]) == 0
    assert target.read_bytes() != b"an older backup"


@pytest.mark.skipif(POSTGRES, reason="a SQLite file check")
def test_restore_refuses_a_database_that_is_not_study_circles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    live = tmp_path / "live.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{live}")
    assert main(["db", "upgrade"]) == 0
    before = live.read_bytes()
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"hello" * 1000)
    capsys.readouterr()
    for wrong, reason in [(other, "not Study Circle's"), (junk, "not a SQLite database")]:
        assert main(["db", "restore", str(wrong)]) == 2
        line = _one_line(capsys.readouterr().err)
        assert reason in line
        assert "nothing was changed" in line
    assert live.read_bytes() == before


def test_health_does_not_create_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    assert main(["health"]) == 1
    assert "no database" in capsys.readouterr().out
    assert not (tmp_path / "data").exists()


def test_a_database_from_a_newer_release_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = database_url(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DISCORD_TOKEN", "not-used")
    assert main(["db", "upgrade"]) == 0
    asyncio.run(_execute(url, "UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    capsys.readouterr()
    for command in (["run"], ["db", "upgrade"]):
        assert main(command) == 2
        line = _one_line(capsys.readouterr().err)
        assert "0099_from_the_future" in line
        assert "newer release" in line


@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (CI's second pass)")
def test_postgres_backup_and_restore_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = CONFIGURED_URL
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    insert = "INSERT INTO guild_settings (guild_id, timezone) VALUES (42, 'Europe/Paris')"
    asyncio.run(_execute(url, insert))
    dump = tmp_path / "study-circle.dump"
    assert main(["db", "backup", str(dump)]) == 0
    asyncio.run(_execute(url, "DELETE FROM guild_settings"))
    assert main(["db", "restore", str(dump)]) == 0
    rows = asyncio.run(_execute(url, "SELECT guild_id, timezone FROM guild_settings"))
    assert rows == [(42, "Europe/Paris")]
    not_ours = tmp_path / "other.dump"
    not_ours.write_bytes(b"PGDMP but not really")
    capsys.readouterr()
    assert main(["db", "restore", str(not_ours)]) == 2
    assert "nothing was changed" in _one_line(capsys.readouterr().err)
    assert asyncio.run(_execute(url, "SELECT count(*) FROM guild_settings")) == [(1,)]
