from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.db import create_engine
from bot.health import check_health, gateway_status, write_heartbeat

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_fresh_heartbeat_is_healthy(tmp_path: Path) -> None:
    beat = tmp_path / "hb.json"
    write_heartbeat(beat, 0.05, NOW)
    ok, detail = gateway_status(beat, NOW + timedelta(seconds=40))
    assert ok, detail


def test_stale_or_missing_heartbeat_is_unhealthy(tmp_path: Path) -> None:
    beat = tmp_path / "hb.json"
    assert gateway_status(beat, NOW)[0] is False
    write_heartbeat(beat, 0.05, NOW)
    assert gateway_status(beat, NOW + timedelta(minutes=5))[0] is False
    write_heartbeat(beat, float("inf"), NOW)  # no heartbeat ACK yet
    assert gateway_status(beat, NOW)[0] is False
    beat.write_text("{not json")
    assert gateway_status(beat, NOW)[0] is False


async def test_health_checks_the_database(tmp_path: Path) -> None:
    beat = tmp_path / "hb.json"
    write_heartbeat(beat, 0.05, datetime.now(UTC))
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'ok.sqlite3'}")
    try:
        assert (await check_health(engine, beat)).healthy
    finally:
        await engine.dispose()
    broken = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'x' / 'db.sqlite3'}")
    try:
        (tmp_path / "missing" / "x").rmdir()  # the engine made the folder; take it away again
        report = await check_health(broken, beat)
    finally:
        await broken.dispose()
    assert not report.database_ok
    assert "unreachable" in report.detail
