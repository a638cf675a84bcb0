"""A fresh clone with nothing beside it (no folder the tests could lean on) collects the whole
suite and runs an end-to-end test, which needs Discord's API description from the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists(),
    reason="needs git and a git checkout",
)


def test_a_fresh_clone_collects_and_runs_its_tests(tmp_path: Path) -> None:
    alone = tmp_path / "alone"  # a parent with nothing else in it
    alone.mkdir()
    clone = alone / "study-circle"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-local", str(PROJECT_ROOT), str(clone)],
        check=True,
        timeout=120,
    )
    assert [p.name for p in alone.iterdir()] == ["study-circle"]
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_API_SPEC", "DATABASE_URL"}}
    common = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"]
    collected = subprocess.run(
        [*common, "--collect-only"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    assert "error" not in collected.stdout.lower().split("collected", 1)[-1]
    ran = subprocess.run(
        [*common, "tests/e2e/test_foundation.py::test_login_and_command_sync_validate"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
