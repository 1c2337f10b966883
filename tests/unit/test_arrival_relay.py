"""The arrival board's side of the wake-ups between processes: what it relays, and whom a nudge wakes."""

import asyncio
import random
from datetime import UTC, datetime

from app.domain.task import Task
from app.services.arrivals import ArrivalBoard, ArrivalWaiter
from app.services.new_task import NewTask
from app.services.policies import TaskPolicies

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def _task(queue: str) -> Task:
    return NewTask(queue=queue, kind="k").to_task(TaskPolicies(), at=NOW)


def test_published_arrivals_are_relayed_as_their_queues() -> None:
    board = ArrivalBoard()
    relayed: list[frozenset[str]] = []
    board.relay_to(relayed.append)
    board.publish([_task("emails"), _task("emails"), _task("reports")])
    board.publish([])
    assert relayed == [frozenset({"emails", "reports"})]


def test_a_nudge_wakes_the_claimers_of_its_queues_and_of_every_queue_only() -> None:
    board = ArrivalBoard()
    with (
        board.waiting_for(["emails"]) as emails,
        board.waiting_for(["reports", "emails"]) as both,
        board.waiting_for(["reports"]) as reports,
        board.waiting_for([]) as anything,
    ):
        board.nudge(frozenset({"emails"}))
        assert [waiter.arrived.is_set() for waiter in (emails, both, reports, anything)] == [
            True,
            True,
            False,
            True,
        ]
        assert emails.take_offered() == []  # woken to re-check the store: nothing was handed over


def test_a_nudge_for_some_queue_wakes_every_claimer() -> None:
    board = ArrivalBoard()
    with board.waiting_for(["emails"]) as emails, board.waiting_for(["reports"]) as reports:
        board.nudge(None)
        assert emails.arrived.is_set()
        assert reports.arrived.is_set()


async def test_claimers_are_woken_in_a_fresh_random_order_each_time() -> None:
    """A fixed order would give every arrival to the same long-blocked claimer."""
    board = ArrivalBoard(random.Random(7))
    firsts: set[str] = set()
    with board.waiting_for(["emails"]) as one, board.waiting_for(["emails"]) as two:
        for _ in range(20):
            woken: list[str] = []

            async def note(name: str, waiter: ArrivalWaiter, woken: list[str] = woken) -> None:
                await waiter.arrived.wait()
                woken.append(name)

            listeners = [asyncio.create_task(note("one", one)), asyncio.create_task(note("two", two))]
            await asyncio.sleep(0)  # both are waiting
            board.nudge(frozenset({"emails"}))
            await asyncio.gather(*listeners)
            firsts.add(woken[0])
            one.take_offered()
            two.take_offered()
    assert firsts == {"one", "two"}
