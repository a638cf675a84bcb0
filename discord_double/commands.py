"""Slash commands as a member types them: finding the synced command and building its data.

``build_command_data`` turns ``("config", "timezone"), {"zone": "Europe/London"}`` into the
``data`` of an APPLICATION_COMMAND (or AUTOCOMPLETE) interaction, using the synced command's
option types and resolving users, roles, channels and attachments like Discord does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .messages import UploadedFile
from .state import FakeChannel, FakeGuild, FakeRole, FakeUser, World

__all__ = [
    "CommandError",
    "FakeAttachment",
    "OptionType",
    "build_command_data",
    "find_command",
]


class CommandError(ValueError):
    """The test asked for a command or option the bot did not sync, or gave a bad value."""


class OptionType:
    SUB_COMMAND = 1
    SUB_COMMAND_GROUP = 2
    STRING = 3
    INTEGER = 4
    BOOLEAN = 5
    USER = 6
    CHANNEL = 7
    ROLE = 8
    MENTIONABLE = 9
    NUMBER = 10
    ATTACHMENT = 11


@dataclass(frozen=True)
class FakeAttachment:
    """A file a member attaches to an ``attachment`` option."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


def find_command(
    commands: Sequence[dict[str, Any]], path: Sequence[str]
) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
    """The synced command for ``path`` plus the subcommand words and the leaf's options."""
    if not path:
        raise CommandError("no command given")
    root = next(
        (c for c in commands if c["name"] == path[0] and c.get("type", 1) == 1),
        None,
    )
    if root is None:
        known = ", ".join(sorted(c["name"] for c in commands if c.get("type", 1) == 1))
        raise CommandError(f"unknown command /{path[0]} (synced: {known or 'none'})")
    options = root.get("options", [])
    words: list[str] = []
    for word in path[1:]:
        sub = next(
            (
                o
                for o in options
                if o["name"] == word
                and o["type"] in (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP)
            ),
            None,
        )
        if sub is None:
            raise CommandError(f"/{' '.join(path[: len(words) + 1])} has no subcommand {word!r}")
        words.append(word)
        options = sub.get("options", [])
    if any(o["type"] in (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP) for o in options):
        choices = ", ".join(o["name"] for o in options)
        raise CommandError(f"/{' '.join(path)} needs a subcommand: {choices}")
    return root, words, options


def find_context_menu(commands: Sequence[dict[str, Any]], name: str, kind: int) -> dict[str, Any]:
    """The synced context-menu command called ``name`` (``kind`` 2 = user, 3 = message)."""
    found = next((c for c in commands if c["name"] == name and c.get("type") == kind), None)
    if found is None:
        known = ", ".join(sorted(c["name"] for c in commands if c.get("type") == kind))
        raise CommandError(f"no context menu {name!r} (synced: {known or 'none'})")
    return found


