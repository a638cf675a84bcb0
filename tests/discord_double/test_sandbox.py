"""The sandbox with a small example bot: replies, the bot's own activity, clicks on any
numbered message, markup, mistakes, restarts and the demo server's stable ids."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from discord_double import DiscordDouble
from discord_double.sandbox import StableSnowflakes, build_demo_server, run_sandbox
from discord_double.testing import bot_starter

from .example_bot import ExampleBot

LONDON = ZoneInfo("Europe/London")


def demo_ids() -> dict[str, int]:
    """The ids a sandbox's demo server gets (the same in every run)."""
    demo = build_demo_server(DiscordDouble(validate=False, snowflakes=StableSnowflakes()))
    ids = {f"#{c.name}": c.id for c in demo.guild.channels.values()}
    ids |= {f"@{m.user.name}": m.user.id for m in demo.guild.members.values()}
    ids |= {f"&{r.name}": r.id for r in demo.guild.roles.values()}
    return ids | {"guild": demo.guild.id}


async def sandbox(lines: list[str], tmp_path: Path) -> tuple[int, str]:
    out = io.StringIO()
    status = await run_sandbox(
        bot_starter(lambda: ExampleBot(shard_count=1)),
        lines,
        out=out,
        zone=LONDON,
        files_dir=tmp_path / "files",
    )
    return status, out.getvalue()


def section(text: str, line: str) -> str:
    """What the sandbox printed for ``line`` (up to the next line it ran)."""
    return text.split(f"\n> {line}\n", 1)[1].split("\n> ", 1)[0].strip()


async def test_replies_are_numbered_and_members_take_turns(tmp_path: Path) -> None:
    status, text = await sandbox(
        [
            "/ping",
            "/config timezone zone:Europe/London",
            "as:member /config timezone zone:Europe/London",
            "as carol /config timezone zone:Europe/London",
            "/whois member:@member role:@everyone channel:#readings",
            "/whois member:carol role:@Readers channel:#sessions times:2",
            "members",
            "help",
        ],
        tmp_path,
    )
    assert status == 0, text
    shown = section(text, "help")
    for sandbox_line in ("as carol /command", "click <label> [on <n>]", "wait 2d | 30m | 1h30m"):
        assert sandbox_line in shown
    assert "restart" in shown
    assert "Times are shown in Europe/London." in shown
    assert "  /ping — Check the bot is alive" in shown
    assert "  /config timezone zone:… — Set the server time zone" in shown
    assert "Members: organiser, member, carol, dave" in text
    assert "shown in Europe/London" in text
    assert section(text, "/ping") == "[1] reply: pong"
    assert "[2] reply: Time zone set to Europe/London" in text
    for line in ("as:member /config", "as carol /config"):
        reply = section(text, line + " timezone zone:Europe/London")
        assert "(only you can see this): You need Manage Server." in reply
    assert "member / @everyone / readings / 1" in text
    assert "carol / Readers / sessions / 2" in text
    assert "organiser: @Organisers (Manage Server)" in section(text, "members")
    assert "dave: no roles" in section(text, "members")


async def test_clicks_and_selects_reach_any_numbered_message(tmp_path: Path) -> None:
    status, text = await sandbox(
        [
            "/vote",
            "/ping",
            "as carol select Chapter 2 on message 1",
            "click Yes on 1",
            "/feedback",
            "submit comment:good book: really",
            "click Yes on 1",
        ],
        tmp_path,
    )
    assert status == 1, text  # the second click on a disabled button
    assert "[3] reply (only you can see this): You picked chapter 2" in text
    clicked = section(text, "click Yes on 1")
    assert clicked.startswith("[1] ✎ updated:")
    assert "Votes: 1" in clicked
    assert "[Yes (success, disabled)]" in clicked
    assert "(form) Feedback" in text
    assert "(send it with: submit comment:…)" in text
    assert "Thanks: good book: really" in text
    assert text.rstrip().endswith("error: the button 'Yes' on message 1 is disabled")


