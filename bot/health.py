"""Health for ``python -m bot health``.

With ``HTTP_PORT`` set, the bot's own web server answers ``/readyz`` (see :mod:`bot.web`) and
the probe asks it. Without it, the running bot writes a heartbeat file and the probe reads it
and checks that the database answers. The probe never creates a database: a SQLite file that
does not exist is reported, not made.
"""

from __future__ import annotations

import asyncio
import json
import math
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings

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


def _ask_readyz(port: int) -> HealthReport:
    url = f"http://127.0.0.1:{port}/readyz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body = response.read().decode("utf-8", "replace").strip()
            return HealthReport(True, True, body or "ready")
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace").strip()
        return HealthReport(False, False, body or f"{url} answered {error.code}")
    except OSError as error:
        return HealthReport(False, False, f"no answer from {url}: {error}")


def probe(settings: Settings) -> HealthReport:
    """The health of the bot configured by ``settings``, as ``python -m bot health`` reports it."""
    if settings.http_port:
        return _ask_readyz(settings.http_port)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return HealthReport(False, False, f"no database at {url.database}")
    return asyncio.run(_probe_database(settings))


async def _probe_database(settings: Settings) -> HealthReport:
    from bot.db.problems import DatabaseProblem, open_engine

    try:
        engine = open_engine(settings.database_url)
    except DatabaseProblem as problem:
        return HealthReport(False, False, str(problem))
    try:
        return await check_health(engine, settings.heartbeat_path)
    finally:
        await engine.dispose()
