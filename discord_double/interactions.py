"""Interactions the double sends to the bot, and the bot's answers to them.

``PendingInteraction`` tracks what the bot did with an interaction (callback, edits of the
original, follow-ups), ``interaction_payload`` builds the INTERACTION_CREATE the bot receives and
``InteractionReply`` presents the bot's answer to tests. Building command data lives in
:mod:`.commands`, components and modals in :mod:`.components`; their names are re-exported here
for imports written before that split.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .commands import CommandError, FakeAttachment, OptionType, build_command_data, find_command
from .components import find_button, iter_components, modal_submit_components
from .messages import EPHEMERAL, LOADING, UploadedFile
from .render import render
from .state import FakeChannel, FakeGuild, FakeUser, World

__all__ = [
    "CALLBACK_NAMES",
    "CommandError",
    "FakeAttachment",
    "InteractionKind",
    "InteractionReply",
    "OptionType",
    "PendingInteraction",
    "ReplyFile",
    "build_command_data",
    "find_button",
    "find_command",
    "interaction_payload",
    "iter_components",
    "modal_submit_components",
]


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
        return render(self)

    def __str__(self) -> str:
        return self.text


def interaction_payload(
    world: World,
    pending: PendingInteraction,
    guild: FakeGuild | None,
    channel: FakeChannel,
    data: dict[str, Any],
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The INTERACTION_CREATE the bot receives for ``pending`` (in ``guild`` or a DM)."""
    user = pending.user
    payload: dict[str, Any] = {
        "id": str(pending.id),
        "application_id": str(world.application_id),
        "type": pending.kind,
        "data": data,
        "channel_id": str(channel.id),
        "token": pending.token,
        "version": 1,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    channel_data = channel.payload()
    if guild is not None:
        if user.id not in guild.members:
            raise CommandError(f"{user.name} is not a member of {guild.name}")
        bot_permissions = guild.permissions_for(world.bot_user.id)
        channel_data["permissions"] = str(guild.permissions_for(user.id))
        payload.update(
            guild_id=str(guild.id),
            guild={"id": str(guild.id), "locale": "en-US", "features": []},
            guild_locale="en-US",
            member=guild.members[user.id].payload(permissions=guild.permissions_for(user.id)),
            app_permissions=str(bot_permissions),
            authorizing_integration_owners={"0": str(guild.id)},
            context=0,
        )
    else:
        payload.update(
            user=user.payload(),
            app_permissions="0",
            authorizing_integration_owners={"0": "0"},
            context=1,
        )
    payload["channel"] = channel_data
    if message is not None:
        payload["message"] = message
    return payload
