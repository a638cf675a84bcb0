"""Check REST requests against Discord's own OpenAPI description.

The description ships with this package (``spec/openapi.json``, Discord's file unchanged, with its
MIT licence; ``spec/README.md`` names the upstream commit); ``DISCORD_API_SPEC`` points at another
copy. It is OpenAPI 3.1, whose schemas
are JSON Schema 2020-12, so ``jsonschema`` validates request bodies directly once ``$ref``s into
``#/components/schemas`` resolve through a ``referencing`` registry.

Start-up cost is one ``json.load`` (~10 ms); validators are built lazily per operation and cached.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = [
    "BOT_CONTENT_LIMIT",
    "SpecNotFoundError",
    "SpecValidator",
    "default_spec_path",
]

log = logging.getLogger(__name__)

SPEC_URI = "urn:discord-api-spec"
# A bot may send 2,000 characters of content; the spec allows a Nitro user's 4,000.
BOT_CONTENT_LIMIT = 2000
# Discord accepts snowflakes as JSON integers too, and discord.py sends several that way.
SNOWFLAKE_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": "^(0|[1-9][0-9]*)$"},
        {"type": "integer", "minimum": 0},
    ]
}
MAX_ERRORS_PER_REQUEST = 5
JUDGED_CACHE_SIZE = 512


class SpecNotFoundError(FileNotFoundError):
    """The OpenAPI description is not where it was expected."""


# Package data (pyproject.toml), so it is there in a checkout, an editable and a wheel install.
BUNDLED_SPEC = Path(__file__).resolve().parent / "spec" / "openapi.json"


def default_spec_path() -> Path:
    """``$DISCORD_API_SPEC``, else the copy shipped inside this package."""
    configured = os.environ.get("DISCORD_API_SPEC")
    return Path(configured) if configured else BUNDLED_SPEC


def _escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class _PathTemplate:
    template: str
    pattern: re.Pattern[str]
    literal_segments: int


@dataclass(frozen=True)
class Operation:
    """One documented ``method`` on one path template of the spec."""

    template: str
    method: str
    has_json_body: bool


class SpecValidator:
    """Finds the documented operation for a request and validates its JSON body."""

    def __init__(self, spec: dict[str, Any]) -> None:
        spec = dict(spec)
        spec["$id"] = SPEC_URI
        spec["components"]["schemas"]["SnowflakeType"] = SNOWFLAKE_SCHEMA
        self._spec = spec
        self._templates_by_length: dict[int, list[_PathTemplate]] = {}
        for template in spec["paths"]:
            segments = template.strip("/").split("/")
            regex = "/".join("[^/]+" if seg.startswith("{") else re.escape(seg) for seg in segments)
            literal = sum(not seg.startswith("{") for seg in segments)
            entry = _PathTemplate(template, re.compile(f"^/{regex}$"), literal)
            self._templates_by_length.setdefault(len(segments), []).append(entry)
        for entries in self._templates_by_length.values():
            # The most literal template wins: ``/messages/pins`` before ``/messages/{id}``.
            entries.sort(key=lambda entry: -entry.literal_segments)
        self._validators: dict[tuple[str, str], Draft202012Validator | None] = {}
        self._judged: dict[tuple[str, str, str], list[str]] = {}

    @classmethod
    def from_file(cls, path: Path | str | None = None) -> SpecValidator:
        spec_path = Path(path) if path is not None else default_spec_path()
        if not spec_path.is_file():
            hint = (
                "the installed package is incomplete (reinstall it), or set DISCORD_API_SPEC"
                if spec_path == BUNDLED_SPEC
                else "set DISCORD_API_SPEC"
            )
            raise SpecNotFoundError(
                f"Discord's OpenAPI description was not found at {spec_path}: {hint} to the "
                "path of openapi.json (from github.com/discord/discord-api-spec)."
            )
        with spec_path.open("rb") as handle:
            return cls(json.load(handle))

    @cached_property
    def _registry(self) -> Registry:
        resource = Resource.from_contents(self._spec, default_specification=DRAFT202012)
        return Registry().with_resource(SPEC_URI, resource)

    def find_operation(self, method: str, path: str) -> Operation | None:
        """The documented operation for a concrete path such as ``/channels/1/messages``."""
        segments = path.strip("/").split("/")
        method = method.lower()
        for entry in self._templates_by_length.get(len(segments), []):
            if not entry.pattern.match(path):
                continue
            operation = self._spec["paths"][entry.template].get(method)
            if operation is None:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            return Operation(entry.template, method, "application/json" in content)
        return None

    def validate(self, method: str, path: str, body: Any | None) -> list[str]:
        """Readable problems with this request; empty when Discord documents and accepts it."""
        operation = self.find_operation(method, path)
        label = f"{method.upper()} {path}"
        if operation is None:
            return [f"{label}: Discord's API description documents no such route and method"]
        problems: list[str] = []
        if body is not None:
            problems.extend(self._validate_body(operation, label, body))
            problems.extend(_content_limit_problems(label, body))
        return problems

    def _validate_body(self, operation: Operation, label: str, body: Any) -> list[str]:
        if not operation.has_json_body:
            return [f"{label}: this route takes no JSON body (operation {operation.template})"]
        validator = self._validator_for(operation)
        if validator is None:
            return []
        # Every bot start syncs the same large command list: remember bodies already judged.
        key = (operation.template, operation.method, json.dumps(body, sort_keys=True))
        if key in self._judged:
            return [problem.replace("{label}", label) for problem in self._judged[key]]
        errors = list(validator.iter_errors(body))
        problems = []
        for error in errors[:MAX_ERRORS_PER_REQUEST]:
            problems.append(_describe(label, _most_relevant(error)))
        if len(self._judged) >= JUDGED_CACHE_SIZE:
            self._judged.pop(next(iter(self._judged)))
        self._judged[key] = [problem.replace(label, "{label}") for problem in problems]
        return problems

    def _validator_for(self, operation: Operation) -> Draft202012Validator | None:
        key = (operation.template, operation.method)
        if key not in self._validators:
            pointer = "/".join(
                _escape_pointer(part)
                for part in (
                    "paths",
                    operation.template,
                    operation.method,
                    "requestBody",
                    "content",
                    "application/json",
                    "schema",
                )
            )
            root: dict[str, Any] = {"$ref": f"{SPEC_URI}#/{pointer}"}
            self._validators[key] = Draft202012Validator(root, registry=self._registry)
        return self._validators[key]


def _most_relevant(error: ValidationError) -> ValidationError:
    """Descend into ``anyOf``/``oneOf`` failures, preferring the branch the ``type`` field picked.

    A union such as the interaction callback body lists seven request shapes; the useful error
    is the one from the shape whose ``type`` matches, not "is not valid under any schema".
    """
    while error.context:
        instance = error.instance
        chosen: list[ValidationError] = []
        if isinstance(instance, dict) and "type" in instance:
            type_errors = {
                sub.relative_schema_path[0]
                for sub in error.context
                if list(sub.relative_path)[:1] == ["type"]
            }
            chosen = [
                sub for sub in error.context if sub.relative_schema_path[0] not in type_errors
            ]
        candidate = best_match(chosen or error.context)
        if candidate is None:
            break
        error = candidate
    return error


def _describe(label: str, error: ValidationError) -> str:
    pointer = "/" + "/".join(str(part) for part in error.absolute_path)
    message = error.message
    if len(message) > 300:
        message = message[:297] + "..."
    return f"{label}: body {pointer}: {message}"


def _content_limit_problems(label: str, body: Any) -> list[str]:
    if not isinstance(body, dict):
        return []
    candidates = [("/content", body.get("content"))]
    data = body.get("data")
    if isinstance(data, dict):
        candidates.append(("/data/content", data.get("content")))
    return [
        f"{label}: body {pointer}: {len(value)} characters exceeds a bot's limit of "
        f"{BOT_CONTENT_LIMIT}"
        for pointer, value in candidates
        if isinstance(value, str) and len(value) > BOT_CONTENT_LIMIT
    ]


@cache
def _shared_validator(path: str) -> SpecValidator:
    """One validator per spec file for the whole process: it holds no per-double state, and
    its compiled schemas and judged bodies are what make a test's start-up fast."""
    return SpecValidator.from_file(path)


def load_validator(
    validate: bool | None, spec_path: Path | str | None = None
) -> SpecValidator | None:
    """``validate=True`` (the default of the double and the sandbox) requires the spec and
    raises :class:`SpecNotFoundError` without it; ``None`` uses it if present (with a warning
    otherwise); ``False`` skips it. The spec ships inside the package, so only a broken install
    or a wrong ``DISCORD_API_SPEC`` can miss it."""
    if validate is False:
        return None
    try:
        return _shared_validator(str(Path(spec_path) if spec_path else default_spec_path()))
    except SpecNotFoundError as exc:
        if validate:
            raise
        log.warning("Request validation disabled: %s", exc)
        return None
