"""Reading what a person types: slash commands with ``name:value`` options, and durations.

A value runs until the next `` name:`` that is an option of that very command, so
``/remind me when:friday 18:00 what:Read ch. 2`` needs no quotes. Quotes (``"…"`` or ``'…'``)
keep a value whole when it must contain `` name:`` itself; the errors say when that is needed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from ..commands import CommandError, OptionType, find_command

__all__ = ["parse_command_line", "parse_duration", "parse_wait", "split_options"]

_SUBCOMMAND_TYPES = (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP)
# Any ``name:value`` word, for lines read without the command list.
_ANY_OPTION = re.compile(
    r"""(?P<key>[\w-]+):(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S*))|(?P<word>\S+)"""
)
# Where an option may start: a name and a colon at the start of a word.
_OPTION_START = re.compile(r"(?:(?<=\s)|^)(?P<name>[A-Za-z_][\w-]*):")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(w|d|h|m|s)", re.IGNORECASE)
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")
WAIT_EXAMPLES = "wait 2d, wait 1h30m, wait until thursday 18:00 or wait until 2026-03-05 18:00"


def parse_wait(text: str, now: datetime, zone: tzinfo) -> datetime:
    """Where ``wait <text>`` goes: ``2d`` / ``1h30m`` from ``now``, or ``until <moment>``.

    A moment is ``[weekday] HH:MM`` (the next such time in ``zone``), ``YYYY-MM-DD`` (its
    midnight) or ``YYYY-MM-DD HH:MM``.
    """
    words = text.strip()
    if not words:
        raise CommandError(f"wait how long? e.g. {WAIT_EXAMPLES}")
    if words.lower().startswith("until "):
        return _moment(words[6:].strip(), now, zone)
    try:
        return now + parse_duration(words)
    except CommandError:
        raise CommandError(f"wait {words}: not a duration; try {WAIT_EXAMPLES}") from None


def _moment(text: str, now: datetime, zone: tzinfo) -> datetime:
    local_now = now.astimezone(zone)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(now.tzinfo)
    parts = text.lower().split()
    short_days = [day[:3] for day in _WEEKDAYS]
    weekday = None
    if (
        parts
        and parts[0][:3] in short_days
        and _WEEKDAYS[short_days.index(parts[0][:3])].startswith(parts[0])
    ):
        weekday = short_days.index(parts.pop(0)[:3])
    clock = _CLOCK_TIME.match(parts[0]) if len(parts) == 1 else None
    if clock is None and (weekday is None or parts):
        raise CommandError(f"wait until {text}: not a moment; try {WAIT_EXAMPLES}")
    try:
        at = time(int(clock[1]), int(clock[2] or 0)) if clock else time(0, 0)
    except ValueError as error:
        raise CommandError(f"wait until {text}: {error}") from None
    day: date = local_now.date()
    for _ in range(8):
        candidate = datetime.combine(day, at, tzinfo=zone)
        if candidate > local_now and (weekday is None or day.weekday() == weekday):
            return candidate.astimezone(now.tzinfo)
        day += timedelta(days=1)
    raise CommandError(f"wait until {text}: not a moment; try {WAIT_EXAMPLES}")


def parse_duration(text: str) -> timedelta:
    """``2d``, ``30m``, ``1h30m``, ``1w``, ``90s`` (parts may be separated by spaces)."""
    compact = text.strip().lower()
    parts = _DURATION_PART.findall(compact)
    if not parts or _DURATION_PART.sub("", compact).strip():
        raise CommandError(f"{text.strip()!r} is not a duration; try 2d, 30m or 1h30m")
    seconds = sum(float(amount) * _UNIT_SECONDS[unit.lower()] for amount, unit in parts)
    return timedelta(seconds=seconds)


def parse_command_line(
    line: str, commands: Sequence[Mapping[str, Any]] | None = None
) -> tuple[list[str], dict[str, str]]:
    """``"/config timezone zone:Europe/London"`` -> ``(["config", "timezone"], {"zone": ...})``.

    With ``commands`` (the synced command payloads) the path stops at the last real subcommand
    and options are split on that command's option names (see :func:`split_options`); an
    unknown command raises :class:`CommandError`. Without them, every ``name:`` starts an option.
    """
    text = line.strip().removeprefix("/")
    if commands is None:
        return _parse_loosely(text)
    words = text.split()
    if not words:
        raise CommandError("no command: type something like /ping")
    path = [words[0]]
    rest = text[len(words[0]) :]
    while True:
        subcommands = _subcommand_names(commands, path)
        found = re.match(r"\s*(\S+)", rest)
        if not subcommands or found is None or found.group(1) not in subcommands:
            break
        path.append(found.group(1))
        rest = rest[found.end() :]
    _, _, leaf = find_command([dict(c) for c in commands], path)
    return path, split_options(rest, leaf, "/" + " ".join(path))


def split_options(
    text: str, leaf: Sequence[Mapping[str, Any]], command: str = "the command", noun: str = "option"
) -> dict[str, str]:
    """``text`` cut at each `` name:`` where ``name`` is one of ``leaf``'s options (or a form's
    fields: ``noun="field"``)."""
    kinds = {str(option["name"]): int(option["type"]) for option in leaf}
    names = set(kinds)
    starts = [m for m in _OPTION_START.finditer(text) if m["name"] in names]
    first = starts[0].start() if starts else len(text)
    _reject_leading_text(text[:first].strip(), kinds, command, noun)
    options: dict[str, str] = {}
    value_starts: dict[str, int] = {}
    position = 0
    for found in starts:
        if found.start() < position:
            continue  # inside a quoted value
        name = found["name"]
        value, position, quoted = _read_value(text, found.end(), starts, name)
        if name in options:
            raise CommandError(_twice(name, text[value_starts[name] : position].strip()))
        value_starts[name] = found.end()
        if not quoted:
            _reject_stray_options(value, kinds, name, command, noun)
        options[name] = value
    return options


def _read_value(
    text: str, start: int, starts: Sequence[re.Match[str]], name: str
) -> tuple[str, int, bool]:
    """The value starting at ``start``, the position after it and whether it was quoted."""
    following = next((m.start() for m in starts if m.start() > start), len(text))
    quote = text[start : start + 1]
    if quote in ('"', "'"):
        close = text.find(quote, start + 1)
        while close != -1 and close + 1 < len(text) and not text[close + 1].isspace():
            close = text.find(quote, close + 1)
        if close == -1:
            raise CommandError(f"{name}: has an opening {quote} but no closing one")
        inner = text[start + 1 : close]
        following = next((m.start() for m in starts if m.start() > close), len(text))
        tail = text[close + 1 : following].strip()
        return (f"{inner} {tail}" if tail else inner), following, True
    return text[start:following].strip(), following, False


def _reject_leading_text(leading: str, kinds: Mapping[str, int], command: str, noun: str) -> None:
    if not leading:
        return
    named = _OPTION_START.match(leading)
    if named is not None:
        raise CommandError(_unknown_option(named["name"], kinds, command, noun))
    if not kinds:
        raise CommandError(f"{command} takes no {noun}s; unexpected {leading!r}")
    raise CommandError(
        f"unexpected {leading!r}: options look like name:value "
        f"({command} has {', '.join(f'{n}:' for n in kinds)})"
    )


def _reject_stray_options(
    value: str, kinds: Mapping[str, int], owner: str, command: str, noun: str
) -> None:
    """A ``word:`` inside a value is kept (URLs, "Note: …") unless it is surely a mistake:
    a near miss of an option name, or inside a value that cannot hold text."""
    for found in _OPTION_START.finditer(value):
        word = found["name"]
        near = difflib.get_close_matches(word, list(kinds), n=1, cutoff=0.75)
        if kinds[owner] != OptionType.STRING:
            raise CommandError(_unknown_option(word, kinds, command, noun))
        if near:
            raise CommandError(
                f"{_unknown_option(word, kinds, command, noun)}; if {word + ':'!r} is part of "
                f'the text, put the whole value in quotes: {owner}:"{value}"'
            )


def _unknown_option(name: str, kinds: Mapping[str, int], command: str, noun: str) -> str:
    near = difflib.get_close_matches(name, list(kinds), n=1, cutoff=0.6)
    hint = f" (did you mean {near[0]}:?)" if near else ""
    listing = ", ".join(f"{n}:" for n in kinds) or "none"
    return f"{command} has no {noun} {name}:{hint}; its {noun}s: {listing}"


def _twice(name: str, both: str) -> str:
    return (
        f"{name}: is given twice; if the second {name + ':'!r} is part of the text, "
        f'put the whole value in quotes: {name}:"{both}"'
    )


def _parse_loosely(text: str) -> tuple[list[str], dict[str, str]]:
    path: list[str] = []
    options: dict[str, str] = {}
    last_key: str | None = None
    for match in _ANY_OPTION.finditer(text):
        word = match.group("word")
        if word is not None:
            if not options:
                path.append(word)
                continue
            if last_key is None:
                raise CommandError(f"unexpected word {word!r}; options look like name:value")
            options[last_key] = f"{options[last_key]} {word}".strip()
            continue
        key = match.group("key")
        value = next(v for v in match.group("dq", "sq", "bare") if v is not None)
        options[key] = value
        last_key = key
    if not path:
        raise CommandError("no command: type something like /ping")
    return path, options


def _subcommand_names(commands: Sequence[Mapping[str, Any]], path: list[str]) -> set[str]:
    root = next((c for c in commands if c["name"] == path[0]), None)
    if root is None:
        return set()
    options: Sequence[Mapping[str, Any]] = root.get("options", [])
    for word in path[1:]:
        sub = next((o for o in options if o["name"] == word), None)
        if sub is None:
            return set()
        options = sub.get("options", [])
    return {o["name"] for o in options if o["type"] in _SUBCOMMAND_TYPES}
