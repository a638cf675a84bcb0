"""Each member's own rhythm in a server (no Discord imports).

* :mod:`~.zones` — a member's own time zone, falling back to the server's.
"""

from bot.members.zones import MemberZone, MemberZones, local_text

__all__ = ["MemberZone", "MemberZones", "local_text"]
