"""Which servers' timers a process may dispatch: a set of shards, in Python and in SQL.

Discord puts a server on shard ``(guild_id >> 22) % shard_count``. A process dispatches the
timers of the shards it holds a lease on (:mod:`~.leases`), which are its configured
``SHARD_IDS`` plus any it has taken over from a dead process. Without sharding the whole bot is
one shard, ``0`` of ``1``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, literal_column, true
from sqlalchemy.orm import InstrumentedAttribute

from bot.db.models.scheduling import Timer


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


def shard_key(shard_count: int, shard_id: int) -> str:
    """The lease row's key; the count is part of it, so differently sharded fleets never mix."""
    return f"{shard_count}:{shard_id}"


@dataclass(frozen=True)
class ShardSet:
    count: int
    ids: frozenset[int]

    @classmethod
    def everything(cls) -> ShardSet:
        return cls(1, frozenset({0}))

    @property
    def complete(self) -> bool:
        return len(self.ids) == self.count

    def __contains__(self, guild_id: object) -> bool:
        return isinstance(guild_id, int) and shard_of(guild_id, self.count) in self.ids

    def where(self, guild_id: InstrumentedAttribute[int] = Timer.guild_id) -> ColumnElement[bool]:
        """SQL for "the row's server is on one of these shards" (a timer's by default)."""
        if self.complete:
            return true()
        if not self.ids:
            return false()
        # A literal shift: PostgreSQL has ``bigint >> integer`` but no ``bigint >> bigint``.
        return (guild_id.op(">>")(literal_column("22")) % self.count).in_(sorted(self.ids))
