"""The dispatcher's due queue on its own: order, lazy forgetting, and when to wake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.scheduling.timers.due_queue import DueQueue

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_the_next_wake_up_follows_due_order_and_drops_what_is_due() -> None:
    queue = DueQueue()
    assert queue.replace([(at(30), 3), (at(10), 1), (at(20), 2), (at(90), 9)]) == 4
    assert queue.next_due() == at(10)
    assert queue.drop_due(at(25)) == 2
    assert queue.next_due() == at(30)
    queue.push(4, at(50))
    queue.push(5, at(55))
    assert queue.drop_due(at(60)) == 3
    assert queue.next_due() == at(90)
    assert len(queue) == 1


def test_a_forgotten_row_never_comes_out() -> None:
    queue = DueQueue()
    queue.replace([(at(10), 1), (at(20), 2), (at(30), 3)])
    queue.forget(1)
    assert queue.next_due() == at(20)
    queue.forget(3)
    assert queue.next_due() == at(20)
    assert queue.drop_due(at(40)) == 2  # 2, and the forgotten 3 with it
    assert queue.next_due() is None


def test_it_says_when_the_sleeping_dispatcher_must_wake() -> None:
    queue = DueQueue()
    assert queue.push(1, at(30))  # nothing was due: the dispatcher sleeps without a deadline
    assert queue.next_due() == at(30)  # it now sleeps until 12:30
    assert not queue.push(2, at(40))
    assert queue.push(3, at(20))
    assert not queue.forget(2)  # not the next one due
    queue.next_due()  # it sleeps until 12:20
    assert queue.forget(3)
