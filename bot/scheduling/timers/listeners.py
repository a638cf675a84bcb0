"""How dispatchers hear of timer changes: in-process listeners, told after the commit.

A dispatcher must only hear of rows other connections can already see, and never of rows a
rolled-back transaction would have added; so :class:`~bot.scheduling.timers.service.TimerService`
queues each notification on the session with :func:`after_commit`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

_QUEUED = "timer_notifications"
_LISTENING = "timer_listening"


class TimerListener(Protocol):
    """What a :class:`~bot.scheduling.timers.service.TimerService` tells dispatchers."""

    def notify(self, timer_id: int, guild_id: int, due_at: datetime) -> None: ...

    def forget(self, timer_id: int) -> None: ...


def after_commit(session: AsyncSession, action: Callable[[], None]) -> None:
    """Run ``action`` once ``session``'s outermost transaction commits (dropped on rollback).

    SQLAlchemy also fires ``after_commit``/``after_rollback`` when a SAVEPOINT (such as the one
    :meth:`TimerService.schedule` uses) is released or rolled back; those are ignored, or the
    dispatcher would hear of rows other connections cannot see yet.
    """
    info = session.info
    queued: list[Callable[[], None]] = info.setdefault(_QUEUED, [])
    if not info.get(_LISTENING):
        info[_LISTENING] = True
        sync = session.sync_session

        def finish(_session: Any, *, run: bool) -> None:
            if _session.in_nested_transaction():
                return  # a savepoint ended; the real transaction goes on
            for queued_action in info.pop(_QUEUED, []) if run else ():
                try:
                    queued_action()
                except Exception:
                    log.exception("timer listener failed")
            info.pop(_QUEUED, None)

        def flush(_session: Any) -> None:
            finish(_session, run=True)

        def drop(_session: Any) -> None:
            finish(_session, run=False)

        event.listen(sync, "after_commit", flush)
        event.listen(sync, "after_rollback", drop)
    queued.append(action)
