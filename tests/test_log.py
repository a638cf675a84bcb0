"""Logs carry what the bot is working on: the server, shard, interaction and command."""

from __future__ import annotations

import asyncio
import io
import json
import logging

import pytest

from bot.log import log_context, setup_logging
from discord_double import DiscordDouble
from tests.e2e.fixtures import Server


def test_text_lines_end_with_the_context(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("INFO", "text")
    with log_context(guild_id=7, timer_id=3, command=None):
        logging.getLogger("study").warning("timer late")
    logging.getLogger("study").warning("no context")
    first, second = capsys.readouterr().err.strip().splitlines()
    assert first.endswith("study: timer late [guild_id=7 timer_id=3]")
    assert second.endswith("study: no context")


def test_json_lines_carry_the_context_and_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("INFO", "json")
    with log_context(guild_id=7, shard_id=0):
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("study").exception("failed")
    record = json.loads(capsys.readouterr().err)
    assert record["level"] == "ERROR"
    assert record["message"] == "failed"
    assert (record["guild_id"], record["shard_id"]) == (7, 0)
    assert "ValueError: boom" in record["exc_info"]
    assert "context" not in record


async def test_an_interaction_logs_with_its_ids(
    bot: object, double: DiscordDouble, server: Server
) -> None:
    setup_logging("DEBUG", "json")
    logging.getLogger("discord").setLevel(logging.WARNING)
    handler = logging.getLogger().handlers[0]
    lines = io.StringIO()
    handler.setStream(lines)
    finished = asyncio.Event()

    def notice_the_finish(record: logging.LogRecord) -> bool:
        if record.name == "bot.ui.observe":
            finished.set()
        return True

    handler.addFilter(notice_the_finish)
    await double.slash(server.guild, server.member, "ping")
    # The completion is logged just after the reply is sent.
    await asyncio.wait_for(finished.wait(), timeout=5)
    records = [json.loads(line) for line in lines.getvalue().splitlines()]
    done = [r for r in records if r["logger"] == "bot.ui.observe"]
    assert len(done) == 1
    assert done[0]["guild_id"] == server.guild.id
    assert done[0]["command"] == "ping"
    assert done[0]["shard_id"] == 0
    assert isinstance(done[0]["interaction_id"], int)
