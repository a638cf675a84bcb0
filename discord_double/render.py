"""Render bot replies and messages as plain text, for the sandbox and for test assertions.

Embeds are flattened (author, title, description, fields, footer), buttons become
``[label]`` (with ``(disabled)`` / style notes), select menus list their options, attachments and
polls are listed, ephemeral replies start with ``(only you can see this)`` and modals show their
title and fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

__all__ = ["EPHEMERAL_MARK", "RenderableReply", "render", "render_message", "render_modal"]

EPHEMERAL_MARK = "(only you can see this)"
BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "premium"}
SELECT_KINDS = {
    3: "select",
    5: "user select",
    6: "role select",
    7: "mentionable select",
    8: "channel select",
}


class RenderableReply(Protocol):
    """What :func:`render` reads from a bot's answer (``InteractionReply`` provides it)."""

    @property
    def type(self) -> str: ...

    @property
    def modal(self) -> Mapping[str, Any] | None: ...

    @property
    def choices(self) -> Sequence[Mapping[str, Any]]: ...

    @property
    def all_messages(self) -> Sequence[Mapping[str, Any]]: ...


def render(target: RenderableReply | Mapping[str, Any]) -> str:
    """Text for an ``InteractionReply`` (with its follow-ups) or a single message dict."""
    if isinstance(target, Mapping):
        return render_message(target)
    reply = target
    if reply.type == "modal" and reply.modal is not None:
        return render_modal(reply.modal)
    if reply.type == "autocomplete":
        return "\n".join(f"- {c['name']} ({c['value']!r})" for c in reply.choices) or "(no choices)"
    parts = [render_message(message) for message in reply.all_messages]
    if not parts:
        return f"({reply.type}: no message)"
    return "\n---\n".join(parts)


def render_message(message: Mapping[str, Any]) -> str:
    lines: list[str] = []
    if int(message.get("flags") or 0) & (1 << 6):
        lines.append(EPHEMERAL_MARK)
    if int(message.get("flags") or 0) & (1 << 7):
        lines.append("(thinking...)")
    if message.get("content"):
        lines.append(message["content"])
    for embed in message.get("embeds") or []:
        lines.extend(_render_embed(embed))
    if message.get("poll"):
        lines.extend(_render_poll(message["poll"]))
    for attachment in message.get("attachments") or []:
        lines.append(f"[file: {attachment['filename']}]")
    lines.extend(_render_components(message.get("components") or []))
    return "\n".join(lines)


def _render_embed(embed: Mapping[str, Any]) -> list[str]:
    lines = ["┃"]
    if embed.get("author", {}).get("name"):
        lines.append(f"┃ {embed['author']['name']}")
    if embed.get("title"):
        lines.append(f"┃ **{embed['title']}**")
    if embed.get("description"):
        lines.extend(f"┃ {line}" for line in embed["description"].splitlines())
    for field in embed.get("fields") or []:
        lines.append(f"┃ {field['name']}:")
        lines.extend(f"┃   {line}" for line in str(field["value"]).splitlines())
    if embed.get("footer", {}).get("text"):
        lines.append(f"┃ — {embed['footer']['text']}")
    return lines


def _render_poll(poll: Mapping[str, Any]) -> list[str]:
    lines = [f"[poll] {poll.get('question', {}).get('text', '')}"]
    for answer in poll.get("answers", []):
        lines.append(f"  ( ) {answer.get('poll_media', {}).get('text', '')}")
    if poll.get("results", {}).get("is_finalized"):
        lines.append("  (poll closed)")
    return lines


def _render_components(components: list[Mapping[str, Any]], depth: int = 0) -> list[str]:
    lines: list[str] = []
    buttons: list[str] = []

    def flush() -> None:
        if buttons:
            lines.append(" ".join(buttons))
            buttons.clear()

    for component in components:
        kind = component.get("type")
        if kind == 2:
            buttons.append(_render_button(component))
            continue
        flush()
        if kind in SELECT_KINDS:
            lines.extend(_render_select(component))
        elif kind == 10 and component.get("content"):  # text display
            lines.append(component["content"])
        elif kind == 4:  # text input (modals)
            lines.append(_render_text_input(component))
        for key in ("component", "accessory"):
            if isinstance(component.get(key), Mapping):
                lines.extend(_render_components([component[key]], depth + 1))
        if component.get("components"):
            lines.extend(_render_components(component["components"], depth + 1))
    flush()
    return lines


def _render_button(button: Mapping[str, Any]) -> str:
    label = button.get("label") or button.get("emoji", {}).get("name") or "?"
    notes = []
    style = BUTTON_STYLES.get(button.get("style", 2), "")
    if style not in ("secondary", "primary"):
        notes.append(style)
    if button.get("disabled"):
        notes.append("disabled")
    suffix = f" ({', '.join(notes)})" if notes else ""
    return f"[{label}{suffix}]"


def _render_select(select: Mapping[str, Any]) -> list[str]:
    kind = SELECT_KINDS.get(select.get("type", 3), "select")
    placeholder = select.get("placeholder") or select.get("custom_id", "")
    disabled = " (disabled)" if select.get("disabled") else ""
    lines = [f"<{kind}: {placeholder}{disabled}>"]
    for option in select.get("options") or []:
        default = " (default)" if option.get("default") else ""
        description = f" — {option['description']}" if option.get("description") else ""
        lines.append(f"  - {option['label']}{description}{default}")
    return lines


def _render_text_input(text_input: Mapping[str, Any]) -> str:
    label = text_input.get("label") or text_input.get("custom_id", "")
    required = " *" if text_input.get("required", True) else ""
    value = f" = {text_input['value']!r}" if text_input.get("value") else ""
    return f"{label}{required}: ____{value}"


def render_modal(modal: Mapping[str, Any]) -> str:
    lines = [f"(form) {modal.get('title', '')}"]
    for top in modal.get("components", []):
        if top.get("type") == 18:  # label wrapping one component
            inner = dict(top.get("component", {}))
            inner.setdefault("label", top.get("label"))
            lines.extend(_render_components([inner]))
        else:
            lines.extend(_render_components([top]))
    return "\n".join(lines)
