"""Assertions shared by the library cog tests (readings, sources, kronstadt, timeline)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from discord_double import DiscordDouble, iter_components
from discord_double.interactions import InteractionReply
from discord_double.state import FakeGuild, FakeUser
from tests.e2e.fixtures import Server

NEXT = "Next ▶"
PREVIOUS = "◀ Previous"


def embed_size(embed: Mapping[str, Any]) -> int:
    """What Discord counts against an embed's 6,000 characters."""
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    size += len((embed.get("footer") or {}).get("text") or "")
    size += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        size += len(field["name"]) + len(field["value"])
    return size


def assert_message_fits(message: Mapping[str, Any]) -> None:
    assert len(message.get("content") or "") <= 2000
    embeds = message.get("embeds") or []
    assert len(embeds) <= 10
    for embed in embeds:
        assert len(embed.get("title") or "") <= 256
        assert len(embed.get("description") or "") <= 4096
        assert len((embed.get("footer") or {}).get("text") or "") <= 2048
        assert len((embed.get("author") or {}).get("name") or "") <= 256
        fields = embed.get("fields") or []
        assert len(fields) <= 25
        for field in fields:
            assert 0 < len(field["name"]) <= 256
            assert 0 < len(field["value"]) <= 1024
        assert embed_size(embed) <= 6000
    for component in iter_components(message.get("components") or []):
        if "custom_id" in component:
            assert len(component["custom_id"]) <= 100
        if "label" in component:
            assert len(component["label"]) <= 80


def assert_fits(reply: InteractionReply) -> None:
    assert reply.all_messages, f"no message in {reply.type} reply"
    for message in reply.all_messages:
        assert_message_fits(message)


def assert_choices(choices: list[dict[str, Any]]) -> None:
    assert len(choices) <= 25
    for choice in choices:
        assert 1 <= len(choice["name"]) <= 100
        assert len(str(choice["value"])) <= 100


def position(reply: InteractionReply) -> tuple[int, int]:
    """The ``(page, total)`` shown between the paging buttons (1-based)."""
    for component in iter_components((reply.message or {}).get("components") or []):
        label = str(component.get("label") or "")
        if component.get("type") == 2 and " / " in label:
            page, total = label.split(" / ")
            return int(page), int(total)
    return 1, 1


async def all_pages(
    double: DiscordDouble, guild: FakeGuild, user: FakeUser, first: InteractionReply
) -> list[str]:
    """Click Next until the last page as ``user`` (the owner: pages turn in place); the text
    of every page as it was shown (a reply reads the message live, so snapshot each one)."""
    assert_fits(first)
    texts = [first.text]
    _, total = position(first)
    page = first
    while position(page)[0] < total:
        number = position(page)[0]
        page = await double.press(guild, user, page, NEXT)
        assert page.type == "update"  # the owner's message turns the page in place
        assert page.message_id == first.message_id
        assert position(page) == (number + 1, total)
        assert_fits(page)
        texts.append(page.text)
    return texts


def page_texts(pages: Iterable[str]) -> str:
    return "\n".join(pages)


def mentions_allowed(double: DiscordDouble, reply: InteractionReply) -> list[dict[str, Any]]:
    """The ``allowed_mentions`` the bot sent with its answers to ``reply``'s interaction."""
    token = reply.pending.token
    found = []
    for request in double.requests:
        if token not in request.path and str(reply.interaction_id) not in request.path:
            continue
        body = request.json or {}
        data = body.get("data", body) if isinstance(body, dict) else {}
        if isinstance(data, dict) and "allowed_mentions" in data:
            found.append(data["allowed_mentions"])
    return found


async def assert_form_is_organisers_only(
    double: DiscordDouble, server: Server, command: str, values: Mapping[str, str]
) -> None:
    """A plain member can neither open ``command``'s form nor submit an organiser's copy."""
    refused = await double.slash(server.guild, server.member, command)
    assert refused.type == "message"
    assert refused.ephemeral
    assert "Only organisers" in refused.content
    # Even with an organiser's form in hand, the submission is checked server-side.
    form = await double.slash(server.guild, server.organiser, command)
    sneaked = await double.submit_modal(server.guild, server.member, form, values)
    assert sneaked.ephemeral
    assert "Only organisers" in sneaked.content
