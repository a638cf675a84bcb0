"""Discord's OpenAPI description ships inside the package, so an installed copy finds it.

The package is installed (not editable) into a scratch folder from a copy of the sources, with
the build tools already installed by the ``test`` extra (no network, a few seconds), and a fresh
interpreter run elsewhere imports it from there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "bot", "cogs", "discord_double")

PROBE = textwrap.dedent(
    """
    import json
    import discord_double.validation as validation

    path = validation.default_spec_path()
    validator = validation.SpecValidator.from_file()
    print(json.dumps({
        "module": validation.__file__,
        "spec": str(path),
        "documented": validator.find_operation("POST", "/channels/1/messages") is not None,
    }))
    """
)


@pytest.mark.packaging
def test_an_installed_copy_finds_its_bundled_spec(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    site = tmp_path / "site"
    install = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"),
            *("--no-build-isolation", "--no-index", "--target", str(site), str(source)),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    installed_spec = site / "discord_double" / "spec" / "openapi.json"
    assert installed_spec.is_file()
    assert (site / "discord_double" / "spec" / "LICENSE").is_file()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_API_SPEC", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    report = json.loads(probe.stdout)
    assert Path(report["module"]).is_relative_to(site)  # the installed copy, not the checkout
    assert Path(report["spec"]) == installed_spec.resolve()
    assert report["documented"]
