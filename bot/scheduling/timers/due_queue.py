"""When the dispatcher must wake: a heap of ``(due timestamp, id)`` for the rows due soon.

It holds only the look-ahead window (see the dispatcher) and decides nothing about what runs:
the database does, when the dispatcher claims.

Cancelled and moved rows are *forgotten* lazily (skipped when they reach the top) rather than
removed, so a cancel costs O(1). The queue also says when a change should wake the sleeping
dispatcher: a new row due before the moment it sleeps until, or the forgetting of the first.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import UTC, datetime


class DueQueue:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int]] = []
        self._forgotten: set[int] = set()
        self._deadline: float | None = None  # the due time the dispatcher last slept towards

    def replace(self, entries: Iterable[tuple[datetime, int]]) -> int:
        """Start again from ``(due_at, timer id)`` pairs; returns how many there are."""
        heap = [(due.timestamp(), timer_id) for due, timer_id in entries]
        heapq.heapify(heap)
        self._heap = heap
        self._forgotten.clear()
        return len(heap)

    def push(self, timer_id: int, due_at: datetime) -> bool:
        """Add a row; True if it is due before the moment the dispatcher sleeps until."""
        self._forgotten.discard(timer_id)
        due = due_at.timestamp()
        heapq.heappush(self._heap, (due, timer_id))
        return self._deadline is None or due < self._deadline

    def forget(self, timer_id: int) -> bool:
        """Drop a row (lazily); True if it was the next one due."""
        self._forgotten.add(timer_id)
        return bool(self._heap) and self._heap[0][1] == timer_id

    def drop_due(self, now: datetime) -> int:
        """Remove every entry due by ``now`` (the dispatcher claims those from the database)."""
        now_ts = now.timestamp()
        heap = self._heap
        dropped = 0
        while heap and heap[0][0] <= now_ts:
            _, timer_id = heapq.heappop(heap)
            self._forgotten.discard(timer_id)
            dropped += 1
        return dropped

    def __len__(self) -> int:
        return len(self._heap)

    def next_due(self) -> datetime | None:
        """When the first live row is due (remembered as the deadline), None if none is."""
        heap = self._heap
        while heap and heap[0][1] in self._forgotten:
            self._forgotten.discard(heapq.heappop(heap)[1])
        if not heap:
            self._deadline = None
            return None
        self._deadline = heap[0][0]
        return datetime.fromtimestamp(self._deadline, UTC)
