"""Interactions the double sends to the bot, and the bot's answers to them.

``build_command_data`` turns ``("config", "timezone"), {"zone": "Europe/London"}`` into the
``data`` of an APPLICATION_COMMAND interaction using the synced command's option types;
``PendingInteraction`` tracks what the bot did with an interaction (callback, edits of the
original, follow-ups) and ``InteractionReply`` presents it to tests.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .messages import EPHEMERAL, LOADING, UploadedFile
from .state import FakeChannel, FakeGuild, FakeRole, FakeUser

if TYPE_CHECKING:
    from .state import World

__all__ = [
    "CALLBACK_NAMES",
    "CommandError",
    "FakeAttachment",
    "InteractionReply",
    "OptionType",
    "PendingInteraction",
    "ReplyFile",
    "build_command_data",
    "find_button",
    "find_command",
    "iter_components",
    "modal_submit_components",
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


class InteractionKind:
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


CALLBACK_NAMES = {
    1: "pong",
    4: "message",
    5: "deferred",
    6: "deferred_update",
    7: "update",
    8: "autocomplete",
    9: "modal",
}


@dataclass(frozen=True)
class FakeAttachment:
    """A file a member attaches to an ``attachment`` option."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class ReplyFile:
    name: str
    data: bytes


@dataclass
class PendingInteraction:
    """One interaction sent to the bot and everything the bot has done in answer to it."""

    id: int
    token: str
    kind: int
    guild_id: int | None
    channel_id: int
    user: FakeUser
    name: str
    source_message_id: int | None = None
    callback_type: int | None = None
    callback_body: dict[str, Any] | None = None
    original_message_id: int | None = None
    original_edits: int = 0
    followup_ids: list[int] = field(default_factory=list)
    created: float = field(default_factory=time.monotonic)
    log: list[str] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return self.callback_type is not None

    def complete(self) -> bool:
        """Whether the bot's full answer is in (a deferral also needs its edit or follow-up)."""
        if self.callback_type is None:
            return False
        if self.callback_type == 5:
            return self.original_edits > 0 or bool(self.followup_ids)
        return True

    def metadata(self) -> dict[str, Any]:
        """``interaction_metadata`` of the messages answering this interaction."""
        return {
            "id": str(self.id),
            "type": self.kind,
            "name": self.name,
            "user": self.user.payload(),
            "authorizing_integration_owners": {"0": str(self.guild_id or 0)},
        }


