"""A loopback Discord (gateway + REST API v10) for tests and the sandbox.

See :mod:`discord_double.double` for the model (and the map of its parts) and
:mod:`discord_double.testing` for the pytest helpers. To point an unmodified discord.py at it::

    discord.http.Route.BASE = double.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(double.gateway_url)
"""

from .commands import CommandError, FakeAttachment
from .components import find_button, iter_components
from .double import DiscordDouble
from .interactions import InteractionReply, ReplyFile
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
