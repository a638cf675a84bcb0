"""The double's world: users, guilds, channels, roles, members and the messages in them.

Everything here is plain data plus ``*_payload`` methods that shape it exactly as Discord's
gateway and REST API do, so discord.py builds real ``Guild``/``Member``/``Role``/``Message``
objects from it.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

__all__ = [
    "DISCORD_EPOCH_MS",
    "ChannelType",
    "FakeChannel",
    "FakeGuild",
    "FakeRole",
    "FakeUser",
    "SnowflakeFactory",
    "World",
    "iso_timestamp",
]

DISCORD_EPOCH_MS = 1420070400000
ADMINISTRATOR = 1 << 3
ALL_PERMISSIONS = (1 << 53) - 1
# What @everyone gets in a fresh server: view, send, read history, reactions, threads, etc.
DEFAULT_EVERYONE_PERMISSIONS = (
    (1 << 6)  # add reactions
    | (1 << 10)  # view channel
    | (1 << 11)  # send messages
    | (1 << 14)  # embed links
    | (1 << 15)  # attach files
    | (1 << 16)  # read message history
    | (1 << 18)  # use external emojis
    | (1 << 31)  # use application commands
    | (1 << 35)  # create public threads
    | (1 << 38)  # send messages in threads
    | (1 << 49)  # send polls
)
# The bot's own role: @everyone plus what a reading-group bot is invited with.
DEFAULT_BOT_PERMISSIONS = (
    DEFAULT_EVERYONE_PERMISSIONS
    | (1 << 13)  # manage messages
    | (1 << 17)  # mention everyone
    | (1 << 33)  # manage events
    | (1 << 34)  # manage threads
    | (1 << 36)  # create private threads
    | (1 << 44)  # create events
)


class ChannelType(IntEnum):
    text = 0
    dm = 1
    voice = 2
    category = 4
    news = 5
    news_thread = 10
    public_thread = 11
    private_thread = 12
    stage_voice = 13
    forum = 15


def iso_timestamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).isoformat()


class SnowflakeFactory:
    """Fresh snowflakes from the current time, so discord.py never sees an expired interaction."""

    def __init__(self) -> None:
        self._increment = itertools.count()
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            increment = next(self._increment) % 4096
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (millis << 22) | (1 << 17) | increment


@dataclass
class FakeUser:
    id: int
    name: str
    bot: bool = False
    closed_dms: bool = False
    dm_channel_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
        }


@dataclass
class FakeRole:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class FakeChannel:
    id: int
    name: str
    type: int = ChannelType.text
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    recipient: FakeUser | None = None  # DMs
    owner_id: int | None = None  # threads
    archived: bool = False

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_thread(self) -> bool:
        return self.type in (
            ChannelType.news_thread,
            ChannelType.public_thread,
            ChannelType.private_thread,
        )

    def payload(self, *, with_guild_id: bool = True) -> dict[str, Any]:
        if self.type == ChannelType.dm:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": int(self.type),
                "last_message_id": None,
                "recipients": [self.recipient.payload()],
                "flags": 0,
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": int(self.type),
            "name": self.name,
            "position": self.position,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "permission_overwrites": [],
            "nsfw": False,
            "flags": 0,
            "rate_limit_per_user": 0,
        }
        if self.type in (ChannelType.text, ChannelType.news, ChannelType.forum):
            data["topic"] = self.topic
            data["last_message_id"] = None
        if self.type in (ChannelType.voice, ChannelType.stage_voice):
            data.update(bitrate=64000, user_limit=0, rtc_region=None)
        if self.is_thread:
            data.update(
                owner_id=str(self.owner_id) if self.owner_id else None,
                member_count=1,
                message_count=0,
                total_message_sent=0,
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": iso_timestamp(),
                    "locked": False,
                    "invitable": True,
                },
            )
        if with_guild_id and self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        return data


@dataclass
class FakeMember:
    user: FakeUser
    role_ids: list[int]
    joined_at: str = field(default_factory=iso_timestamp)
    nick: str | None = None

    def payload(self, *, permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user": self.user.payload(),
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(role_id) for role_id in self.role_ids],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class FakeGuild:
    id: int
    name: str
    owner: FakeUser
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    roles: dict[int, FakeRole] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)
    scheduled_events: dict[int, dict[str, Any]] = field(default_factory=dict)
    created_at: str = field(default_factory=iso_timestamp)

    @property
    def everyone(self) -> FakeRole:
        return self.roles[self.id]  # Discord gives @everyone the guild's id

    @property
    def general(self) -> FakeChannel:
        return self.channel("general")

    def channel(self, name: str) -> FakeChannel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(f"guild {self.name!r} has no channel named {name!r}")

    def role(self, name: str) -> FakeRole:
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"guild {self.name!r} has no role named {name!r}")

    def member(self, name: str) -> FakeUser:
        for member in self.members.values():
            if member.user.name == name:
                return member.user
        raise KeyError(f"guild {self.name!r} has no member named {name!r}")

    def permissions_for(self, user_id: int) -> int:
        """Guild-level permissions, computed as Discord does (owner and Administrator = all)."""
        if user_id == self.owner.id:
            return ALL_PERMISSIONS
        member = self.members[user_id]
        value = self.everyone.permissions
        for role_id in member.role_ids:
            value |= self.roles[role_id].permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def payload(self, *, bot_user_id: int) -> dict[str, Any]:
        """The GUILD_CREATE body: complete enough for discord.py to cache the whole guild."""
        text_channels = [c for c in self.channels.values() if not c.is_thread]
        threads = [c for c in self.channels.values() if c.is_thread and not c.archived]
        members = list(self.members.values())
        me = self.members.get(bot_user_id)
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner.id),
            "region": "",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "system_channel_id": str(self.general.id) if self.channels else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "application_id": None,
            "widget_enabled": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [role.payload() for role in self.roles.values()],
            "channels": [channel.payload(with_guild_id=False) for channel in text_channels],
            "threads": [thread.payload() for thread in threads],
            "members": [member.payload() for member in members],
            "member_count": len(members),
            "large": False,
            "unavailable": False,
            "joined_at": me.joined_at if me else iso_timestamp(),
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": list(self.scheduled_events.values()),
            "soundboard_sounds": [],
            "premium_progress_bar_enabled": False,
            "nsfw": False,
        }


@dataclass
class World:
    """All guilds, users and messages the double knows, plus the bot's own identity."""

    snowflake: SnowflakeFactory
    bot_user: FakeUser
    application_id: int
    bot_permissions: int = DEFAULT_BOT_PERMISSIONS
    guilds: dict[int, FakeGuild] = field(default_factory=dict)
    users: dict[int, FakeUser] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    def guild_of_channel(self, channel_id: int) -> FakeGuild | None:
        channel = self.channels.get(channel_id)
        if channel is None or channel.guild_id is None:
            return None
        return self.guilds.get(channel.guild_id)

    def add_guild(self, name: str, *, owner_name: str = "owner") -> FakeGuild:
        guild_id = self.snowflake()
        owner = self.add_user(f"{owner_name}")
        guild = FakeGuild(id=guild_id, name=name, owner=owner)
        guild.roles[guild_id] = FakeRole(
            guild_id, guild_id, "@everyone", DEFAULT_EVERYONE_PERMISSIONS
        )
        guild.members[owner.id] = FakeMember(owner, [])
        bot_role = self.add_role(guild, self.bot_user.name, self.bot_permissions, managed=True)
        guild.members[self.bot_user.id] = FakeMember(self.bot_user, [bot_role.id])
        self.guilds[guild_id] = guild
        self.add_channel(guild, "general")
        return guild

    def add_user(self, name: str, *, bot: bool = False, closed_dms: bool = False) -> FakeUser:
        user = FakeUser(self.snowflake(), name, bot=bot, closed_dms=closed_dms)
        self.users[user.id] = user
        return user

    def add_channel(
        self,
        guild: FakeGuild,
        name: str,
        type: int = ChannelType.text,
        *,
        parent_id: int | None = None,
        owner_id: int | None = None,
    ) -> FakeChannel:
        position = sum(1 for channel in guild.channels.values() if not channel.is_thread)
        channel = FakeChannel(
            id=self.snowflake(),
            name=name,
            type=int(type),
            guild_id=guild.id,
            position=position,
            parent_id=parent_id,
            owner_id=owner_id,
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_role(
        self, guild: FakeGuild, name: str, permissions: int = 0, *, managed: bool = False
    ) -> FakeRole:
        role = FakeRole(self.snowflake(), guild.id, name, permissions, len(guild.roles), managed)
        guild.roles[role.id] = role
        return role

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        if user.dm_channel_id is None:
            channel = FakeChannel(self.snowflake(), "", ChannelType.dm, recipient=user)
            self.channels[channel.id] = channel
            user.dm_channel_id = channel.id
        return self.channels[user.dm_channel_id]
