"""Message components as a member meets them: buttons, select menus and modal forms."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .commands import CommandError

__all__ = ["find_button", "iter_components", "modal_submit_components"]


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
