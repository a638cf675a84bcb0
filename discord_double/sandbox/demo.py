"""The sandbox's demo server, with the same ids every run.

The bot keeps server, channel, member and role ids in its database; a second sandbox run on
the same database must find the same server, so the demo's ids (and the bot's own) are made
from a fixed time and a counter instead of the clock. Everything made later (messages,
interactions, threads) gets ordinary fresh ids, which sort after the demo's.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..commands import CommandError
from ..double import DiscordDouble
from ..state import DISCORD_EPOCH_MS, FakeChannel, FakeGuild, FakeRole, FakeUser, SnowflakeFactory

__all__ = [
    "DEMO_CHANNELS",
    "DEMO_MEMBERS",
    "DemoServer",
    "StableSnowflakes",
    "build_demo_server",
]

MANAGE_GUILD = 1 << 5
# The moment the demo's ids pretend to come from (any fixed time before today works).
STABLE_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
DEMO_CHANNELS = ("general", "sessions", "readings")
# name -> the demo roles they have; "Organisers" carries Manage Server.
DEMO_MEMBERS = {
    "organiser": ("Organisers",),
    "member": ("Readers",),
    "carol": ("Readers",),
    "dave": (),
}


class StableSnowflakes(SnowflakeFactory):
    """Counted ids from a fixed time while :attr:`stable`; fresh clock-based ids afterwards."""

    def __init__(self) -> None:
        super().__init__()
        self.stable = True
        self._counter = itertools.count(1)
        self._base = int(STABLE_EPOCH.timestamp() * 1000) - DISCORD_EPOCH_MS

    def __call__(self) -> int:
        if self.stable:
            return (self._base << 22) | next(self._counter)
        return super().__call__()


@dataclass
class DemoServer:
    """The demo guild and its people: ``organiser`` (Manage Server), ``member`` and friends."""

    guild: FakeGuild
    organiser: FakeUser
    member: FakeUser
    roles: dict[str, FakeRole] = field(default_factory=dict)

    def user(self, name: str) -> FakeUser:
        """The member called ``name`` (``@carol`` works too)."""
        wanted = name.strip().lstrip("@")
        for member in self.guild.members.values():
            if member.user.name == wanted and not member.user.bot:
                return member.user
        raise CommandError(f"no member named {wanted!r} (members: {', '.join(self.names())})")

    def names(self) -> list[str]:
        return [name for name in DEMO_MEMBERS if self._has(name)]

    def _has(self, name: str) -> bool:
        return any(m.user.name == name for m in self.guild.members.values())

    def channel(self, name: str) -> FakeChannel:
        wanted = name.strip().lstrip("#")
        try:
            return self.guild.channel(wanted)
        except KeyError:
            known = ", ".join(f"#{c.name}" for c in self.guild.channels.values() if not c.is_thread)
            raise CommandError(f"no channel named #{wanted} (channels: {known})") from None

    def role(self, name: str) -> FakeRole:
        for candidate in (name.strip(), name.strip().lstrip("@&")):
            try:
                return self.guild.role(candidate)  # "@everyone" is the role's real name
            except KeyError:
                continue
        known = ", ".join(
            "@" + r.name.lstrip("@") for r in self.guild.roles.values() if not r.managed
        )
        raise CommandError(f"no role named {name.strip()!r} (roles: {known})")

    def describe_members(self) -> list[str]:
        """One line per demo member: name, roles and what those roles allow."""
        lines = []
        for name in self.names():
            user = self.user(name)
            roles = [self.guild.roles[r] for r in self.guild.members[user.id].role_ids]
            role_text = ", ".join(f"@{r.name}" for r in roles) or "no roles"
            power = " (Manage Server)" if any(r.permissions & MANAGE_GUILD for r in roles) else ""
            lines.append(f"  {name}: {role_text}{power}")
        return lines


def build_demo_server(double: DiscordDouble) -> DemoServer:
    """ "Study Circle Demo": #general, #sessions, #readings, @Organisers, @Readers and members.

    With a double built on :class:`StableSnowflakes`, the ids come out the same every run;
    the factory is switched to fresh ids once the server is built.
    """
    guild = double.add_guild("Study Circle Demo")
    for name in DEMO_CHANNELS[1:]:
        double.add_channel(guild, name)
    roles = {
        "Organisers": double.add_role(guild, "Organisers", MANAGE_GUILD),
        "Readers": double.add_role(guild, "Readers"),
    }
    users = {
        name: double.add_member(guild, name, roles=[roles[r] for r in role_names])
        for name, role_names in DEMO_MEMBERS.items()
    }
    if isinstance(double.world.snowflake, StableSnowflakes):
        double.world.snowflake.stable = False
    return DemoServer(guild, users["organiser"], users["member"], roles)
