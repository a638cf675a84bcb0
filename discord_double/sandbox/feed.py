"""What the bot does by itself, shown as it happens: posts, DMs, edits, threads and events.

The feed listens to every change the double sees and notes, in order, which messages,
threads and scheduled events appeared, changed or went away; :meth:`Feed.flush` prints those
notes (the sandbox calls it after each command and each step of a ``wait``). Every message
shown gets a number, command replies included, so a person can say ``click Going on 4``.
Attachments are saved to a folder and their paths printed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from ..commands import CommandError
from ..double import DiscordDouble
from ..messages import EPHEMERAL, LOADING
from ..render import EPHEMERAL_MARK, Markup, render_markup, render_message
from ..state import ChannelType

__all__ = ["Feed", "format_moment"]

_JUMP_LINK = re.compile(r"https://discord\.com/channels/\d+/\d+/(?P<message>\d+)")
EVENT_STATUS = {1: "scheduled", 2: "started", 3: "ended", 4: "cancelled"}
_EVENT_FIELDS = ("name", "status", "scheduled_start_time", "scheduled_end_time", "description")


def format_moment(moment: datetime, zone: tzinfo) -> str:
    """``Thu 5 Mar 2026 19:00`` in the reader's zone."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def _stamp(message: Mapping[str, Any]) -> tuple[Any, ...]:
    """Cheap to compute, and different after anything that changes how a message looks."""
    poll = message.get("poll") or {}
    return (
        message.get("edited_timestamp"),
        message.get("flags"),
        len(message.get("attachments") or []),
        bool((poll.get("results") or {}).get("is_finalized")),
        message.get("thread") is not None,
    )


@dataclass
class _Watched:
    """What the feed last saw of the double, to tell what changed since."""

    stamps: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    threads: dict[int, tuple[str, bool]] = field(default_factory=dict)
    events: dict[int, dict[str, Any]] = field(default_factory=dict)


