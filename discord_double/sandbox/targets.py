"""Finding what a person means to press: ``click Going on 4``, ``select "Thu 19:00" on 5``.

Labels are matched forgivingly (case, emoji and punctuation ignored; the start of a label is
enough when it is the only match), so ``click next`` finds ``Next ▶``.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..commands import CommandError
from ..components import iter_components

__all__ = ["Target", "find_button", "find_options", "parse_target"]

_ON_MESSAGE = re.compile(r"^(?P<what>.*?)\s+on\s+(?:message\s+|msg\s+)?#?(?P<number>\d+)\s*$")
_SELECT_TYPES = (3, 5, 6, 7, 8)


@dataclass(frozen=True)
class Target:
    """What to press and on which message (``None``: the last reply)."""

    what: str
    number: int | None


def parse_target(text: str, verb: str) -> Target:
    """``Going on message 4`` / ``"Thu" on 3`` / ``next`` (the last reply)."""
    text = text.strip()
    found = _ON_MESSAGE.match(text)
    what, number = (found["what"], int(found["number"])) if found else (text, None)
    if not what.strip():
        raise CommandError(f"{verb} what? e.g. {verb} Going on 4 (see the [numbers] above)")
    return Target(what.strip(), number)


def _words(text: str) -> str:
    """A label reduced to its lower-case words (no emoji, arrows, punctuation or leading
    zeros), so ``thu 5 mar`` finds ``Thu 05 Mar 19:00``."""
    return " ".join(word.lstrip("0") or "0" for word in re.findall(r"\w+", text.lower()))


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _label(component: Mapping[str, Any]) -> str:
    emoji = (component.get("emoji") or {}).get("name") or ""
    return str(component.get("label") or emoji or component.get("custom_id", ""))


def find_button(message: Mapping[str, Any], label: str, where: str) -> str:
    """The custom id of the button on ``message`` that ``label`` names."""
    label = _unquote(label)
    buttons = [c for c in iter_components(message.get("components") or []) if c.get("type") == 2]
    clickable = [b for b in buttons if b.get("custom_id")]  # link buttons open a browser
    if not clickable:
        raise CommandError(f"there is nothing to click on {where}")
    wanted = _words(label)
    for exact in (True, False):
        # An exact label (or custom id) first; then the start of one.
        found = [
            b
            for b in clickable
            if label.lower() == str(b["custom_id"]).lower()
            or (
                _words(_label(b)) == wanted
                if exact
                else bool(wanted) and _words(_label(b)).startswith(wanted)
            )
        ]
        if len(found) == 1 or (found and exact):
            if found[0].get("disabled"):
                raise CommandError(f"the button {_label(found[0])!r} on {where} is disabled")
            return str(found[0]["custom_id"])
    labels = ", ".join(repr(_label(b)) for b in clickable)
    raise CommandError(f"no button {label!r} on {where}; its buttons: {labels}")


def find_options(message: Mapping[str, Any], text: str, where: str) -> tuple[str, list[str]]:
    """The select menu's custom id and the option values that ``text`` names.

    One label, or several quoted ones (``"Thu 19:00" "Fri 18:30"``) for a multi-choice menu.
    """
    try:
        labels = shlex.split(text) if text.lstrip()[:1] in "\"'" else [text]
    except ValueError as error:
        raise CommandError(f"select {text}: {error}") from None
    menus = [
        c
        for c in iter_components(message.get("components") or [])
        if c.get("type") in _SELECT_TYPES
    ]
    if not menus:
        raise CommandError(f"there is no select menu on {where}")
    for menu in menus:
        values = [_option_value(menu, label) for label in labels]
        if all(v is not None for v in values):
            if menu.get("disabled"):
                raise CommandError(f"the menu on {where} is disabled")
            return str(menu["custom_id"]), [v for v in values if v is not None]
    known = ", ".join(repr(o["label"]) for m in menus for o in m.get("options") or [])
    raise CommandError(f"no option {text.strip()!r} on {where}; its options: {known or 'none'}")


def _option_value(menu: Mapping[str, Any], label: str) -> str | None:
    wanted = _words(label)
    options = menu.get("options") or []
    for exact in (True, False):
        found = [
            o
            for o in options
            if label.lower() in (str(o["label"]).lower(), str(o["value"]).lower())
            or (
                _words(str(o["label"])) == wanted
                if exact
                else bool(wanted) and _words(str(o["label"])).startswith(wanted)
            )
        ]
        if len(found) == 1 or (found and exact):
            return str(found[0]["value"])
    return None