async def test_what_the_bot_does_by_itself_is_shown_in_order(tmp_path: Path) -> None:
    ids = demo_ids()
    stamp = int(datetime(2026, 6, 4, 18, 0, tzinfo=UTC).timestamp())
    post = f"/post text:Meet <t:{stamp}:F> in <#{ids['#sessions']}> with <@{ids['@carol']}>"
    status, text = await sandbox(["/extras", "as carol /dm", "/slow", post], tmp_path)
    assert status == 0, text
    extras = section(text, "/extras")
    assert "[1] reply: event Session 1; poll closed True" in extras
    assert "[2] #general ▸ Study Circle:\n    Discussion\n    [poll] Next reading?" in extras
    order = [
        '🧵 thread "Chapter 1" opened in #general',
        '🧵 thread "Organisers" opened in #general',
        "📅 event created: Session",
        '📅 event Session 1: renamed from "Session"',
    ]
    assert [extras.index(line) for line in order] == sorted(extras.index(line) for line in order)
    assert "[4] DM to carol ▸ Study Circle: hello in private" in section(text, "as carol /dm")
    slow = section(text, "/slow")
    saved = tmp_path / "files" / "5-notes.txt"
    assert f"📎 saved {saved}" in slow
    assert saved.read_text().startswith('"""A small discord.py bot')
    posted = section(text, post)
    assert "#general ▸ Study Circle: Meet Thursday, 4 June 2026 19:00 in #sessions with @carol" in (
        posted
    )
    assert not re.search(r"<(t:|#|@)", posted)


async def test_mistakes_get_one_line_and_the_session_goes_on(tmp_path: Path) -> None:
    lines = [
        "/nope",
        "clik Yes",
        "/whois member:@carol role:@Readers channel:#sessions tiems:2",
        "/whois member:@carol role:@Readers channel:#sessions times:lots",
        "/whois member:@bob role:@Readers channel:#sessions",
        "as bob /ping",
        "click Yes on 42",
        "click Yes",
        "/ping",
        "click Yes on 1",
        "select Chapter 9 on 1",
        "wait 2d",
        "/long",
        "/ping",
    ]
    status, text = await sandbox(lines, tmp_path)
    assert status == 1
    expected = {
        "/nope": "error: unknown command /nope (type help for the list)",
        "clik Yes": "error: unknown command clik (did you mean click? type help for the list)",
        lines[2]: "error: /whois has no option tiems: (did you mean times:?)",
        lines[3]: "error: times: 'lots' is not a whole number",
        lines[4]: "error: no member named 'bob' (members: organiser, member, carol, dave)",
        "as bob /ping": "error: no member named 'bob'",
        "click Yes on 42": "error: there is no message 42 (numbers so far: none yet)",
        "click Yes": "error: there is no reply yet to click on",
        "click Yes on 1": "error: there is nothing to click on message 1",
        "select Chapter 9 on 1": "error: there is no select menu on message 1",
        "wait 2d": "error: this bot runs on the real clock, so wait cannot move it",
    }
    for line, error in expected.items():
        printed = section(text, line).strip()
        assert printed.startswith(error), (line, printed)
        assert "\n" not in printed, (line, printed)
    long = section(text, "/long")
    assert "exceeds a bot's limit of 2000" in long
    assert "bot error: Ignoring exception in command 'long'" in long
    assert text.rstrip().endswith("reply: pong")  # the last /ping still ran
    assert "Traceback" not in text


async def test_restart_keeps_the_server_and_its_messages(tmp_path: Path) -> None:
    status, text = await sandbox(["/vote", "restart", "/ping", "as carol click Yes on 1"], tmp_path)
    assert "🔄 the bot is back" in section(text, "restart")
    assert "[2] reply: pong" in section(text, "/ping")
    # The example bot's view is not persistent: after a restart nobody answers the click.
    assert section(text, "as carol click Yes on 1").startswith("failed: the bot did not answer")
    assert status == 1


def test_the_demo_server_has_the_same_ids_every_time() -> None:
    first, second = demo_ids(), demo_ids()
    assert first == second
    assert {"#general", "#sessions", "#readings", "@organiser", "@carol", "&Readers"} <= set(first)
    made = datetime.fromtimestamp(((first["guild"] >> 22) + 1420070400000) / 1000, UTC)
    assert made.year == 2025  # a fixed moment, not the clock
