"""What the bot does when Discord refuses something it does on its own (posts, edits, DMs).

* **No second retry layer.** discord.py already retries a 429 after its ``retry_after`` and a
  500/502/504/524 up to five times with back-off. A :class:`discord.HTTPException` that reaches
  the bot is therefore final and is never retried here: another layer would multiply requests
  during an outage and risk duplicate posts. Announcements, reading posts, reminders and
  poll results carry a nonce (``enforce_nonce``) so discord.py's own retries cannot post twice.
* **Carry on.** A handler finishes the rest of its work (scheduling the next timers, the other
  recipients), then raises :class:`NotDelivered` if its main post was refused, so the timer row
  is recorded ``failed`` (not retried) with the reason.
* **Tell organisers once per problem.** :meth:`FaultNotes.report` posts one note in the log
  channel per (server, place, kind of failure), where a place is a channel or ``"events"``. A
  success in that place forgets it, so a problem that comes back is reported again. The memory
  lives in the process (a restart may repeat a note once). Without a log channel the note is
  only logged. A deleted message (404 on an edit) is not a problem to report: callers forget
  the message and carry on.
"""

from __future__ import annotations

import logging
import weakref

import discord

from bot.types import StudyBot
from bot.ui.limits import CONTENT, truncate
from bot.ui.sessions import tell_organisers

log = logging.getLogger(__name__)

FORBIDDEN = "forbidden"
GONE = "gone"
DISCORD_DOWN = "discord"
REFUSED = "refused"

Place = int | str  # a channel id, or a name such as "events"


class NotDelivered(Exception):
    """Raised at the end of a timer handler whose main post Discord refused (handled, told)."""


def failure_kind(error: discord.HTTPException) -> str:
    if isinstance(error, discord.Forbidden):
        return FORBIDDEN
    if isinstance(error, discord.NotFound):
        return GONE
    if isinstance(error, discord.DiscordServerError) or error.status >= 500:
        return DISCORD_DOWN
    return REFUSED


def reason(error: discord.HTTPException, place: Place) -> str:
    """Why it failed and what an organiser can do, in plain words."""
    kind = failure_kind(error)
    if kind == FORBIDDEN:
        check = (
            f"Check that I can view <#{place}>, send messages, embed links and create threads "
            "there."
            if isinstance(place, int)
            else "Check my role's permissions."
        )
        return (
            f"I lack the permission (Discord: {error.status} {error.text or 'Forbidden'}). {check}"
        )
    if kind == GONE:
        return (
            f"it no longer exists (Discord: {error.status} {error.text or 'Not Found'}). "
            "Pick another channel with `/config channel`."
        )
    if kind == DISCORD_DOWN:
        return (
            f"Discord kept answering with a server error ({error.status}) after several "
            "retries. This is usually a Discord outage and passes by itself."
        )
    detail = f"{error.status} {error.text}" if error.text else str(error.status)
    return f"Discord refused it ({detail})."


class FaultNotes:
    """One note per problem in a server's log channel (see the module docstring)."""

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self._told: set[tuple[int, Place, str]] = set()

    async def report(
        self, guild_id: int, place: Place, error: discord.HTTPException, what: str
    ) -> bool:
        """Log the failure and tell organisers unless this problem was already told.

        ``what`` says what could not be done (``I could not post … in <#…>``). True if a note
        was posted now.
        """
        key = (guild_id, place, failure_kind(error))
        log.warning("guild %s, %s: %s (%s %s)", guild_id, place, what, error.status, error.text)
        if key in self._told:
            return False
        self._told.add(key)  # before awaiting: two handlers failing at once post one note
        text = (
            f"⚠️ {what}: {reason(error, place)}\n"
            "While this lasts, other posts there may fail too; I will not repeat this note."
        )
        told = await tell_organisers(self.bot, guild_id, truncate(text, CONTENT))
        if not told:
            self._told.discard(key)  # no log channel (or it failed too): say it next time
        return told

    def ok(self, guild_id: int, place: Place) -> None:
        """Something worked in ``place``: forget its problems so a new one is told again."""
        if self._told:
            self._told = {key for key in self._told if key[:2] != (guild_id, place)}


_notes: weakref.WeakKeyDictionary[StudyBot, FaultNotes] = weakref.WeakKeyDictionary()


def fault_notes(bot: StudyBot) -> FaultNotes:
    """The bot's :class:`FaultNotes` (one per bot, shared by every cog)."""
    notes = _notes.get(bot)
    if notes is None:
        notes = _notes[bot] = FaultNotes(bot)
    return notes
