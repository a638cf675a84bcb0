"""``python -m bot sandbox`` with the real bot: a whole week of a reading group, run in-process
through the sandbox's entry function (and once as a real process).

The week is ``docs/walkthrough.txt``, the very lines ``docs/try-it.md`` shows, so the docs
cannot drift from what the sandbox does. With ``DATABASE_URL`` set (CI's PostgreSQL pass) the
runs use that database, as ``--database-url`` would.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import sys
from pathlib import Path

import pytest

from bot import sandbox
from bot.settings import Settings
from tests.conftest import database_url
from tests.e2e.fixtures import reset_database

ROOT = Path(__file__).resolve().parents[2]
WALKTHROUGH = ROOT / "docs" / "walkthrough.txt"
TRY_IT = ROOT / "docs" / "try-it.md"
START = "2026-03-02T09:00"  # a Monday; Europe/London is on GMT until 29 March
ZONE = "Europe/London"
RAW_MARKUP = re.compile(r"<(t:-?\d|#\d|@!?\d|@&\d|a?:\w+:\d)")

pytestmark = pytest.mark.e2e


def walkthrough_lines() -> list[str]:
    return sandbox.script_lines(WALKTHROUGH)


async def run(
    lines: list[str], tmp_path: Path, *, url: str | None = None, start: str = START
) -> tuple[int, str]:
    """The sandbox's entry function, as ``python -m bot sandbox --run … --run …`` calls it."""
    out = io.StringIO()
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    status = await sandbox.main(
        settings, lines, url, start=start, zone=ZONE, files_dir=tmp_path / "files", out=out
    )
    return status, out.getvalue()


def section(text: str, line: str) -> str:
    """What the sandbox printed for ``line`` (up to the next line it ran)."""
    return text.split(f"\n> {line}\n", 1)[1].split("\n> ", 1)[0].strip()


def in_order(text: str, *parts: str) -> bool:
    positions = [text.find(part) for part in parts]
    return -1 not in positions and positions == sorted(positions)