class Feed:
    """Numbers messages and reports the bot's own activity; see the module docstring."""

    def __init__(
        self,
        double: DiscordDouble,
        markup: Markup,
        say: Callable[[str], None],
        files_dir: Path,
    ) -> None:
        self.double, self.markup, self.say, self.files_dir = double, markup, say, files_dir
        self._ids: dict[int, int] = {}  # number -> message id
        self._numbers: dict[int, int] = {}  # message id -> number
        self._shown: dict[int, str] = {}  # message id -> its text (markup as sent) last shown
        self._saved: set[int] = set()  # attachment ids already written out
        self._notes: list[tuple[Any, ...]] = []
        self._seen = _Watched()
        self._remove = double.add_change_listener(self.observe)

    def close(self) -> None:
        self._remove()

    # --- numbers ---------------------------------------------------------------------------

    def number(self, message_id: int) -> int:
        """The message's number, given now if it has none yet."""
        if message_id not in self._numbers:
            number = len(self._ids) + 1
            self._ids[number] = message_id
            self._numbers[message_id] = number
        return self._numbers[message_id]

    def message(self, number: int) -> dict[str, Any]:
        """The message shown as ``[number]``, as it is now."""
        message_id = self._ids.get(number)
        if message_id is None:
            last = f"1 to {len(self._ids)}" if self._ids else "none yet"
            raise CommandError(f"there is no message {number} (numbers so far: {last})")
        found = self.double.world.messages.get(message_id)
        if found is None:
            raise CommandError(f"message {number} was deleted")
        return found

    def remember(self, message: Mapping[str, Any]) -> None:
        """The reader has now seen ``message`` as it is (later edits are compared with it)."""
        self._shown[int(message["id"])] = render_message(message)

    @property
    def has_news(self) -> bool:
        return bool(self._notes)

    # --- watching --------------------------------------------------------------------------

    def observe(self) -> None:
        """Note what changed since the last call (called on every change the double sees)."""
        world, seen = self.double.world, self._seen
        for message_id, message in world.messages.items():
            stamp = _stamp(message)
            before = seen.stamps.get(message_id)
            if before is None:
                self._notes.append(("new", message_id))
            elif before != stamp:
                self._notes.append(("edit", message_id))
            seen.stamps[message_id] = stamp
        for message_id in [i for i in seen.stamps if i not in world.messages]:
            del seen.stamps[message_id]
            self._notes.append(("gone", message_id))
        for guild in world.guilds.values():
            for channel in guild.channels.values():
                if channel.is_thread:
                    state = (channel.name, channel.archived)
                    if seen.threads.get(channel.id) != state:
                        self._notes.append(("thread", channel.id, seen.threads.get(channel.id)))
                        seen.threads[channel.id] = state
            for event_id, event in guild.scheduled_events.items():
                now = {key: event.get(key) for key in _EVENT_FIELDS}
                if seen.events.get(event_id) != now:
                    self._notes.append(("event", seen.events.get(event_id), now))
                    seen.events[event_id] = now
            for event_id in [i for i in seen.events if i not in guild.scheduled_events]:
                self._notes.append(("event", seen.events.pop(event_id), None))

    # --- printing --------------------------------------------------------------------------

    def flush(self) -> None:
        """Print every note taken since the last flush, in the order things happened."""
        notes, self._notes = self._notes, []
        for note in notes:
            kind = note[0]
            if kind == "new":
                self._print_new(note[1])
            elif kind == "edit":
                self._print_edit(note[1])
            elif kind == "gone" and note[1] in self._numbers:
                self.say(f"🗑 message {self._numbers[note[1]]} was deleted")
            elif kind == "thread":
                self._print_thread(note[1], note[2])
            elif kind == "event":
                self._print_event(note[1], note[2])

    def show(self, message: Mapping[str, Any], label: str = "reply") -> None:
        """Print a message under ``[n] label:`` (a command's reply, say), saving its files."""
        number = self.number(int(message["id"]))
        text = self.render(message)
        self.say(_block(f"[{number}] {label}{_only_you(message)}:", _without_mark(text)))
        self.remember(message)
        self.save_attachments(message, number)

    def render(self, message: Mapping[str, Any]) -> str:
        """The message as a reader sees it; links to numbered messages say their number."""
        return self.readable(render_message(message))

    def readable(self, text: str) -> str:
        return _JUMP_LINK.sub(self._jump, render_markup(text, self.markup))

    def _jump(self, link: re.Match[str]) -> str:
        number = self._numbers.get(int(link["message"]))
        return f"(↪ message {number})" if number is not None else link[0]

    def place(self, channel_id: int) -> str:
        """``#sessions``, ``thread "Session …"`` or ``DM to carol``."""
        channel = self.double.world.channels.get(channel_id)
        if channel is None:
            return f"channel {channel_id}"
        if channel.type == ChannelType.dm:
            return f"DM to {channel.recipient.name if channel.recipient else '?'}"
        if channel.is_thread:
            return f"🧵 {channel.name}"
        return f"#{channel.name}"

    def _print_new(self, message_id: int) -> None:
        message = self.double.world.messages.get(message_id)
        if message is None or message_id in self._numbers:
            return  # gone already, or shown as a command's reply
        if message.get("interaction_metadata"):
            if int(message.get("flags") or 0) & LOADING:
                self._notes.append(("new", message_id))  # still "thinking": show it once done
                return
            name = message["interaction_metadata"].get("name", "")
            self.show(message, label=f"follow-up to {name}")
            return
        number = self.number(message_id)
        text = self.render(message)
        author = message.get("author", {}).get("username", "?")
        place = self.place(int(message["channel_id"]))
        header = f"[{number}] {place} ▸ {author}{_only_you(message)}:"
        self.say(_block(header, _without_mark(text)))
        self.remember(message)
        self.save_attachments(message, number)

    def _print_edit(self, message_id: int) -> None:
        message = self.double.world.messages.get(message_id)
        if message is None or message_id not in self._shown:
            return  # not shown yet: it will be shown as it is now
        # Compared as sent, so "in 3 days" becoming "in 2 days" as time passes is no edit.
        raw = render_message(message)
        before = self._shown[message_id]
        if raw == before:
            return
        number = self._numbers[message_id]
        changed = [self.readable(line) for line in _changed_lines(before, raw)]
        header = f"✎ edited message {number} in {self.place(int(message['channel_id']))}:"
        self.say(_block(header, "\n".join(changed)) if changed else header + " (lines removed)")
        self.remember(message)
        self.save_attachments(message, number)

    def _print_thread(self, thread_id: int, before: tuple[str, bool] | None) -> None:
        thread = self.double.world.channels.get(thread_id)
        if thread is None:
            return
        parent = self.place(thread.parent_id) if thread.parent_id else "?"
        if before is None:
            self.say(f'🧵 thread "{thread.name}" opened in {parent}')
        elif before[1] != thread.archived:
            state = "archived" if thread.archived else "reopened"
            self.say(f'🧵 thread "{thread.name}" {state}')
        elif before[0] != thread.name:
            self.say(f'🧵 thread "{before[0]}" renamed to "{thread.name}"')

    def _print_event(self, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        if after is None:
            assert before is not None
            self.say(f"📅 event deleted: {before['name']}")
            return
        if before is None:
            self.say(f"📅 event created: {after['name']} — {self._span(after)}")
            return
        changes = []
        if before["status"] != after["status"]:
            changes.append(EVENT_STATUS.get(int(after["status"] or 0), "changed"))
        if before["scheduled_start_time"] != after["scheduled_start_time"]:
            changes.append(f"now {self._span(after)}")
        if before["name"] != after["name"]:
            changes.append(f'renamed from "{before["name"]}"')
        if before["description"] != after["description"] and not changes:
            changes.append("description updated")
        self.say(f"📅 event {after['name']}: {', '.join(changes) or 'updated'}")

    def _span(self, event: Mapping[str, Any]) -> str:
        start = datetime.fromisoformat(str(event["scheduled_start_time"]))
        text = format_moment(start, self.markup.zone)
        if event.get("scheduled_end_time"):
            end = datetime.fromisoformat(str(event["scheduled_end_time"])).astimezone(
                self.markup.zone
            )
            text += f"–{end:%H:%M}"
        return text

    def save_attachments(self, message: Mapping[str, Any], number: int) -> None:
        """Write the message's new attachments to the files folder and print their paths."""
        for attachment in message.get("attachments") or []:
            attachment_id = int(attachment["id"])
            data = self.double.attachment_data(attachment)
            if attachment_id in self._saved or data is None:
                continue
            self._saved.add(attachment_id)
            self.files_dir.mkdir(parents=True, exist_ok=True)
            path = self.files_dir / f"{number}-{Path(attachment['filename']).name}"
            path.write_bytes(data)
            self.say(f"    📎 saved {path}")


def _only_you(message: Mapping[str, Any]) -> str:
    return f" {EPHEMERAL_MARK}" if int(message.get("flags") or 0) & EPHEMERAL else ""


def _without_mark(text: str) -> str:
    """The text without its first line's ephemeral mark (the header carries it)."""
    return text.removeprefix(EPHEMERAL_MARK).removeprefix("\n")


def _block(header: str, text: str) -> str:
    """``header text`` for one line; otherwise the text indented under the header."""
    lines = text.splitlines() or [""]
    if len(lines) == 1:
        return f"{header} {lines[0]}".rstrip()
    return "\n".join([header, *(f"    {line}" for line in lines)])


def _changed_lines(before: str, after: str) -> list[str]:
    """The lines of ``after`` that are new or different from ``before``."""
    diff: Iterable[str] = difflib.ndiff(before.splitlines(), after.splitlines())
    return [line[2:] for line in diff if line.startswith("+ ")]
