"""What a person types into the sandbox: options with spaces and colons, durations, moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from discord_double import CommandError
from discord_double.sandbox import parse_command_line, parse_duration, parse_wait

STRING, INTEGER, USER = 3, 4, 6
COMMANDS = [
    {"name": "kronstadt", "type": 1, "options": [{"name": "point", "type": INTEGER}]},
    {
        "name": "config",
        "type": 1,
        "options": [
            {"name": "timezone", "type": 1, "options": [{"name": "zone", "type": STRING}]},
            {"name": "show", "type": 1, "options": []},
        ],
    },
    {"name": "add", "type": 1, "options": [{"name": "what", "type": STRING}]},
    {
        "name": "remind",
        "type": 1,
        "options": [
            {
                "name": "me",
                "type": 1,
                "options": [{"name": "when", "type": STRING}, {"name": "what", "type": STRING}],
            }
        ],
    },
    {"name": "ping", "type": 1},
]
LONDON = ZoneInfo("Europe/London")
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # GMT: London time is UTC


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
        ('/add what:"quoted" and more', (["add"], {"what": "quoted and more"})),
        ("/config show", (["config", "show"], {})),
        ("config show", (["config", "show"], {})),
        # A value runs until the next option of this very command: colons and spaces are fine.
        (
            "/remind me when:friday 18:00 what:Read ch. 2",
            (["remind", "me"], {"when": "friday 18:00", "what": "Read ch. 2"}),
        ),
        (
            "/remind me what:Note: see https://example.org/a?b=c when:in 2h",
            (["remind", "me"], {"what": "Note: see https://example.org/a?b=c", "when": "in 2h"}),
        ),
        # Quotes keep a value whole even when it contains an option's name.
        (
            '/remind me what:"ask what: next" when:friday 18:00',
            (["remind", "me"], {"what": "ask what: next", "when": "friday 18:00"}),
        ),
    ],
)
def test_parse_command_line(line: str, expected: tuple[list[str], dict[str, str]]) -> None:
    assert parse_command_line(line, COMMANDS) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "/remind me what:ask what: next when:friday",
            'put the whole value in quotes: what:"ask what: next"',
        ),
        ("/remind me when:friday wat:read", "has no option wat: (did you mean what:?)"),
        (
            "/remind me foo:1 when:friday",
            "/remind me has no option foo:; its options: when:, what:",
        ),
        ("/kronstadt point:3 extra:4", "/kronstadt has no option extra:; its options: point:"),
        ("/kronstadt 3", "options look like name:value (/kronstadt has point:)"),
        ("/ping now", "/ping takes no options"),
        ('/add what:"never closed', 'what: has an opening " but no closing one'),
        ("/nope", "unknown command /nope"),
        ("/config", "needs a subcommand"),
        ("   ", "no command"),
    ],
)
def test_mistakes_are_named_with_the_fix(line: str, message: str) -> None:
    with pytest.raises(CommandError) as raised:
        parse_command_line(line, COMMANDS)
    assert message in str(raised.value)


def test_parse_without_commands_takes_leading_words_as_path() -> None:
    assert parse_command_line("/config timezone zone:UTC") == (
        ["config", "timezone"],
        {"zone": "UTC"},
    )
    with pytest.raises(CommandError):
        parse_command_line("   ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2d", timedelta(days=2)),
        ("30m", timedelta(minutes=30)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("1w", timedelta(weeks=1)),
        ("90s", timedelta(seconds=90)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2d", datetime(2026, 3, 4, 9, 0, tzinfo=UTC)),
        ("until 19:00", datetime(2026, 3, 2, 19, 0, tzinfo=UTC)),
        ("until 08:00", datetime(2026, 3, 3, 8, 0, tzinfo=UTC)),  # already past today
        ("until thursday 18:00", datetime(2026, 3, 5, 18, 0, tzinfo=UTC)),
        ("until thu 18:00", datetime(2026, 3, 5, 18, 0, tzinfo=UTC)),
        ("until monday 09:00", datetime(2026, 3, 9, 9, 0, tzinfo=UTC)),  # now is not "until"
        ("until 2026-04-01 12:00", datetime(2026, 4, 1, 11, 0, tzinfo=UTC)),  # BST
        ("until 2026-03-05", datetime(2026, 3, 5, 0, 0, tzinfo=UTC)),
    ],
)
def test_wait_targets(text: str, expected: datetime) -> None:
    assert parse_wait(text, MONDAY_9, LONDON) == expected


@pytest.mark.parametrize("text", ["", "soon", "2 days", "until friends", "until 25:00", "1x"])
def test_bad_waits_say_what_works(text: str) -> None:
    with pytest.raises(CommandError) as raised:
        parse_wait(text, MONDAY_9, LONDON)
    assert "wait" in str(raised.value)
