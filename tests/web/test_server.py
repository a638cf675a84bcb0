"""The bot's web server: /healthz, /readyz and /metrics, fetched over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.client import StudyCircle
from bot.settings import Settings
from bot.web.probes import ShardState, readiness
from discord_double import DiscordDouble
from tests.e2e.fixtures import BotRunner, Server

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def settings_with_port(settings: Settings) -> Settings:
    return settings.model_copy(update={"http_port": 0, "http_host": "127.0.0.1"})


@pytest.fixture
async def web_bot(
    double: DiscordDouble, settings_with_port: Settings, server: Server
) -> AsyncIterator[StudyCircle]:
    from bot.runtime import open_bot
    from discord_double.testing import connected_bot

    async with open_bot(settings_with_port) as bot, connected_bot(double, bot):
        yield bot


async def _get(bot: StudyCircle, path: str) -> tuple[int, str, str]:
    assert bot.web is not None
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{bot.web.port}{path}") as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


async def test_probes_answer(web_bot: StudyCircle) -> None:
    status, _, body = await _get(web_bot, "/healthz")
    assert (status, body) == (200, "alive")
    status, _, body = await _get(web_bot, "/readyz")
    assert status == 200, body
    assert body.startswith("ready: database answers; 1 shard(s) connected")


async def test_metrics_count_commands_rest_calls_and_shards(
    web_bot: StudyCircle, double: DiscordDouble, server: Server
) -> None:
    await double.slash(server.guild, server.member, "ping")
    await double.slash(server.guild, server.member, "reading info", reading="no such reading")
    status, content_type, body = await _get(web_bot, "/metrics")
    assert status == 200
    assert content_type.startswith("text/plain")
    assert 'study_circle_commands_total{command="ping",outcome="ok"} 1.0' in body
    assert 'study_circle_commands_total{command="reading info",outcome="user_error"} 1.0' in body
    assert 'study_circle_command_duration_seconds_count{command="ping"} 1.0' in body
    # Interaction callbacks went to the double's REST API; the gateway upgrade is not REST.
    assert 'study_circle_discord_rest_responses_total{method="POST",status="200"}' in body
    assert 'status="101"' not in body
    assert "_created" not in body
    assert 'study_circle_guilds{shard="0"} 1.0' in body
    assert 'study_circle_shard_connected{shard="0"} 1.0' in body
    assert 'study_circle_gateway_latency_seconds{shard="0"}' in body


def test_readiness_names_every_reason() -> None:
    healthy = [ShardState(0, True, 0.05), ShardState(1, True, 0.07)]
    ok = readiness(
        database_problem=None, gateway_ready=True, shards=healthy, oldest_due=None, now=NOW
    )
    assert ok.ready
    bad = readiness(
        database_problem="database does not answer (TimeoutError)",
        gateway_ready=True,
        shards=[ShardState(0, True, 0.05), ShardState(1, False, float("inf"))],
        oldest_due=NOW - timedelta(minutes=10),
        now=NOW,
    )
    assert not bad.ready
    assert bad.text() == (
        "not ready: database does not answer (TimeoutError); shards not connected: [1]; "
        "timers 600s behind"
    )
    starting = readiness(
        database_problem=None, gateway_ready=False, shards=[], oldest_due=None, now=NOW
    )
    assert not starting.ready
    assert "gateway not connected yet" in starting.text()


async def test_no_web_server_without_a_port(bot_runner: BotRunner, server: Server) -> None:
    async with bot_runner() as bot:
        assert bot.web is None
