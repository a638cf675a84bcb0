"""Turn request bodies into Discord message objects, and apply edits to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .state import FakeUser, SnowflakeFactory, iso_timestamp

__all__ = ["EPHEMERAL", "LOADING", "UploadedFile", "apply_edit", "build_message", "expire_poll"]

EPHEMERAL = 1 << 6
LOADING = 1 << 7  # "Bot is thinking..."
CHAT_INPUT_COMMAND_MESSAGE = 20
DEFAULT_MESSAGE = 0
REPLY_MESSAGE = 19
# Fields of a request body that are copied as they are onto the message.
COPIED_FIELDS = ("content", "embeds", "components", "tts", "sticker_items")


@dataclass(frozen=True)
class UploadedFile:
    field_name: str
    filename: str
    content_type: str
    data: bytes


def _attachment_payload(
    attachment_id: int, upload: UploadedFile, description: str | None, base_url: str
) -> dict[str, Any]:
    return {
        "id": str(attachment_id),
        "filename": upload.filename,
        "description": description,
        "content_type": upload.content_type,
        "size": len(upload.data),
        "url": f"{base_url}/attachments/{attachment_id}/{upload.filename}",
        "proxy_url": f"{base_url}/attachments/{attachment_id}/{upload.filename}",
        "ephemeral": False,
    }


def _new_attachments(
    body: dict[str, Any],
    files: list[UploadedFile],
    snowflake: SnowflakeFactory,
    base_url: str,
    stored_files: dict[int, UploadedFile],
) -> tuple[list[dict[str, Any]], set[str]]:
    """Attachments for the uploaded files, matched to ``attachments[].id`` = file index.

    Returns the new attachment payloads and the ids of existing attachments the body keeps.
    """
    by_index = {}
    kept: set[str] = set()
    for entry in body.get("attachments") or []:
        entry_id = str(entry.get("id"))
        if any(f.field_name == f"files[{entry_id}]" for f in files):
            by_index[entry_id] = entry
        else:
            kept.add(entry_id)
    payloads = []
    for upload in files:
        index = upload.field_name.removeprefix("files[").removesuffix("]")
        entry = by_index.get(index, {})
        attachment_id = snowflake()
        filename = entry.get("filename") or upload.filename
        named = UploadedFile(upload.field_name, filename, upload.content_type, upload.data)
        stored_files[attachment_id] = named
        payloads.append(
            _attachment_payload(attachment_id, named, entry.get("description"), base_url)
        )
    return payloads, kept


def _poll_payload(poll: dict[str, Any]) -> dict[str, Any]:
    hours = poll.get("duration") or 24
    answers = [
        {"answer_id": index, "poll_media": answer.get("poll_media", {})}
        for index, answer in enumerate(poll.get("answers", []), start=1)
    ]
    return {
        "question": poll.get("question", {}),
        "answers": answers,
        "expiry": (datetime.now(UTC) + timedelta(hours=hours)).isoformat(),
        "allow_multiselect": bool(poll.get("allow_multiselect", False)),
        "layout_type": poll.get("layout_type", 1),
        "results": {"is_finalized": False, "answer_counts": []},
    }


def build_message(
    *,
    message_id: int,
    channel_id: int,
    guild_id: int | None,
    author: FakeUser,
    body: dict[str, Any],
    files: list[UploadedFile],
    snowflake: SnowflakeFactory,
    base_url: str,
    stored_files: dict[int, UploadedFile],
    interaction: dict[str, Any] | None = None,
    application_id: int | None = None,
) -> dict[str, Any]:
    """A message object as Discord returns it for a create-message body."""
    attachments, _ = _new_attachments(body, files, snowflake, base_url, stored_files)
    reference = body.get("message_reference")
    if interaction is not None:
        message_type = CHAT_INPUT_COMMAND_MESSAGE
    elif reference:
        message_type = REPLY_MESSAGE
    else:
        message_type = DEFAULT_MESSAGE
    message: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": message_type,
        "author": author.payload(),
        "content": body.get("content") or "",
        "timestamp": iso_timestamp(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts", False)),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments,
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "reactions": [],
        "pinned": False,
        "flags": int(body.get("flags") or 0),
    }
    if guild_id is not None:
        message["guild_id"] = str(guild_id)
    if body.get("nonce") is not None:
        message["nonce"] = body["nonce"]
    if reference:
        message["message_reference"] = {
            key: str(value) for key, value in reference.items() if key.endswith("_id")
        }
    if body.get("poll"):
        message["poll"] = _poll_payload(body["poll"])
    if interaction is not None:
        message["interaction_metadata"] = interaction
        message["webhook_id"] = str(application_id)
        message["application_id"] = str(application_id)
    return message


def apply_edit(
    message: dict[str, Any],
    body: dict[str, Any],
    files: list[UploadedFile],
    snowflake: SnowflakeFactory,
    base_url: str,
    stored_files: dict[int, UploadedFile],
    *,
    mark_edited: bool = True,
) -> dict[str, Any]:
    """Apply an edit body in place (absent fields stay, ``null`` clears) and return the message."""
    for key in COPIED_FIELDS:
        if key in body:
            message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
    if "flags" in body and body["flags"] is not None:
        # Only SUPPRESS_EMBEDS can change; ephemeral stays what it was; loading ends on edit.
        message["flags"] = (message["flags"] & EPHEMERAL) | (int(body["flags"]) & ~EPHEMERAL)
    message["flags"] &= ~LOADING
    if "attachments" in body or files:
        new, kept = _new_attachments(body, files, snowflake, base_url, stored_files)
        if "attachments" in body:
            existing = [a for a in message["attachments"] if a["id"] in kept]
        else:
            existing = message["attachments"]
        message["attachments"] = existing + new
    if body.get("poll"):
        message["poll"] = _poll_payload(body["poll"])
    if mark_edited:
        message["edited_timestamp"] = iso_timestamp()
    return message


def expire_poll(message: dict[str, Any]) -> dict[str, Any]:
    poll = message.get("poll")
    if poll is not None:
        poll["expiry"] = iso_timestamp()
        poll["results"]["is_finalized"] = True
    return message
