"""The bot core without a gateway: extension discovery and shard ownership."""

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bot.client import StudyCircle, extension_names
from bot.db import create_engine, create_session_factory
from bot.library.loader import load_pack
from bot.settings import PROJECT_ROOT, Settings


def test_every_cog_module_is_an_extension() -> None:
    names = extension_names()
    assert "cogs.general" in names
    assert "cogs.config" in names
    # A module, or a package (a big cog split into private modules).
    expected = {
        f"cogs.{p.stem}"
        for p in (PROJECT_ROOT / "cogs").iterdir()
        if not p.stem.startswith("_") and (p.suffix == ".py" or (p / "__init__.py").is_file())
    }
    assert set(names) == expected
    assert "cogs.sessions" in names


async def test_a_process_owns_only_its_shards_guilds(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=SecretStr("x"),
        shard_count=3,
        shard_ids=[1],
    )
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    bot = StudyCircle(
        settings=settings,
        engine=engine,
        session_factory=create_session_factory(engine),
        content=load_pack(PROJECT_ROOT / "content"),
    )
    try:
        for guild_id in (5 << 22, 6 << 22, 7 << 22, (7 << 22) + 12345):
            assert bot.owns_guild(guild_id) == ((guild_id >> 22) % 3 == 1)
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("env", "message"),
    [({"SHARD_IDS": "0"}, "SHARD_COUNT"), ({"SHARD_IDS": "2", "SHARD_COUNT": "2"}, "between 0")],
)
def test_shard_settings_must_fit(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=message):
        Settings(_env_file=None)  # type: ignore[call-arg]