def iter_components(components: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Every component, depth first, through action rows, containers, sections and labels."""
    for component in components:
        yield component
        yield from iter_components(component.get("components", []))
        for key in ("accessory", "component"):
            if isinstance(component.get(key), Mapping):
                yield from iter_components([component[key]])


def find_button(message: Mapping[str, Any] | None, label: str) -> Mapping[str, Any]:
    """The button labelled exactly ``label`` on ``message`` (its ``custom_id`` is for clicks)."""
    buttons = [
        c for c in iter_components((message or {}).get("components") or []) if c.get("type") == 2
    ]
    for button in buttons:
        if button.get("label") == label:
            return button
    labels = [b.get("label") for b in buttons]
    where = f"message {message['id']}" if message else "no message"
    raise CommandError(f"no button labelled {label!r} on {where}; its buttons: {labels}")


@dataclass
class InteractionReply:
    """The bot's answer to one interaction, read live from the double's message store."""

    pending: PendingInteraction
    world: World
    stored_files: Mapping[int, UploadedFile]

    @property
    def type(self) -> str:
        return CALLBACK_NAMES.get(self.pending.callback_type or 0, "none")

    @property
    def callback_type(self) -> int | None:
        return self.pending.callback_type

    @property
    def interaction_id(self) -> int:
        return self.pending.id

    @property
    def message(self) -> dict[str, Any] | None:
        """The message this reply shows: the response, or the component's updated message."""
        pending = self.pending
        message_id = pending.original_message_id
        if message_id is None and pending.callback_type in (6, 7):
            message_id = pending.source_message_id
        if message_id is None and pending.followup_ids:
            message_id = pending.followup_ids[0]
        return self.world.messages.get(message_id) if message_id is not None else None

    @property
    def message_id(self) -> int | None:
        message = self.message
        return int(message["id"]) if message else None

    @property
    def channel_id(self) -> int:
        return self.pending.channel_id

    @property
    def content(self) -> str:
        message = self.message
        return message["content"] if message else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        message = self.message
        return message["embeds"] if message else []

    @property
    def components(self) -> list[dict[str, Any]]:
        message = self.message
        return message["components"] if message else []

    @property
    def flags(self) -> int:
        message = self.message
        return message["flags"] if message else 0

    @property
    def ephemeral(self) -> bool:
        if self.message is not None:
            return bool(self.flags & EPHEMERAL)
        data = (self.pending.callback_body or {}).get("data") or {}
        return bool(int(data.get("flags") or 0) & EPHEMERAL)

    @property
    def thinking(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def attachments(self) -> list[dict[str, Any]]:
        message = self.message
        return message["attachments"] if message else []

    @property
    def files(self) -> list[ReplyFile]:
        files = []
        for attachment in self.attachments:
            upload = self.stored_files.get(int(attachment["id"]))
            if upload is not None:
                files.append(ReplyFile(attachment["filename"], upload.data))
        return files

    @property
    def modal(self) -> dict[str, Any] | None:
        if self.pending.callback_type != 9:
            return None
        return (self.pending.callback_body or {}).get("data")

    @property
    def choices(self) -> list[dict[str, Any]]:
        if self.pending.callback_type != 8:
            return []
        return ((self.pending.callback_body or {}).get("data") or {}).get("choices", [])

    @property
    def followups(self) -> list[dict[str, Any]]:
        """Messages sent through the interaction webhook after the first answer."""
        ids = list(self.pending.followup_ids)
        if self.message is not None and ids and int(self.message["id"]) == ids[0]:
            ids = ids[1:]  # that follow-up is the reply itself
        return [self.world.messages[i] for i in ids if i in self.world.messages]

    @property
    def all_messages(self) -> list[dict[str, Any]]:
        messages = [self.message] if self.message is not None else []
        return messages + [m for m in self.followups if m is not self.message]

    def button(self, label: str) -> Mapping[str, Any]:
        """The button labelled exactly ``label`` on the message this reply shows."""
        return find_button(self.message, label)

    @property
    def text(self) -> str:
        from .render import render

        return render(self)

    def __str__(self) -> str:
        return self.text


# --- building interaction payloads -----------------------------------------------------------


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


def modal_submit_components(
    modal: dict[str, Any], values: Mapping[str, str | Sequence[str]]
) -> list[dict[str, Any]]:
    """The submitted components for a modal, mirroring its layout (action rows or labels)."""
    known: set[str] = set()

    def submitted(component: dict[str, Any]) -> dict[str, Any] | None:
        custom_id = component.get("custom_id")
        if custom_id is None:
            return None
        known.add(custom_id)
        value = values.get(custom_id, component.get("value") or "")
        result: dict[str, Any] = {"type": component["type"], "custom_id": custom_id}
        if component["type"] == 4:  # text input
            result["value"] = value if isinstance(value, str) else ",".join(value)
        else:
            result["values"] = [value] if isinstance(value, str) else list(value)
        return result

    out: list[dict[str, Any]] = []
    for top in modal.get("components", []):
        if top["type"] == 1:
            children = [c for c in (submitted(x) for x in top.get("components", [])) if c]
            out.append({"type": 1, "components": children})
        elif top["type"] == 18:
            child = submitted(top["component"])
            if child:
                out.append({"type": 18, "id": top.get("id", 0), "component": child})
    unknown = sorted(set(values) - known)
    if unknown:
        raise CommandError(
            f"modal {modal.get('custom_id')!r} has no field {', '.join(unknown)} "
            f"(fields: {', '.join(sorted(known))})"
        )
    return out
