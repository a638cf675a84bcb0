"""Render bot replies and messages as plain text, for the sandbox and for test assertions.

Embeds are flattened (author, title, description, fields, footer), buttons become
``[label]`` (with ``(disabled)`` / style notes), select menus list their options, attachments and
polls are listed, ephemeral replies start with ``(only you can see this)`` and modals show their
title and fields.

With a :class:`Markup`, Discord's markup is shown as a reader would see it: ``<t:…:F>`` as a
date in the reader's time zone, ``<#id>``/``<@id>``/``<@&id>`` as names, ``<:name:id>`` as
``:name:`` and ``<https://…>`` as the bare link. Without one, the text stays as sent (what
tests assert on).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol

__all__ = [
    "EPHEMERAL_MARK",
    "Markup",
    "RenderableReply",
    "relative_time",
    "render",
    "render_markup",
    "render_message",
    "render_modal",
]

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


def _no_name(_id: int) -> str | None:
    return None


@dataclass(frozen=True)
class Markup:
    """What a reader's client knows: a time zone, the time now, and names for ids."""

    zone: tzinfo
    now: Callable[[], datetime]
    channel_name: Callable[[int], str | None] = _no_name
    user_name: Callable[[int], str | None] = _no_name
    role_name: Callable[[int], str | None] = _no_name


_MARKUP = re.compile(
    r"<t:(?P<ts>-?\d+)(?::(?P<style>[tTdDfFR]))?>"
    r"|<#(?P<channel>\d+)>"
    r"|<@!?(?P<user>\d+)>"
    r"|<@&(?P<role>\d+)>"
    r"|<a?:(?P<emoji>\w+):\d+>"
    r"|<(?P<link>https?://[^\s>]+)>"
)
_DAY_FORMATS = {
    "t": "{h:%H:%M}",
    "T": "{h:%H:%M:%S}",
    "d": "{h:%d/%m/%Y}",
    "D": "{h.day} {h:%B %Y}",
    "f": "{h.day} {h:%B %Y} {h:%H:%M}",
    "F": "{h:%A}, {h.day} {h:%B %Y} {h:%H:%M}",
}
# Discord's relative times (moment.js thresholds): (below this many seconds, unit, unit seconds).
_RELATIVE_STEPS = (
    (45, "", 1),
    (90, "a minute", 60),
    (45 * 60, "minute", 60),
    (90 * 60, "an hour", 3600),
    (22 * 3600, "hour", 3600),
    (36 * 3600, "a day", 86400),
    (26 * 86400, "day", 86400),
    (45 * 86400, "a month", 30 * 86400),
    (320 * 86400, "month", 30 * 86400),
    (548 * 86400, "a year", 365 * 86400),
)


def relative_time(moment: datetime, now: datetime) -> str:
    """``in 3 days`` / ``2 hours ago``, rounded like Discord's ``<t:…:R>``."""
    seconds = (moment - now).total_seconds()
    size = abs(seconds)
    phrase = ""
    for limit, unit, unit_seconds in _RELATIVE_STEPS:
        if size < limit:
            if not unit:
                phrase = "a few seconds"
            elif unit.startswith("a"):
                phrase = unit
            else:
                count = max(2, round(size / unit_seconds))
                phrase = f"{count} {unit}s"
            break
    else:
        phrase = f"{max(2, round(size / (365 * 86400)))} years"
    return f"in {phrase}" if seconds >= 0 else f"{phrase} ago"


def render_markup(text: str, markup: Markup) -> str:
    """``text`` with Discord's markup shown as the reader's client shows it."""

    def replace(found: re.Match[str]) -> str:
        if found["ts"] is not None:
            moment = datetime.fromtimestamp(int(found["ts"]), UTC)
            style = found["style"] or "f"
            if style == "R":
                return relative_time(moment, markup.now())
            return _DAY_FORMATS[style].format(h=moment.astimezone(markup.zone))
        if found["channel"] is not None:
            return f"#{markup.channel_name(int(found['channel'])) or 'unknown-channel'}"
        if found["user"] is not None:
            return f"@{markup.user_name(int(found['user'])) or 'unknown-user'}"
        if found["role"] is not None:
            return f"@{markup.role_name(int(found['role'])) or 'unknown-role'}"
        if found["emoji"] is not None:
            return f":{found['emoji']}:"
        return found["link"]

    return _MARKUP.sub(replace, text)


def render(target: RenderableReply | Mapping[str, Any], markup: Markup | None = None) -> str:
    """Text for an ``InteractionReply`` (with its follow-ups) or a single message dict."""
    text = _render(target)
    return render_markup(text, markup) if markup is not None else text


def _render(target: RenderableReply | Mapping[str, Any]) -> str:
    if isinstance(target, Mapping):
        return render_message(target)
    reply = target
    if reply.type == "modal" and reply.modal is not None:
        return render_modal(reply.modal)
    if reply.type == "autocomplete":
        return "\n".join(f"- {c['name']} ({c['value']!r})" for c in reply.choices) or "(no choices)"
    parts = [_render_message(message) for message in reply.all_messages]
    if not parts:
        return f"({reply.type}: no message)"
    return "\n---\n".join(parts)


def render_message(message: Mapping[str, Any], markup: Markup | None = None) -> str:
    """A message as text: content, embeds, poll, attachments and components."""
    text = _render_message(message)
    return render_markup(text, markup) if markup is not None else text


def _render_message(message: Mapping[str, Any]) -> str:
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
