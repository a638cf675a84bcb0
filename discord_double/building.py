"""Building the world the bot sees: servers, channels, roles and members (pushed live)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .core import DoubleCore
from .state import ChannelType, FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser

__all__ = ["PermissionsLike", "WorldBuilding"]


class _HasPermissionsValue(Protocol):
    @property
    def value(self) -> int: ...


PermissionsLike = int | _HasPermissionsValue


def _permission_value(permissions: PermissionsLike | None) -> int:
    if permissions is None:
        return 0
    return permissions if isinstance(permissions, int) else int(permissions.value)


class WorldBuilding(DoubleCore):
    """``add_guild``, ``add_channel``, ``add_role``, ``add_member`` and ``give_role``."""

    def add_guild(self, name: str, *, owner_name: str = "owner") -> FakeGuild:
        """A server with #general, @everyone, the bot (with its role) and an owner member."""
        guild = self.world.add_guild(name, owner_name=owner_name)
        self._push_guild(guild)
        return guild

    def add_channel(
        self,
        guild: FakeGuild,
        name: str,
        type: int = ChannelType.text,
        *,
        parent: FakeChannel | None = None,
    ) -> FakeChannel:
        channel = self.world.add_channel(guild, name, type, parent_id=parent.id if parent else None)
        self._push(guild.id, "CHANNEL_CREATE", channel.payload())
        return channel

    def add_role(self, guild: FakeGuild, name: str, permissions: PermissionsLike = 0) -> FakeRole:
        role = self.world.add_role(guild, name, _permission_value(permissions))
        self._push(
            guild.id, "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()}
        )
        return role

    def add_member(
        self,
        guild: FakeGuild,
        name: str | FakeUser,
        *,
        permissions: PermissionsLike | None = None,
        roles: Sequence[FakeRole] = (),
        bot: bool = False,
        closed_dms: bool = False,
    ) -> FakeUser:
        """A member (a new user, or an existing ``FakeUser`` joining another server).

        ``permissions`` gives the member a personal role carrying exactly those permissions.
        """
        user = (
            name
            if isinstance(name, FakeUser)
            else self.world.add_user(name, bot=bot, closed_dms=closed_dms)
        )
        role_ids = [role.id for role in roles]
        if permissions is not None:
            personal = self.add_role(guild, f"{user.name}'s role", permissions)
            role_ids.append(personal.id)
        member = FakeMember(user, role_ids)
        guild.members[user.id] = member
        self._push(guild.id, "GUILD_MEMBER_ADD", {**member.payload(), "guild_id": str(guild.id)})
        return user

    def give_role(self, guild: FakeGuild, user: FakeUser, role: FakeRole) -> None:
        member = guild.members[user.id]
        if role.id not in member.role_ids:
            member.role_ids.append(role.id)
        data = {**member.payload(), "guild_id": str(guild.id)}
        self._push(guild.id, "GUILD_MEMBER_UPDATE", data)
