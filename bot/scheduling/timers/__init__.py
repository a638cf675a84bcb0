"""Durable timers: every timed action is a row, fired by one dispatcher task at most once.

Modules: :mod:`~.records` (statuses, :class:`TimerRecord`), :mod:`~.service` (writing rows),
:mod:`~.listeners` (telling dispatchers after a commit), :mod:`~.dispatcher` (the loop), which
is made of :mod:`~.due_queue` (what is due when), :mod:`~.claims` (claiming rows and recording
outcomes), :mod:`~.runner` (running handlers) and :mod:`~.recovery` (rows a crash left behind).

Rules (why they are what they are):

* **At most once.** A due row is *claimed* (``pending -> running``) by a guarded UPDATE in its
  own committed transaction before its handler runs, so two dispatchers (or two processes) can
  never both run it. After the handler returns the row becomes ``done`` (or ``late``); if it
  raises, ``failed`` with the traceback, and it is *not* retried: a handler that crashed halfway
  may already have sent its message, and a duplicate announcement is worse than a missing one.
* **Crashes.** A row still ``running`` at start-up belonged to a process that died mid-action.
  If its kind was registered with ``redeliver=True`` and it was claimed within
  ``redeliver_within``, it goes back to ``pending`` and runs again: such handlers send with
  :func:`delivery_nonce`, and Discord answers a repeated nonce (``enforce_nonce``) with the
  message it already created, so the member gets it exactly once whether or not the dead
  process had sent it. Otherwise it is marked ``interrupted`` and not resent (at most once),
  and organisers are told through ``on_missed``: at once when the claim came from a process of
  this host that no longer exists, or else (a claim from another host, which may still be
  working) once the claim is older than ``stale_claim_after``, checked again at that moment.
* **Downtime.** A row overdue by less than ``grace`` runs at once and is marked ``late``; an
  older one is marked ``missed`` without running, and ``on_missed`` is called with it.
* **One task.** The dispatcher keeps a heap of ``(due timestamp, id)`` for this process's
  pending rows and sleeps until the earliest; ``notify`` (called by :class:`TimerService` after
  a commit) wakes it when an earlier row is added or the first one is cancelled. It never polls
  the database; it only wakes at least every ``max_sleep`` to re-read the wall clock (a guard
  against clock jumps and suspended hosts).
* **Sharding.** ``shard_filter(guild_id)`` selects the servers this process dispatches; rows of
  other servers are neither loaded nor claimed.
* **Idempotent scheduling.** ``dedupe_key`` is unique: scheduling the same logical action again
  returns the existing row (a cancelled one is revived), so recurring handlers can schedule the
  next occurrence without fear of doubles.
* **Unknown kinds** are left pending (not claimed) so that a process without that handler never
  burns another process's timers.
"""

from bot.scheduling.timers.dispatcher import TimerDispatcher
from bot.scheduling.timers.records import (
    CANCELLED,
    DONE,
    FAILED,
    INTERRUPTED,
    LATE,
    MISSED,
    PENDING,
    RUNNING,
    Handler,
    MissedCallback,
    ShardFilter,
    TimerRecord,
    delivery_nonce,
)
from bot.scheduling.timers.service import TimerService

__all__ = [
    "CANCELLED",
    "DONE",
    "FAILED",
    "INTERRUPTED",
    "LATE",
    "MISSED",
    "PENDING",
    "RUNNING",
    "Handler",
    "MissedCallback",
    "ShardFilter",
    "TimerDispatcher",
    "TimerRecord",
    "TimerService",
    "delivery_nonce",
]
