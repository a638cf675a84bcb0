"""The real `python -m bot` process: runs against the double, is healthy, stops on SIGTERM;
and the sandbox answers commands non-interactively, or says in one line what it is missing."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from discord_double import DiscordDouble
from tests.conftest import database_url
from tests.e2e.fixtures import reset_database


async def _run(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def _log_line(process: asyncio.subprocess.Process, marker: str, seen: list[str]) -> None:
    """Read the process's log (stderr) until a line contains ``marker``."""
    assert process.stderr is not None
    while line := await process.stderr.readline():
        seen.append(line.decode())
        if marker in seen[-1]:
            return
    raise AssertionError("the bot exited early:\n" + "".join(seen))


async def test_bot_process_is_healthy_and_stops_cleanly_on_sigterm(
    double: DiscordDouble, tmp_path: Path
) -> None:
    double.add_guild("Process Test")
    url = database_url(tmp_path)
    await reset_database(url)
    heartbeat = tmp_path / "heartbeat.json"
    env = {
        **os.environ,
        "DISCORD_TOKEN": "process-token",
        "DATABASE_URL": url,
        "DISCORD_API_BASE": double.api_base,
        "DISCORD_GATEWAY_URL": double.gateway_url,
        "HEALTH_FILE": str(heartbeat),
        "LOG_LEVEL": "INFO",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )
    seen: list[str] = []
    try:
        async with asyncio.timeout(30):
            # on_ready logs this line, then writes the heartbeat file in the same step.
            await _log_line(process, "ready as", seen)
        await double.wait_until_ready()  # and it is this double the bot connected to
        status, out, _ = await _run("health", env=env)
        assert status == 0, out
        assert out.startswith("healthy")
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
    log = "".join(seen) + err.decode()
    assert "received SIGTERM" in log
    assert "Traceback" not in log


async def test_health_fails_without_a_heartbeat(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(tmp_path),
        "HEALTH_FILE": str(tmp_path / "never-written.json"),
    }
    status, out, _ = await _run("health", env=env)
    assert status == 1
    assert "unhealthy" in out


async def test_sandbox_runs_commands_and_exits(tmp_path: Path) -> None:
    env = {**os.environ, "HEALTH_FILE": str(tmp_path / "hb.json")}
    env.pop("DATABASE_URL", None)  # the sandbox uses its own throw-away SQLite database
    status, out, err = await _run(
        "sandbox", "--run", "/ping", "--run", "/help", "--run", "/kronstadt point:3", env=env
    )
    assert status == 0, out + err
    assert "Pong!" in out
    assert "/kronstadt" in out
    assert "Freedom of assembly" in out or "assembly" in out.casefold()
    failing, out, _ = await _run("sandbox", "--run", "/no-such-command", env=env)
    assert failing == 1


async def test_content_check_names_the_broken_file_and_field(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    for source in (PROJECT_ROOT / "content").glob("*.yaml"):
        (pack / source.name).write_text(source.read_text())
    readings = pack / "readings.yaml"
    readings.write_text(readings.read_text().replace("year: 1970", "year: nineteen-seventy", 1))
    status, out, err = await _run("content", "check", str(pack), env=dict(os.environ))
    assert status != 0
    report = out + err
    assert "readings.yaml" in report
    assert "year" in report
    good, out, _ = await _run("content", "check", env=dict(os.environ))
    assert good == 0, out


async def test_interactive_sandbox_pages_by_clicking(tmp_path: Path) -> None:
    env = {**os.environ, "HEALTH_FILE": str(tmp_path / "hb.json")}
    env.pop("DATABASE_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sandbox",
        cwd=PROJECT_ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    typed = b"/kronstadt\nclick next\nquit\n"
    out, _ = await asyncio.wait_for(process.communicate(typed), timeout=60)
    assert process.returncode == 0
    text = out.decode()
    assert "1 / 5" in text
    assert "2 / 5" in text  # "next" found the "Next ▶" button


# Runs ``python -m bot sandbox`` with one top-level package made unimportable, as if the
# 'sandbox' extra (or the double itself) were not installed.
WITHOUT_PACKAGE = textwrap.dedent(
    """
    import runpy
    import sys

    uninstalled = sys.argv[1]

    class Uninstalled:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] == uninstalled:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Uninstalled())
    sys.argv = ["python -m bot", "sandbox", "--run", "/ping"]
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
    """
)


@pytest.mark.parametrize("package", ["jsonschema", "discord_double"])
async def test_sandbox_without_its_extra_says_how_to_install_it(
    package: str, tmp_path: Path
) -> None:
    env = {**os.environ, "HEALTH_FILE": str(tmp_path / "hb.json")}
    env.pop("LOG_LEVEL", None)
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-c", WITHOUT_PACKAGE, package),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2, err.decode()
    assert out == b""
    [line] = err.decode().splitlines()  # one line, no traceback
    assert package in line
    assert "pip install -e '.[sandbox]'" in line
    assert "pip install 'study-circle[sandbox]'" in line


async def test_sandbox_with_a_missing_spec_says_so_in_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HEALTH_FILE": str(tmp_path / "hb.json"),
        "DISCORD_API_SPEC": str(tmp_path / "nowhere.json"),
    }
    env.pop("DATABASE_URL", None)
    env.pop("LOG_LEVEL", None)
    status, out, err = await _run("sandbox", "--run", "/ping", env=env)
    assert status == 2, out + err
    [line] = err.splitlines()
    assert "nowhere.json" in line
    assert "DISCORD_API_SPEC" in line
