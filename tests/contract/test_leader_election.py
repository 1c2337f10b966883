"""The elector state machine over every backend's lock record, driven tick by tick with frozen clocks."""

from datetime import timedelta

from app.clock import FrozenClock
from app.domain.errors import StoreUnavailable
from app.domain.leader_locks import LockRecord
from app.maintenance.elector import ElectorSettings, LeaderElector, Role
from app.storage.port import LeaderLockStore
from tests.contract.conftest import T0, StoreHarness

SETTINGS = ElectorSettings(
    lease=timedelta(seconds=5), renew_interval=timedelta(seconds=1), safety_margin=timedelta(seconds=1)
)


class RoleLog:
    def __init__(self) -> None:
        self.changes: list[Role] = []

    async def __call__(self, role: Role) -> None:
        self.changes.append(role)


def elector(store: LeaderLockStore, name: str, clock: FrozenClock) -> tuple[LeaderElector, RoleLog]:
    log = RoleLog()
    return LeaderElector(store, holder=name, settings=SETTINGS, clock=clock, listener=log), log


async def test_the_first_contender_leads_and_the_second_follows(harness: StoreHarness) -> None:
    a, a_log = elector(harness.store, "a", FrozenClock(T0))
    b, b_log = elector(harness.sibling(), "b", FrozenClock(T0))

    assert await a.tick() is Role.LEADER
    assert await b.tick() is Role.FOLLOWER
    assert await a.tick() is Role.LEADER
    assert (a_log.changes, b_log.changes) == ([Role.LEADER], [])
    assert b.current_record is not None
    assert b.current_record.holder == "a"


async def test_a_silent_leader_is_replaced_after_one_lease_on_the_followers_clock(
    harness: StoreHarness,
) -> None:
    a, _ = elector(harness.store, "a", FrozenClock(T0))
    b_clock = FrozenClock(T0)
    b, _ = elector(harness.sibling(), "b", b_clock)
    await a.tick()

    await b.tick()  # first sight of a's record
    b_clock.advance(timedelta(seconds=4.9))
    assert await b.tick() is Role.FOLLOWER
    b_clock.advance(timedelta(seconds=0.1))
    assert await b.tick() is Role.LEADER
    # a wakes up: its renewal loses the compare-and-swap, so it steps down at once.
    assert await a.tick() is Role.FOLLOWER


async def test_a_renewing_leader_is_never_replaced(harness: StoreHarness) -> None:
    a_clock, b_clock = FrozenClock(T0), FrozenClock(T0)
    a, _ = elector(harness.store, "a", a_clock)
    b, _ = elector(harness.sibling(), "b", b_clock)
    await a.tick()
    for _ in range(20):
        a_clock.advance(SETTINGS.renew_interval)
        b_clock.advance(SETTINGS.renew_interval)
        assert await a.tick() is Role.LEADER
        assert await b.tick() is Role.FOLLOWER


async def test_resigning_hands_over_on_the_next_tick(harness: StoreHarness) -> None:
    a, a_log = elector(harness.store, "a", FrozenClock(T0))
    b, _ = elector(harness.sibling(), "b", FrozenClock(T0))
    await a.tick()
    await b.tick()

    await a.resign()

    assert a_log.changes == [Role.LEADER, Role.FOLLOWER]
    assert await b.tick() is Role.LEADER


class UnreachableAfterwards:
    """Passes calls through until ``cut`` is set, then behaves like a store that cannot be reached."""

    def __init__(self, store: LeaderLockStore) -> None:
        self._store = store
        self.cut = False

    async def read_lock(self, name: str) -> LockRecord | None:
        self._check()
        return await self._store.read_lock(name)

    async def create_lock(self, name: str, **kwargs: object) -> LockRecord:
        self._check()
        return await self._store.create_lock(name, **kwargs)  # type: ignore[arg-type]

    async def replace_lock(self, previous: LockRecord, **kwargs: object) -> LockRecord:
        self._check()
        return await self._store.replace_lock(previous, **kwargs)  # type: ignore[arg-type]

    async def delete_lock(self, previous: LockRecord) -> bool:
        self._check()
        return await self._store.delete_lock(previous)

    def _check(self) -> None:
        if self.cut:
            raise StoreUnavailable("cut off for the test")


async def test_a_leader_that_cannot_renew_steps_down_before_anyone_can_take_over(
    harness: StoreHarness,
) -> None:
    flaky = UnreachableAfterwards(harness.store)
    a_clock = FrozenClock(T0)
    a, a_log = elector(flaky, "a", a_clock)
    await a.tick()
    flaky.cut = True

    a_clock.advance(timedelta(seconds=3.9))
    assert await a.tick() is Role.LEADER  # still inside lease - margin = 4s
    a_clock.advance(timedelta(seconds=0.1))
    assert await a.tick() is Role.FOLLOWER
    assert a_log.changes == [Role.LEADER, Role.FOLLOWER]