def build_message_menu_data(command: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    """The ``data`` of a message context-menu interaction on ``message``."""
    data: dict[str, Any] = {
        "id": str(command["id"]),
        "name": command["name"],
        "type": 3,
        "target_id": str(message["id"]),
        "resolved": {"messages": {str(message["id"]): message}},
    }
    if command.get("guild_id"):
        data["guild_id"] = str(command["guild_id"])
    return data


@dataclass
class _Resolved:
    users: dict[str, Any] = field(default_factory=dict)
    members: dict[str, Any] = field(default_factory=dict)
    roles: dict[str, Any] = field(default_factory=dict)
    channels: dict[str, Any] = field(default_factory=dict)
    attachments: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {key: value for key, value in vars(self).items() if value}


def build_command_data(
    world: World,
    guild: FakeGuild | None,
    command: dict[str, Any],
    words: Sequence[str],
    leaf_options: Sequence[dict[str, Any]],
    values: Mapping[str, Any],
    *,
    focused: str | None = None,
    attachment_files: dict[int, UploadedFile],
    base_url: str,
) -> dict[str, Any]:
    """The ``data`` of an APPLICATION_COMMAND (or AUTOCOMPLETE, with ``focused``) interaction."""
    resolved = _Resolved()
    by_name = {option["name"]: option for option in leaf_options}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise CommandError(
            f"/{command['name']} {' '.join(words)} has no option {', '.join(unknown)} "
            f"(options: {', '.join(by_name) or 'none'})"
        )
    missing = [name for name, opt in by_name.items() if opt.get("required") and name not in values]
    if missing and focused is None:
        raise CommandError(f"/{command['name']} {' '.join(words)}: missing {', '.join(missing)}")
    options: list[dict[str, Any]] = []
    for name, value in values.items():
        option = by_name[name]
        entry: dict[str, Any] = {"name": name, "type": option["type"]}
        if name == focused:
            entry["value"] = str(value)
            entry["focused"] = True
        else:
            entry["value"] = _convert(
                world, guild, option, value, resolved, attachment_files, base_url
            )
        options.append(entry)
    for word in reversed(words):
        sub_type = OptionType.SUB_COMMAND if word == words[-1] else OptionType.SUB_COMMAND_GROUP
        options = [{"name": word, "type": sub_type, "options": options}]
    data: dict[str, Any] = {
        "id": str(command["id"]),
        "name": command["name"],
        "type": 1,
        "options": options,
    }
    if command.get("guild_id"):
        data["guild_id"] = str(command["guild_id"])
    if resolved.payload():
        data["resolved"] = resolved.payload()
    return data


def _convert(
    world: World,
    guild: FakeGuild | None,
    option: dict[str, Any],
    value: Any,
    resolved: _Resolved,
    attachment_files: dict[int, UploadedFile],
    base_url: str,
) -> Any:
    kind = option["type"]
    name = option["name"]
    try:
        if kind == OptionType.STRING:
            converted: Any = str(value)
        elif kind == OptionType.INTEGER:
            if isinstance(value, bool):
                raise TypeError("a bool is not an integer")
            converted = int(value)
        elif kind == OptionType.NUMBER:
            converted = float(value)
        elif kind == OptionType.BOOLEAN:
            converted = _to_bool(value)
        elif kind == OptionType.USER:
            return _resolve_user(world, guild, value, resolved)
        elif kind == OptionType.ROLE:
            return _resolve_role(guild, value, resolved)
        elif kind == OptionType.MENTIONABLE:
            if isinstance(value, FakeRole):
                return _resolve_role(guild, value, resolved)
            return _resolve_user(world, guild, value, resolved)
        elif kind == OptionType.CHANNEL:
            return _resolve_channel(world, guild, value, resolved)
        elif kind == OptionType.ATTACHMENT:
            return _resolve_attachment(world, value, resolved, attachment_files, base_url)
        else:
            raise CommandError(f"option {name!r} has unsupported type {kind}")
    except (TypeError, ValueError, KeyError) as exc:
        if isinstance(exc, CommandError):
            raise
        raise CommandError(f"option {name!r}: cannot use {value!r} ({exc})") from exc
    choices = option.get("choices")
    if choices:
        for choice in choices:
            if converted == choice["value"] or value == choice["name"]:
                return choice["value"]
        allowed = ", ".join(repr(c["value"]) for c in choices)
        raise CommandError(f"option {name!r}: {value!r} is not one of the choices {allowed}")
    return converted


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise ValueError("expected true or false")


def _resolve_user(world: World, guild: FakeGuild | None, value: Any, resolved: _Resolved) -> str:
    user = value if isinstance(value, FakeUser) else world.users[int(value)]
    resolved.users[str(user.id)] = user.payload()
    if guild is not None and user.id in guild.members:
        member = guild.members[user.id].payload(permissions=guild.permissions_for(user.id))
        member.pop("user")
        resolved.members[str(user.id)] = member
    return str(user.id)


def _resolve_role(guild: FakeGuild | None, value: Any, resolved: _Resolved) -> str:
    if guild is None:
        raise ValueError("roles only exist in servers")
    role = value if isinstance(value, FakeRole) else guild.roles[int(value)]
    resolved.roles[str(role.id)] = role.payload()
    return str(role.id)


def _resolve_channel(world: World, guild: FakeGuild | None, value: Any, resolved: _Resolved) -> str:
    channel = value if isinstance(value, FakeChannel) else world.channels[int(value)]
    data = channel.payload()
    if guild is not None:
        data["permissions"] = str(guild.permissions_for(world.bot_user.id))
    resolved.channels[str(channel.id)] = data
    return str(channel.id)


def _resolve_attachment(
    world: World,
    value: Any,
    resolved: _Resolved,
    attachment_files: dict[int, UploadedFile],
    base_url: str,
) -> str:
    if not isinstance(value, FakeAttachment):
        raise TypeError("attachment options take a FakeAttachment(filename, data)")
    attachment_id = world.snowflake()
    attachment_files[attachment_id] = UploadedFile(
        "attachment", value.filename, value.content_type, value.data
    )
    url = f"{base_url}/attachments/{attachment_id}/{value.filename}"
    resolved.attachments[str(attachment_id)] = {
        "id": str(attachment_id),
        "filename": value.filename,
        "size": len(value.data),
        "url": url,
        "proxy_url": url,
        "content_type": value.content_type,
        "ephemeral": True,
    }
    return str(attachment_id)
