"""What members do: slash commands, autocomplete, buttons, selects, modals and messages.

Each action sends the bot an interaction (or a MESSAGE_CREATE) over the gateway and, for
interactions, waits for the bot's full answer, returned as an :class:`InteractionReply`; a
rejected answer (invalid against Discord's description) fails at once with the reason.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from .commands import (
    CommandError,
    build_command_data,
    build_message_menu_data,
    find_command,
    find_context_menu,
)
from .components import find_button, iter_components, modal_submit_components
from .core import DoubleCore
from .interactions import InteractionKind, InteractionReply, PendingInteraction, interaction_payload
from .state import FakeChannel, FakeGuild, FakeUser, iso_timestamp

__all__ = ["MemberActions", "MessageRef"]

# After a deferred update (type 6) the bot usually edits or follows up; wait this long for it.
DEFERRED_UPDATE_SETTLE = 0.3
MESSAGE_CONTENT_INTENT = 1 << 15
USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")

MessageRef = int | str | Mapping[str, Any] | InteractionReply


class MemberActions(DoubleCore):
    """``slash``, ``autocomplete``, ``click``/``press``, ``select``, ``submit_modal`` and
    ``send_message``: a member's actions, as the bot receives them."""

    async def slash(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        command: str,
        options: Mapping[str, Any] | None = None,
        /,
        *,
        in_channel: FakeChannel | None = None,
        reply_timeout: float | None = None,
        **more_options: Any,
    ) -> InteractionReply:
        """Run ``/command`` (``"config timezone"`` for subcommands) as ``member``.

        Options come as keywords, or as the ``options`` mapping when a name clashes with a
        parameter here. Users, channels and roles are given as ``FakeUser``/``FakeChannel``/
        ``FakeRole`` and resolved like Discord does.
        """
        values = {**(options or {}), **more_options}
        path = command.strip().lstrip("/").split()
        root, words, leaf = find_command(self.commands_for(guild), path)
        data = build_command_data(
            self.world,
            guild,
            root,
            words,
            leaf,
            values,
            attachment_files=self.rest.files,
            base_url=self.base_url,
        )
        channel = self._channel_for(guild, member, in_channel)
        pending = await self._send_interaction(
            InteractionKind.APPLICATION_COMMAND, guild, member, channel, data, name=" ".join(path)
        )
        return await self._await_reply(pending, reply_timeout)

    async def autocomplete(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        command: str,
        option: str,
        value: str,
        /,
        *,
        in_channel: FakeChannel | None = None,
        reply_timeout: float | None = None,
        **other_options: Any,
    ) -> list[dict[str, Any]]:
        """The choices the bot offers while ``member`` types ``value`` into ``option``."""
        path = command.strip().lstrip("/").split()
        root, words, leaf = find_command(self.commands_for(guild), path)
        values = {**other_options, option: value}
        data = build_command_data(
            self.world,
            guild,
            root,
            words,
            leaf,
            values,
            focused=option,
            attachment_files=self.rest.files,
            base_url=self.base_url,
        )
        channel = self._channel_for(guild, member, in_channel)
        pending = await self._send_interaction(
            InteractionKind.AUTOCOMPLETE, guild, member, channel, data, name=" ".join(path)
        )
        reply = await self._await_reply(pending, reply_timeout)
        if reply.callback_type != 8:
            raise AssertionError(f"autocomplete answered with {reply.type}, not choices")
        return reply.choices

    async def click(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        message: MessageRef,
        custom_id: str,
        *,
        reply_timeout: float | None = None,
    ) -> InteractionReply:
        """Press the button ``custom_id`` on a bot message."""
        return await self._component(guild, member, message, custom_id, None, reply_timeout)

    async def press(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        message: MessageRef,
        label: str,
        *,
        reply_timeout: float | None = None,
    ) -> InteractionReply:
        """Press the button labelled exactly ``label`` on a bot message (see :meth:`click`)."""
        custom_id = str(find_button(self._resolve_message(message), label)["custom_id"])
        return await self.click(guild, member, message, custom_id, reply_timeout=reply_timeout)

    async def select(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        message: MessageRef,
        custom_id: str,
        values: Sequence[str],
        *,
        reply_timeout: float | None = None,
    ) -> InteractionReply:
        """Choose ``values`` in the select menu ``custom_id`` on a bot message."""
        return await self._component(guild, member, message, custom_id, list(values), reply_timeout)

    async def submit_modal(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        modal_reply: InteractionReply,
        values: Mapping[str, str | Sequence[str]],
        *,
        reply_timeout: float | None = None,
    ) -> InteractionReply:
        """Fill in and submit the modal the bot showed in ``modal_reply``."""
        modal = modal_reply.modal
        if modal is None:
            raise CommandError(f"that reply is a {modal_reply.type}, not a modal")
        data = {
            "custom_id": modal["custom_id"],
            "components": modal_submit_components(modal, values),
        }
        source = modal_reply.pending
        channel = self.world.channels[source.channel_id]
        pending = await self._send_interaction(
            InteractionKind.MODAL_SUBMIT,
            guild,
            member,
            channel,
            data,
            name=modal["custom_id"],
            message=self.world.messages.get(source.source_message_id or 0),
        )
        return await self._await_reply(pending, reply_timeout)

    async def message_command(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        name: str,
        target: MessageRef,
        *,
        in_channel: FakeChannel | None = None,
        reply_timeout: float | None = None,
    ) -> InteractionReply:
        """Run the message context-menu command ``name`` ("Apps" on a message) on ``target``."""
        command = find_context_menu(self.commands_for(guild), name, 3)
        message = self._resolve_message(target)
        channel = in_channel or self.world.channels.get(int(message["channel_id"]))
        channel = self._channel_for(guild, member, channel)
        data = build_message_menu_data(command, message)
        pending = await self._send_interaction(
            InteractionKind.APPLICATION_COMMAND, guild, member, channel, data, name=name
        )
        return await self._await_reply(pending, reply_timeout)

    def _mentions_in(self, content: str) -> list[dict[str, Any]]:
        """The users a message's ``<@id>`` tokens name, as Discord lists them in ``mentions``."""
        found: dict[int, dict[str, Any]] = {}
        for match in USER_MENTION.finditer(content):
            user = self.world.users.get(int(match[1]))
            if user is not None:
                found.setdefault(user.id, user.payload())
        return list(found.values())

    async def send_message(
        self,
        channel: FakeChannel,
        author: FakeUser,
        content: str,
        *,
        reply_to: MessageRef | None = None,
    ) -> dict[str, Any]:
        """A member posts ``content`` (a reply to ``reply_to``, if given); the bot receives
        MESSAGE_CREATE, with ``mentions`` filled from the ``<@id>`` tokens as Discord does."""
        message = {
            "id": str(self.world.snowflake()),
            "channel_id": str(channel.id),
            "type": 0,
            "author": author.payload(),
            "content": content,
            "timestamp": iso_timestamp(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": "@everyone" in content or "@here" in content,
            "mentions": self._mentions_in(content),
            "mention_roles": [m[1] for m in ROLE_MENTION.finditer(content)],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "flags": 0,
        }
        if reply_to is not None:
            replied = self._resolve_message(reply_to)
            message["type"] = 19
            message["message_reference"] = {
                "type": 0,
                "message_id": replied["id"],
                "channel_id": replied["channel_id"],
            }
            message["referenced_message"] = replied
        self.rest.store_message(message)
        event = dict(message)
        guild = self.world.guild_of_channel(channel.id)
        if guild is not None:
            event["guild_id"] = str(guild.id)
            member = guild.members[author.id].payload()
            member.pop("user")
            event["member"] = member
        await self._drain()
        session = self.hub.session_for_guild(guild.id if guild else None)
        if session is None:
            raise AssertionError("the bot is not connected to the gateway")
        intents = session.identify.intents if session.identify else None
        mentioned = f"<@{self.world.bot_user.id}>" in content
        if intents is not None and not intents & MESSAGE_CONTENT_INTENT and not mentioned:
            event["content"] = ""  # Discord withholds content without the privileged intent
        await session.dispatch("MESSAGE_CREATE", event)
        return message

    # --- interaction plumbing -------------------------------------------------------------

    def _channel_for(
        self, guild: FakeGuild | None, member: FakeUser, channel: FakeChannel | None
    ) -> FakeChannel:
        if channel is not None:
            return channel
        if guild is None:
            return self.world.dm_channel(member)
        return guild.general

    def _resolve_message(self, ref: MessageRef) -> dict[str, Any]:
        if isinstance(ref, InteractionReply):
            message = ref.message
            if message is None:
                raise CommandError(f"that reply ({ref.type}) has no message to interact with")
            return message
        key = ref["id"] if isinstance(ref, Mapping) else ref
        message = self.world.messages.get(int(key))
        if message is None:
            raise CommandError(f"unknown message {key}")
        return message

    async def _component(
        self,
        guild: FakeGuild | None,
        member: FakeUser,
        ref: MessageRef,
        custom_id: str,
        values: list[str] | None,
        reply_timeout: float | None,
    ) -> InteractionReply:
        message = self._resolve_message(ref)
        component = next(
            (c for c in iter_components(message["components"]) if c.get("custom_id") == custom_id),
            None,
        )
        if component is None:
            ids = [
                c["custom_id"] for c in iter_components(message["components"]) if "custom_id" in c
            ]
            raise CommandError(f"message {message['id']} has no component {custom_id!r}: {ids}")
        if component.get("disabled"):
            raise CommandError(f"component {custom_id!r} is disabled")
        is_select = component["type"] in (3, 5, 6, 7, 8)
        if is_select != (values is not None):
            verb = "select" if is_select else "click"
            raise CommandError(f"component {custom_id!r} is type {component['type']}: use {verb}()")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if values is not None:
            data["values"] = values
        channel = self.world.channels[int(message["channel_id"])]
        pending = await self._send_interaction(
            InteractionKind.MESSAGE_COMPONENT,
            guild,
            member,
            channel,
            data,
            name=custom_id,
            message=message,
        )
        return await self._await_reply(pending, reply_timeout)

    async def _send_interaction(
        self,
        kind: int,
        guild: FakeGuild | None,
        user: FakeUser,
        channel: FakeChannel,
        data: dict[str, Any],
        *,
        name: str,
        message: dict[str, Any] | None = None,
    ) -> PendingInteraction:
        await self._drain()
        pending = PendingInteraction(
            id=self.world.snowflake(),
            token=secrets.token_urlsafe(48),
            kind=kind,
            guild_id=guild.id if guild else None,
            channel_id=channel.id,
            user=user,
            name=name,
            source_message_id=int(message["id"]) if message else None,
        )
        payload = interaction_payload(self.world, pending, guild, channel, data, message)
        session = self.hub.session_for_guild(guild.id if guild else None)
        if session is None:
            raise AssertionError(
                "the bot is not connected to the gateway (await double.wait_until_ready())"
            )
        self.rest.interactions[pending.id] = pending
        self.rest.interactions_by_token[pending.token] = pending
        await session.dispatch("INTERACTION_CREATE", payload)
        return pending

    def _reply(self, pending: PendingInteraction) -> InteractionReply:
        return InteractionReply(pending, self.world, self.rest.files)

    async def _await_reply(
        self, pending: PendingInteraction, reply_timeout: float | None
    ) -> InteractionReply:
        timeout = reply_timeout or self.timeout
        errors_before = len(self.validation_errors)
        requests_before = len(self.requests)

        def related_failures() -> list[str]:
            return [
                e
                for e in self.validation_errors[errors_before:]
                if pending.token in e or str(pending.id) in e
            ]

        try:
            await self._signal.wait_until(lambda: pending.complete() or related_failures(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not answer {pending.name!r} within {timeout}s. "
                f"It did: {pending.log or 'nothing'}; requests meanwhile: "
                f"{self._describe_requests(requests_before)}; failures: {self.failures}"
            ) from None
        failures = related_failures()
        if failures:
            raise AssertionError(
                f"the bot's answer to {pending.name!r} was rejected: {'; '.join(failures)}"
            )
        if pending.callback_type == 6:
            with contextlib.suppress(TimeoutError):
                await self._signal.wait_until(
                    lambda: pending.original_edits or pending.followup_ids, DEFERRED_UPDATE_SETTLE
                )
        return self._reply(pending)