async def test_a_whole_week_in_ten_lines(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    await reset_database(url)
    lines = walkthrough_lines()
    assert len(lines) == 10
    status, text = await run(lines, tmp_path, url=url)
    assert status == 0, text
    assert not RAW_MARKUP.search(text), RAW_MARKUP.findall(text)
    schedule, poll, vote, evening, rsvp, remind, two_days, restart, again, thursday = (
        section(text, line) for line in lines
    )
    assert schedule.startswith("[1] reply:")
    assert "Next session: Thursday, 5 March 2026 19:00 (in 3 days)." in schedule
    assert "📅 event created: Reading group: The Soviet of Workers'" in schedule
    assert "Thu 5 Mar 2026 19:00–20:30" in schedule
    assert poll.startswith("[2] reply:")
    assert "[Mutual Aid] [The Conquest of Bread]" in poll
    assert vote == (
        "[3] reply (only you can see this): Your vote in poll #1: **Mutual Aid**. "
        "Change it any time until the poll closes."
    )
    # The announcement appears while waiting, three days before the session, with buttons.
    assert in_order(
        evening,
        "⏩ Mon 2 Mar 2026 09:00 → Mon 2 Mar 2026 19:00 Europe/London",
        "🕒 Mon 2 Mar 2026 19:00",
        "[4] #sessions ▸ Study Circle:",
        "Reading group session: Thursday 5 March 2026",
        "[Going (0) (success)] [Maybe (0)] [Can't (0) (danger)]",
    )
    # Carol answers on that earlier message; the card updates, the answer is hers alone.
    assert rsvp.startswith("[4] ✎ updated:")
    assert "✅ Going: 1 · 🤔 Maybe: 0" in rsvp
    assert "[5] follow-up (only you can see this): ✅ You answered **Going**" in rsvp
    # "when:wednesday 18:00 what:Read ch. 2 before Thursday" needed no quotes.
    assert "set for Wednesday, 4 March 2026 18:00 (in 2 days)" in remind
    assert "> Read ch. 2 before Thursday" in remind
    # Two days pass: the poll closes with its chart; Carol's reminder and the 24h reminder.
    chart = tmp_path / "files" / "7-poll-1.png"
    assert in_order(
        two_days,
        "🕒 Wed 4 Mar 2026 09:00",
        "✎ edited message 2 in #general:",
        "**Poll #1 — closed**",
        "[7] #general ▸ Study Circle:",
        "📊 Poll #1 has closed. **Mutual Aid** wins with 1 of 1 ballot.",
        "(↪ message 2)",
        f"📎 saved {chart}",
        "🕒 Wed 4 Mar 2026 18:00",
        "[8] DM to carol ▸ Study Circle:",
        "⏰ Reminder from **Study Circle Demo**: Read ch. 2",
        "[Snooze: 10 minutes] [Snooze: 1 hour] [Snooze: tomorrow] [Done (success)]",
        "🕒 Wed 4 Mar 2026 19:00",
        "[9] DM to carol ▸ Study Circle:",
        "meets Thursday, 5 March 2026 19:00 (in a day)",
    )
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert "🔄 the bot is back" in restart
    # A button posted before the restart still works afterwards.
    assert again.startswith("[4] ✎ updated:")
    assert "✅ Going: 1 · 🤔 Maybe: 1" in again
    assert "You answered **Maybe**" in again
    # Thursday: the hour-before reminders, then the session opens its thread and starts.
    assert in_order(
        thursday,
        "🕒 Thu 5 Mar 2026 18:00",
        "DM to member ▸ Study Circle:",
        "DM to carol ▸ Study Circle:",
        "🕒 Thu 5 Mar 2026 19:00",
        '🧵 thread "Session Thursday 5 March 2026" opened in #sessions',
        "🧵 Session Thursday 5 March 2026 ▸ Study Circle:",
        "Discussion: Thursday 5 March 2026",
        "✎ edited message 4 in #sessions:",
        "#Session Thursday 5 March 2026",
        "📅 event Reading group: The Soviet of Workers', Soldiers' and Peasants' Deputies: started",
    )


def test_the_docs_show_the_walkthrough_that_is_tested() -> None:
    blocks = re.findall(r"```text\n(.*?)```", TRY_IT.read_text(encoding="utf-8"), re.DOTALL)
    assert walkthrough_lines() in [block.splitlines() for block in blocks]
    assert "--script docs/walkthrough.txt" in TRY_IT.read_text(encoding="utf-8")


async def test_the_same_server_across_runs_on_one_database(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    await reset_database(url)
    first = [
        "/prompt add text:Is mutual aid a factor of evolution, or a choice?",
        "/session schedule weekday:thursday time:19:00 timezone:Europe/London channel:#sessions",
        "as carol /reading done reading:Pirani",
    ]
    status, text = await run(first, tmp_path, url=url)
    assert status == 0, text
    second = ["/prompt list", "/session list count:2", "as carol /reading done reading:Pirani"]
    status, text = await run(second, tmp_path, url=url, start="2026-03-03T09:00")
    assert status == 0, text
    assert "#1** Is mutual aid a factor of evolution, or a choice?" in section(text, second[0])
    listed = section(text, second[1])
    assert "Thursdays at 19:00 (Europe/London)" in listed
    assert "**Thu 5 Mar** · Thursday, 5 March 2026 19:00 (in 2 days)" in listed
    assert "already" in section(text, second[2]).lower()  # carol's progress was kept


async def test_option_values_and_mistakes_with_the_real_bot(tmp_path: Path) -> None:
    lines = [
        "/remind me when:friday 18:00 what:Read ch. 2",
        '/remind me what:"ask what: comes next" when:friday 19:00',
        "/remind me what:ask what: comes next when:friday 19:00",
        "/remind me when:friday wat:Read",
        "/session list count:lots",
        "/sesion list",
        "as bob /ping",
        "click Going on 42",
        "click Going on 1",
        "wait soon",
        "/wait 30m",
        "now",
        "/poll time slots:thu 19:00; fri 18:30 duration:1d",
        'as carol select "Thu 5 Mar" "Fri" on message 3',
        "/ping",
    ]
    status, text = await run(lines, tmp_path, url=None)
    assert status == 1
    first = section(text, lines[0])
    assert "set for Friday, 6 March 2026 18:00 (in 4 days)" in first
    assert "> Read ch. 2" in first
    assert "> ask what: comes next" in section(text, lines[1])
    errors = {
        lines[2]: "error: what: is given twice; if the second 'what:' is part of the text, "
        'put the whole value in quotes: what:"ask what: comes next"',
        lines[3]: "error: /remind me has no option wat: (did you mean what:?)",
        lines[4]: "error: count: 'lots' is not a whole number",
        lines[5]: "error: unknown command /sesion (did you mean /session?",
        lines[6]: "error: no member named 'bob' (members: organiser, member, carol, dave)",
        lines[7]: "error: there is no message 42 (numbers so far: 1 to 2)",
        lines[8]: "error: there is nothing to click on message 1",
        lines[9]: "error: wait soon: not a duration; try wait 2d",
    }
    for line, error in errors.items():
        printed = section(text, line)
        assert printed.startswith(error), (line, printed)
        assert "\n" not in printed, (line, printed)
    assert section(text, "/wait 30m").startswith(
        "⏩ Mon 2 Mar 2026 09:00 → Mon 2 Mar 2026 09:30 Europe/London"
    )
    assert section(text, "now") == "🕒 Mon 2 Mar 2026 09:30 Europe/London (sandbox clock)"
    assert section(text, lines[-2]) == (
        "[4] reply (only you can see this): Your vote in poll #1: **Thu 05 Mar 19:00 UTC**, "
        "**Fri 06 Mar 18:30 UTC**. Change it any time until the poll closes."
    )
    assert "Pong!" in section(text, "/ping")
    assert "Traceback" not in text


async def test_the_command_line_runs_the_walkthrough(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LOG_LEVEL")}
    env["DATA_DIR"] = str(tmp_path)
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "sandbox", "--script", str(WALKTHROUGH)),
        *("--start", START, "--zone", ZONE, "--files", str(tmp_path / "files")),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    text = out.decode()
    assert process.returncode == 0, text + err.decode()
    assert "Time: Mon 2 Mar 2026 09:00, shown in Europe/London" in text
    for line in walkthrough_lines():
        assert f"\n> {line}\n" in text
    assert '🧵 thread "Session Thursday 5 March 2026" opened in #sessions' in text
    assert (tmp_path / "files" / "7-poll-1.png").is_file()
    assert "Traceback" not in text + err.decode()
