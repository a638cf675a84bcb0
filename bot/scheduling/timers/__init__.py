"""Durable timers: every timed action is a row, fired once by the process that owns its server.

Modules: :mod:`~.records` (statuses, :class:`TimerRecord`), :mod:`~.service` (writing rows),
:mod:`~.listeners` (telling this process's dispatcher after a commit), :mod:`~.wakeups`
(telling the other processes, PostgreSQL LISTEN/NOTIFY), :mod:`~.shards` and :mod:`~.leases`
(which process dispatches which servers), and :mod:`~.dispatcher` (the loop), made of
:mod:`~.due_queue` (when to wake), :mod:`~.claims` (claiming rows, recording outcomes),
:mod:`~.runner` (running handlers) and :mod:`~.recovery` (rows a stopped process left running).

Rules (why they are what they are):

* **At most once.** A due row is *claimed* (``pending -> running``) in its own committed
  transaction before its handler runs, so two processes can never both run it. After the handler
  returns the row becomes ``done`` (or ``late``); if it raises, ``failed`` with the traceback,
  and it is *not* retried: a handler that crashed halfway may already have sent its message, and
  a duplicate announcement is worse than a missing one.
* **Claim only what is due, from the database.** Pending rows stay in the database. A process
  keeps only the next few minutes of due times in memory (the look-ahead window, refilled as
  time passes) to know when to wake, and claims no more rows than it has free handler slots; on
  PostgreSQL with ``FOR UPDATE SKIP LOCKED``. Memory and start-up do not grow with the number of
  pending timers.
* **One task per process.** The dispatcher sleeps until the earliest due time it knows of;
  ``notify`` (from this process's :class:`TimerService` after a commit, or from another process
  through LISTEN/NOTIFY) wakes it for an earlier row. It never polls; it only wakes at least
  every ``max_sleep`` (a guard against clock jumps) and to renew its leases.
* **Leases and takeover.** Each process holds a lease per shard it dispatches (its configured
  ``SHARD_IDS``), renewed every 15 s and valid for 45 s. When a process dies its leases expire
  and a live process takes its shards over, within a minute; Discord's REST API needs no gateway
  connection, so its servers' timers keep firing. Two processes given the same shards are
  detected and logged; only the lease holder dispatches.
* **Crashes.** A row left ``running`` is settled only when its claimer holds no live lease (never
  because its claim is old): it goes back to ``pending`` if its kind was registered with
  ``redeliver=True`` and the claim is a few minutes old at most (such handlers send with
  :func:`delivery_nonce`, and Discord answers a repeated nonce with the message it already
  created), and is otherwise marked ``interrupted`` and reported through ``on_missed``.
* **Graceful stop.** On SIGTERM the dispatcher stops claiming, lets running handlers finish
  within a grace period and gives its leases up, so another process (or its successor) takes
  over at once.
* **Downtime.** A row overdue by less than ``grace`` runs at once and is marked ``late``; an
  older one is marked ``missed`` without running, and ``on_missed`` is called with it.
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
    TimerObserver,
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
    "TimerDispatcher",
    "TimerObserver",
    "TimerRecord",
    "TimerService",
    "delivery_nonce",
]
