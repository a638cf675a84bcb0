"""The websocket half of the double: enough of Discord's gateway for discord.py's shards.

Per connection: HELLO, IDENTIFY (honouring ``shard: [id, count]``), READY and one GUILD_CREATE per
guild of that shard, heartbeats with ACKs, member chunk requests, and dispatches pushed by the
double (MESSAGE_CREATE, INTERACTION_CREATE, GUILD_CREATE for guilds added later). RESUME is
answered with INVALID_SESSION, so a reconnecting client simply identifies again.

Compression follows the ``compress`` query parameter: ``zlib-stream`` gets binary frames from one
shared compressor flushed with ``Z_SYNC_FLUSH`` per message; anything we cannot produce (such as
``zstd-stream``) gets plain text frames, which discord.py also accepts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

__all__ = ["GatewayHub", "GatewaySession", "IdentifyRecord", "Opcode"]

log = logging.getLogger(__name__)


class Opcode:
    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE = 3
    RESUME = 6
    RECONNECT = 7
    REQUEST_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


@dataclass(frozen=True)
class IdentifyRecord:
    shard_id: int
    shard_count: int
    intents: int | None
    token: str


class GatewaySession:
    """One websocket connection (one shard of the bot)."""

    def __init__(self, hub: GatewayHub, ws: web.WebSocketResponse, compression: str | None) -> None:
        self.hub = hub
        self.ws = ws
        self.compression = compression
        self._compressor = zlib.compressobj() if compression == "zlib-stream" else None
        self._send_lock = asyncio.Lock()
        self.sequence = 0
        self.session_id = f"session-{id(self):x}"
        self.identify: IdentifyRecord | None = None
        self.ready = asyncio.Event()  # READY and every GUILD_CREATE sent
        self.last_heartbeat: float | None = None  # time.monotonic() of the latest heartbeat
        self.heartbeat_count = 0
        self.sent_guild_ids: set[int] = set()

    @property
    def shard_id(self) -> int:
        return self.identify.shard_id if self.identify else 0

    def handles_guild(self, guild_id: int) -> bool:
        if self.identify is None:
            return False
        return (guild_id >> 22) % self.identify.shard_count == self.identify.shard_id

    async def send(self, op: int, data: Any, event: str | None = None) -> None:
        async with self._send_lock:
            if self.ws.closed:
                return
            payload: dict[str, Any] = {"op": op, "d": data, "s": None, "t": event}
            if op == Opcode.DISPATCH:
                self.sequence += 1
                payload["s"] = self.sequence
            text = json.dumps(payload)
            try:
                if self._compressor is not None:
                    chunk = self._compressor.compress(text.encode())
                    chunk += self._compressor.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(chunk)
                else:
                    await self.ws.send_str(text)
            except ConnectionError:
                log.debug("Gateway connection closed while sending %s", event or op)

    async def dispatch(self, event: str, data: Any) -> None:
        await self.send(Opcode.DISPATCH, data, event)

    async def run(self) -> None:
        await self.send(Opcode.HELLO, {"heartbeat_interval": self.hub.heartbeat_interval_ms})
        async for message in self.ws:
            if message.type == WSMsgType.TEXT:
                await self._handle(json.loads(message.data))
            elif message.type == WSMsgType.BINARY:
                await self._handle(json.loads(zlib.decompress(message.data)))
            elif message.type == WSMsgType.ERROR:
                log.debug("Gateway websocket error: %s", self.ws.exception())

    async def _handle(self, message: dict[str, Any]) -> None:
        op = message.get("op")
        data: Any = message.get("d")  # a JSON payload: its shape depends on the opcode
        if op == Opcode.HEARTBEAT:
            self.last_heartbeat = time.monotonic()
            self.heartbeat_count += 1
            await self.send(Opcode.HEARTBEAT_ACK, None)
        elif op == Opcode.IDENTIFY:
            await self._identify(data)
        elif op == Opcode.RESUME:
            await self.send(Opcode.INVALID_SESSION, False)
        elif op == Opcode.REQUEST_MEMBERS:
            await self._send_member_chunk(data)
        elif op == Opcode.PRESENCE:
            pass
        else:
            log.debug("Gateway ignored opcode %s", op)

    async def _identify(self, data: dict[str, Any]) -> None:
        shard_id, shard_count = data.get("shard") or [0, 1]
        self.identify = IdentifyRecord(
            shard_id=shard_id,
            shard_count=shard_count,
            intents=data.get("intents"),
            token=data.get("token", ""),
        )
        self.hub.identifies.append(self.identify)
        guild_ids = [guild_id for guild_id in self.hub.guild_ids() if self.handles_guild(guild_id)]
        await self.dispatch("READY", self.hub.ready_payload(self, guild_ids))
        for guild_id in guild_ids:
            await self.send_guild(guild_id)
        self.ready.set()
        self.hub.notify()

    async def send_guild(self, guild_id: int) -> None:
        self.sent_guild_ids.add(guild_id)
        await self.dispatch("GUILD_CREATE", self.hub.guild_payload(guild_id))

    async def _send_member_chunk(self, data: dict[str, Any]) -> None:
        guild_id = int(data["guild_id"])
        members = self.hub.member_payloads(guild_id)
        chunk: dict[str, Any] = {
            "guild_id": str(guild_id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)


@dataclass
class GatewayHub:
    """Accepts gateway connections and routes dispatches to the shard owning each guild."""

    guild_ids: Callable[[], Iterable[int]]
    ready_payload: Callable[[GatewaySession, list[int]], dict[str, Any]]
    guild_payload: Callable[[int], dict[str, Any]]
    member_payloads: Callable[[int], list[dict[str, Any]]]
    heartbeat_interval_ms: int = 41250
    sessions: list[GatewaySession] = field(default_factory=list)
    identifies: list[IdentifyRecord] = field(default_factory=list)
    on_change: Callable[[], None] = lambda: None

    def notify(self) -> None:
        self.on_change()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        session = GatewaySession(self, ws, request.query.get("compress"))
        self.sessions.append(session)
        try:
            await session.run()
        finally:
            self.sessions.remove(session)
            self.notify()
        return ws

    def live_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions if s.ready.is_set() and not s.ws.closed]

    def session_for_guild(self, guild_id: int | None) -> GatewaySession | None:
        for session in self.live_sessions():
            if guild_id is None and session.shard_id == 0:
                return session
            if guild_id is not None and session.handles_guild(guild_id):
                return session
        return None

    @property
    def last_heartbeat(self) -> float | None:
        beats = [s.last_heartbeat for s in self.sessions if s.last_heartbeat is not None]
        return max(beats, default=None)

    async def close(self) -> None:
        for session in list(self.sessions):
            await session.ws.close(code=1001, message=b"double shutting down")
