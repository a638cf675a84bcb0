"""The shape of the code: imports run one way, modules stay readable, the double stays out.

Imports are read from the source with ``ast`` (``TYPE_CHECKING`` and function-level imports
included), so a cycle hidden behind a lazy import still counts.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "cogs", "discord_double")
SIZED = ("bot", "cogs")  # the product; the double is test infrastructure
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imported(name: str, path: Path) -> Iterator[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _project_module(target: str) -> str | None:
    """The project module an import refers to (a module, or a name inside one)."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        edges = {_project_module(t) for t in _imported(name, path)}
        # A package's __init__ is imported on the way to any of its modules: not an edge.
        graph[name] = {
            e for e in edges if e is not None and e != name and not name.startswith(e + ".")
        }
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_bot_never_imports_a_cog() -> None:
    graph = _graph()
    offenders = {
        name: sorted(e for e in edges if e.startswith("cogs"))
        for name, edges in graph.items()
        if name.startswith("bot") and any(e.startswith("cogs") for e in edges)
    }
    # The composition root discovers the extensions by package, never a cog by name.
    offenders.pop("bot.client", None)
    assert offenders == {}


def test_the_domain_layers_do_not_import_the_discord_layer() -> None:
    graph = _graph()
    domain = (
        "bot.library",
        "bot.scheduling",
        "bot.discussion",
        "bot.members",
        "bot.charts",
        "bot.db",
        "bot.config",
    )
    offenders = {
        name: sorted(e for e in edges if e.startswith(("bot.ui", "bot.client", "cogs")))
        for name, edges in graph.items()
        if name.startswith(domain)
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_nothing_in_bot_reaches_into_a_cog_by_name() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for name, path in MODULES.items()
        if name.startswith("bot") and "get_cog(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith(SIZED)))
def test_module_is_readable_in_one_sitting(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(ROOT)} has {lines} lines"


def test_the_discord_double_is_not_part_of_the_bot_package() -> None:
    assert not (ROOT / "bot" / "discord_double").exists()
    imports_double = [
        name
        for name, path in MODULES.items()
        if name.startswith(("bot", "cogs"))
        and any(t.startswith("discord_double") for t in _imported(name, path))
        and name not in {"bot.sandbox"}
    ]
    assert imports_double == []
