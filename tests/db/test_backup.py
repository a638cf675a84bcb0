"""``db backup`` copies a live SQLite database consistently; ``db restore`` puts it back."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.db.cli import backup_sqlite, restore_sqlite
from bot.db.migrate import head_revision


def _make_db(path: Path, rows: int) -> None:
    """A small database that carries Study Circle's schema revision, as a real one does."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        db.execute("INSERT INTO alembic_version VALUES (?)", (head_revision(),))
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        db.executemany("INSERT INTO notes (body) VALUES (?)", [(f"note {i}",) for i in range(rows)])


def test_backup_of_a_database_being_written_is_consistent(tmp_path: Path) -> None:
    live, copy = tmp_path / "live.sqlite3", tmp_path / "backup" / "copy.sqlite3"
    _make_db(live, 1000)
    stop = threading.Event()

    def writer() -> None:
        with sqlite3.connect(live, timeout=5) as db:
            while not stop.is_set():
                # Each transaction adds two rows; a torn copy would show an odd count.
                with db:
                    db.execute("INSERT INTO notes (body) VALUES ('a')")
                    db.execute("INSERT INTO notes (body) VALUES ('b')")

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        backup_sqlite(live, copy)
    finally:
        stop.set()
        thread.join()
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = db.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
    assert count >= 1000
    assert (count - 1000) % 2 == 0


def test_restore_replaces_the_database(tmp_path: Path) -> None:
    live, copy = tmp_path / "live.sqlite3", tmp_path / "copy.sqlite3"
    _make_db(live, 3)
    backup_sqlite(live, copy)
    with sqlite3.connect(live) as db:
        db.execute("DELETE FROM notes")
    restore_sqlite(copy, live)
    with sqlite3.connect(live) as db:
        assert db.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 3


def test_restore_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk, live = tmp_path / "junk.sqlite3", tmp_path / "live.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    _make_db(live, 1)
    with pytest.raises(ValueError, match="not a SQLite database"):
        restore_sqlite(junk, live)
    with sqlite3.connect(live) as db:
        assert db.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 1


def test_cli_backup_and_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    live = tmp_path / "bot.sqlite3"
    _make_db(live, 5)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{live}")
    monkeypatch.chdir(tmp_path)
    assert main(["db", "backup", str(tmp_path / "b.sqlite3")]) == 0
    assert "backed up" in capsys.readouterr().out
    assert main(["db", "restore", str(tmp_path / "missing.sqlite3")]) == 2
    assert main(["db", "restore", str(tmp_path / "b.sqlite3")]) == 0
