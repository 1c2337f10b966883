"""Wake-ups between the processes on one SQLite file: what one announces reaches the others' claimers,
a sibling that died is swept away, and nothing a datagram says does more than wake a re-check.

Two ``SiblingWakeups`` in one process stand for two processes: each binds its own socket in the folder.
Waits end on the event they wait for; the bound only fails a broken test.
"""

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.storage.sqlite.sibling_wakeups import ANY_QUEUE, SiblingWakeups

PATIENCE_SECONDS = 10.0


class Received:
    def __init__(self) -> None:
        self.wakes: list[frozenset[str] | None] = []
        self.arrived = asyncio.Event()

    def __call__(self, queues: frozenset[str] | None) -> None:
        self.wakes.append(queues)
        self.arrived.set()

    async def next(self) -> frozenset[str] | None:
        async with asyncio.timeout(PATIENCE_SECONDS):
            await self.arrived.wait()
        self.arrived.clear()
        return self.wakes.pop(0)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "w.db"


@pytest.fixture
async def pair(database: Path) -> AsyncIterator[tuple[SiblingWakeups, Received, SiblingWakeups, Received]]:
    first, second = SiblingWakeups(database), SiblingWakeups(database)
    first_got, second_got = Received(), Received()
    assert first.start(first_got)
    assert second.start(second_got)
    yield first, first_got, second, second_got
    first.close()
    second.close()


async def test_queues_announced_by_one_process_wake_the_other_and_not_itself(
    pair: tuple[SiblingWakeups, Received, SiblingWakeups, Received],
) -> None:
    first, first_got, _, second_got = pair
    first.announce(["emails", "reports"])
    first.announce(["emails"])  # the same turn of the loop: one datagram
    assert await second_got.next() == frozenset({"emails", "reports"})
    assert first_got.wakes == []
    assert second_got.wakes == []


async def test_names_too_many_for_one_datagram_wake_every_queue(
    pair: tuple[SiblingWakeups, Received, SiblingWakeups, Received],
) -> None:
    first, _, _, second_got = pair
    first.announce(f"queue-{number:04d}" for number in range(1_000))
    assert await second_got.next() is None


async def test_a_socket_left_by_a_dead_process_is_swept_away(
    pair: tuple[SiblingWakeups, Received, SiblingWakeups, Received],
) -> None:
    first, _, _, second_got = pair
    left_behind = first.directory / "dead-process"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as crashed:
        crashed.bind(os.fspath(left_behind))  # closed without removing its file, as a SIGKILL leaves it
    first.announce(["emails"])
    assert await second_got.next() == frozenset({"emails"})
    assert not left_behind.exists()


async def test_what_a_datagram_says_only_wakes(
    pair: tuple[SiblingWakeups, Received, SiblingWakeups, Received],
) -> None:
    _, _, second, second_got = pair
    assert second.address is not None
    address = os.fspath(second.address)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as stranger:
        stranger.sendto(b"\xff\xfe\n\n" + b"x" * 10, address)
        assert await second_got.next() == frozenset({"\ufffd\ufffd", "x" * 10})
        stranger.sendto(ANY_QUEUE, address)
        assert await second_got.next() is None
        stranger.sendto(b"y" * 9_000, address)  # longer than any announcement
        assert await second_got.next() is None


async def test_a_socket_path_too_long_for_unix_sockets_leaves_the_process_without(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 120)
    deep.mkdir()
    wakeups = SiblingWakeups(deep / "w.db")
    assert not wakeups.start(Received())
    wakeups.announce(["emails"])  # harmless without a socket
    wakeups.close()


async def test_a_folder_that_cannot_be_made_leaves_the_process_without(database: Path) -> None:
    database.with_name(f"{database.name}-wake").write_text("a file where the folder belongs")
    wakeups = SiblingWakeups(database)
    assert not wakeups.start(Received())
    assert wakeups.address is None
    wakeups.close()
