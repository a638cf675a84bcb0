"""Liveness: the running bot writes a heartbeat file; ``python -m bot health`` checks it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

HEARTBEAT_EVERY = timedelta(seconds=30)
STALE_AFTER = timedelta(seconds=90)


def write_heartbeat(path: Path, latency: float, now: datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    payload = {"at": now.isoformat(), "latency": latency if math.isfinite(latency) else None}
    tmp.write_text(json.dumps(payload))
    tmp.replace(path)  # atomic: the checker never reads half a file


@dataclass(frozen=True)
class HealthReport:
    database_ok: bool
    gateway_ok: bool
    detail: str

    @property
    def healthy(self) -> bool:
        return self.database_ok and self.gateway_ok


def gateway_status(path: Path, now: datetime) -> tuple[bool, str]:
    try:
        payload = json.loads(path.read_text())
        beat = datetime.fromisoformat(payload["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return False, f"no readable heartbeat at {path}"
    age = now - beat
    if age > STALE_AFTER or payload.get("latency") is None:
        return False, f"last gateway heartbeat {age.total_seconds():.0f}s ago"
    return True, f"gateway heartbeat {age.total_seconds():.0f}s ago"


async def check_health(engine: AsyncEngine, heartbeat_path: Path) -> HealthReport:
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        database_ok, db_detail = True, "database reachable"
    except Exception as error:  # any driver error means unhealthy; say which
        database_ok, db_detail = False, f"database unreachable: {error}"
    gateway_ok, gw_detail = gateway_status(heartbeat_path, datetime.now(UTC))
    return HealthReport(database_ok, gateway_ok, f"{db_detail}; {gw_detail}")
