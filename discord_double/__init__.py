"""A loopback Discord (gateway + REST API v10) for tests and the sandbox.

See :mod:`discord_double.double` for the model and :mod:`discord_double.testing` for
the pytest helpers. To point an unmodified discord.py at it::

    discord.http.Route.BASE = double.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(double.gateway_url)
"""

from .double import DiscordDouble
from .interactions import (
    CommandError,
    FakeAttachment,
    InteractionReply,
    ReplyFile,
    find_button,
    iter_components,
)
from .render import render
from .server import Fault, RecordedRequest
from .state import ChannelType, FakeChannel, FakeGuild, FakeRole, FakeUser
from .validation import SpecNotFoundError, SpecValidator

__all__ = [
    "ChannelType",
    "CommandError",
    "DiscordDouble",
    "FakeAttachment",
    "FakeChannel",
    "FakeGuild",
    "FakeRole",
    "FakeUser",
    "Fault",
    "InteractionReply",
    "RecordedRequest",
    "ReplyFile",
    "SpecNotFoundError",
    "SpecValidator",
    "find_button",
    "iter_components",
    "render",
]
