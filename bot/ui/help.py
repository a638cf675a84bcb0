"""Help text generated from the command tree: each command's docstring and example."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from discord import app_commands

Command = app_commands.Command[Any, ..., Any]
TreeEntry = Command | app_commands.Group | app_commands.ContextMenu


def walk_commands(commands: Iterable[TreeEntry]) -> list[Command]:
    """Every slash command (subcommands of groups included), sorted by qualified name.

    Context-menu commands have no slash usage and are left out.
    """
    leaves: list[Command] = []
    for command in commands:
        if isinstance(command, app_commands.Group):
            leaves.extend(walk_commands(command.commands))
        elif isinstance(command, app_commands.Command):
            leaves.append(command)
    return sorted(leaves, key=lambda c: c.qualified_name)


def usage(command: app_commands.Command) -> str:
    parts = [f"/{command.qualified_name}"]
    for param in command.parameters:
        parts.append(f"<{param.display_name}>" if param.required else f"[{param.display_name}]")
    return " ".join(parts)


def example(command: app_commands.Command) -> str:
    return command.extras.get("example") or f"/{command.qualified_name}"


def command_detail(command: app_commands.Command) -> str:
    lines = [f"**{usage(command)}**", command.description]
    for param in command.parameters:
        lines.append(f"• `{param.display_name}`: {param.description}")
    if command.extras.get("organiser"):
        lines.append("Organisers only (Manage Server or the organiser role).")
    lines.append(f"Example: `{example(command)}`")
    return "\n".join(lines)


def overview_by_group(commands: Iterable[TreeEntry]) -> dict[str, list[str]]:
    """Lines per top-level command or group, for the overview embed."""
    groups: dict[str, list[str]] = {}
    for command in walk_commands(commands):
        top = command.qualified_name.split(" ", 1)[0]
        groups.setdefault(top, []).append(f"`{usage(command)}`")
    return groups
