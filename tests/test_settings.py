from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.__main__ import main
from bot.settings import DEFAULT_DATABASE_URL, Settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "DISCORD_TOKEN",
        "DISCORD_TOKEN_FILE",
        "DATABASE_URL",
        "DATA_DIR",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "SHARD_IDS",
        "SHARD_COUNT",
        "HTTP_PORT",
        "DATABASE_PASSWORD_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_use_sqlite_under_data() -> None:
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert "/data/" in settings.database_url
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.discord_token is None


def test_reads_dotenv_and_ignores_empty_values(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "DISCORD_TOKEN=abc\nDATABASE_URL=\nSHARD_IDS=0,2\nSHARD_COUNT=4\n"
    )
    settings = Settings()
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "abc"
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.shard_ids == [0, 2]
    assert settings.shard_count == 4


def test_token_is_not_shown_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "very-secret")
    assert "very-secret" not in repr(Settings())


def test_bad_log_level_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "loud")
    with pytest.raises(ValidationError, match="LOG_LEVEL"):
        Settings()


def test_missing_token_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "DISCORD_TOKEN" in err
    assert "sandbox" in err
    assert "Traceback" not in err


def test_secrets_can_come_from_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "token").write_text("token-from-file\n")
    (tmp_path / "password").write_text("p@ss:word/1\n")
    monkeypatch.setenv("DISCORD_TOKEN", "token-from-env")
    monkeypatch.setenv("DISCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://study_circle@postgres:5432/sc")
    monkeypatch.setenv("DATABASE_PASSWORD_FILE", str(tmp_path / "password"))
    settings = Settings()
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "token-from-file"
    from sqlalchemy.engine import make_url

    assert make_url(settings.database_url).password == "p@ss:word/1"
    assert "p@ss" not in repr(settings.discord_token)


def test_an_unreadable_secret_file_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN_FILE", "/nonexistent/token")
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "DISCORD_TOKEN_FILE=/nonexistent/token cannot be read" in err


def test_data_goes_to_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "elsewhere"))
    settings = Settings()
    assert (
        settings.database_url
        == f"sqlite+aiosqlite:///{tmp_path / 'elsewhere'}/study_circle.sqlite3"
    )
    assert settings.heartbeat_path == tmp_path / "elsewhere" / "heartbeat.json"
