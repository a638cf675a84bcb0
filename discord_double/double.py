"""``DiscordDouble``: a loopback Discord (gateway + REST) for tests and the sandbox.

async with DiscordDouble() as double:
    guild = double.add_guild("Reading Group")
    alice = double.add_member(guild, "alice", permissions=discord.Permissions(manage_guild=True))
    ...  # point discord.py at double.api_base / double.gateway_url and start the bot
    await double.wait_until_ready()
    reply = await double.slash(guild, alice, "config timezone", zone="Europe/London")
    assert "Europe/London" in reply.content

The class is assembled from parts that each read in one sitting:

* :mod:`.core`: the world, the server, recorded traffic (``requests``, ``failures``) and
  ``fail_next``;
* :mod:`.building`: ``add_guild``, ``add_channel``, ``add_role``, ``add_member``, ``give_role``;
* :mod:`.actions`: ``slash``, ``autocomplete``, ``click``, ``press``, ``select``,
  ``submit_modal``, ``send_message``;
* :mod:`.observing`: ``channel_messages`` and friends, and every ``wait_*``.
"""

from __future__ import annotations

from .actions import MemberActions, MessageRef
from .building import WorldBuilding
from .observing import Observing

__all__ = ["DiscordDouble", "MessageRef"]


class DiscordDouble(WorldBuilding, MemberActions, Observing):
    """An in-process Discord for an unmodified discord.py bot. See the module docstring."""
