from __future__ import annotations

import io

import pytest

from discord_double import CommandError
from discord_double.sandbox import parse_command_line, run_sandbox
from discord_double.testing import bot_starter

from .example_bot import ExampleBot

COMMANDS = [
    {"name": "kronstadt", "type": 1, "options": [{"name": "point", "type": 4}]},
    {
        "name": "config",
        "type": 1,
        "options": [
            {"name": "timezone", "type": 1, "options": [{"name": "zone", "type": 3}]},
            {"name": "show", "type": 1, "options": []},
        ],
    },
    {"name": "add", "type": 1, "options": [{"name": "what", "type": 3}]},
]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/kronstadt point:3", (["kronstadt"], {"point": "3"})),
        (
            "/config timezone zone:Europe/London",
            (["config", "timezone"], {"zone": "Europe/London"}),
        ),
        ('/add what:"read chapter 2"', (["add"], {"what": "read chapter 2"})),
        ("/add what:read chapter 2", (["add"], {"what": "read chapter 2"})),
        ("/add what:'single quoted' ", (["add"], {"what": "single quoted"})),
        ("/config show", (["config", "show"], {})),
    ],
)
def test_parse_command_line(line: str, expected: tuple[list[str], dict[str, str]]) -> None:
    assert parse_command_line(line, COMMANDS) == expected


def test_parse_without_commands_takes_leading_words_as_path() -> None:
    assert parse_command_line("/config timezone zone:UTC") == (
        ["config", "timezone"],
        {"zone": "UTC"},
    )
    with pytest.raises(CommandError):
        parse_command_line("   ")


async def test_run_sandbox_non_interactive() -> None:
    out = io.StringIO()
    status = await run_sandbox(
        bot_starter(lambda: ExampleBot(shard_count=1)),
        [
            "/ping",
            "/config timezone zone:Europe/London",
            "as:member /config timezone zone:Europe/London",
            "/whois member:@member role:@everyone channel:#readings",
            "/vote",
            "click Yes",
            "/secret",
        ],
        out=out,
        validate=True,
    )
    text = out.getvalue()
    assert status == 0, text
    assert "> /ping\npong" in text
    assert "Time zone set to Europe/London in Study Circle Demo" in text
    assert "(only you can see this)\nYou need Manage Server." in text
    assert "member / @everyone / readings / 1" in text
    assert "Votes: 1\n[Yes (success, disabled)]" in text


async def test_run_sandbox_reports_failures() -> None:
    out = io.StringIO()
    status = await run_sandbox(
        bot_starter(lambda: ExampleBot(shard_count=1)), ["/nope", "/long", "/ping"], out=out
    )
    text = out.getvalue()
    assert status == 1
    assert "error: unknown command /nope" in text
    assert "exceeds a bot's limit of 2000" in text
    assert "pong" in text
