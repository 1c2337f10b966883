"""``LeaderElector``: a follower/leader state machine over one lock record.

Followers read the record each tick. Absent: create it (create-only) and lead. Held by someone else:
remember its version and when this process first saw it; once that same version has stood for a full
lease on this process's monotonic clock, the holder is presumed dead and the follower takes the record
over with a compare-and-swap. Expiry is judged on the observer's own clock, never on the holder's
wall-clock timestamp, so clock skew between servers does not matter (Tasques did the same).

The leader renews every tick with a compare-and-swap. It trusts its leadership only until
``renewal start + lease - safety margin``: if renewals fail (store unreachable) it steps down when that
window closes, before any follower can have waited out a full lease since the last successful renewal.
A lost compare-and-swap means someone else took over: step down at once. On shutdown the leader
deletes the record so a follower takes over on its next tick instead of after a lease.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.clock import Clock
from app.domain.durations import GoDuration
from app.domain.errors import StoreUnavailable, VersionConflict
from app.domain.leader_locks import LockRecord
from app.storage.port import LeaderLockStore

_log = logging.getLogger(__name__)


class Role(StrEnum):
    FOLLOWER = "follower"
    LEADER = "leader"


class ElectorSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    lock_name: str = Field(default="tasques-leader", min_length=1)
    lease: GoDuration = timedelta(seconds=5)
    renew_interval: GoDuration = timedelta(seconds=1)
    safety_margin: GoDuration = timedelta(seconds=1)

    @model_validator(mode="after")
    def _renewals_fit_in_the_trust_window(self) -> "ElectorSettings":
        if not timedelta(0) < self.renew_interval < self.lease - self.safety_margin:
            raise ValueError("need 0 < renew_interval < lease - safety_margin")
        return self


RoleListener = Callable[[Role], Awaitable[None]]


class LeaderElector:
    def __init__(
        self,
        store: LeaderLockStore,
        *,
        holder: str,
        settings: ElectorSettings,
        clock: Clock,
        listener: RoleListener,
    ) -> None:
        self._store = store
        self.holder = holder
        self._settings = settings
        self._clock = clock
        self._listener = listener
        self.role = Role.FOLLOWER
        self._record: LockRecord | None = None
        self._trusted_until = 0.0
        self._observed: LockRecord | None = None
        self._observed_since = 0.0

    @property
    def current_record(self) -> LockRecord | None:
        return self._record if self.role is Role.LEADER else self._observed

    async def tick(self) -> Role:
        started = self._clock.monotonic()
        if self.role is Role.LEADER:
            await self._renew(started)
        else:
            await self._contend(started)
        return self.role

    async def resign(self) -> None:
        if self.role is not Role.LEADER or self._record is None:
            return
        record = self._record
        await self._become(Role.FOLLOWER, "resigning")
        try:
            await self._store.delete_lock(record)
        except StoreUnavailable as error:
            _log.warning("could not release the leader lock (%s); it expires after one lease", error.message)

    async def _renew(self, started: float) -> None:
        assert self._record is not None
        if started >= self._trusted_until:
            await self._become(Role.FOLLOWER, "lease ran out before a renewal succeeded")
            return
        try:
            # A renewal that hangs (busy SQLite file, slow cluster) must not outlive the trust window.
            async with asyncio.timeout(self._trusted_until - started):
                self._record = await self._store.replace_lock(
                    self._record, holder=self.holder, at=self._clock.now_utc(), lease=self._settings.lease
                )
        except TimeoutError:
            await self._become(Role.FOLLOWER, "lease ran out while a renewal was still waiting")
            return
        except VersionConflict:
            await self._become(Role.FOLLOWER, "another server took the lock")
            return
        except StoreUnavailable as error:
            _log.warning("leader lock renewal failed: %s", error.message)
            return
        self._trust_from(started)

    async def _contend(self, started: float) -> None:
        try:
            current = await self._store.read_lock(self._settings.lock_name)
            if current is None:
                self._record = await self._store.create_lock(
                    self._settings.lock_name,
                    holder=self.holder,
                    at=self._clock.now_utc(),
                    lease=self._settings.lease,
                )
            elif current.holder == self.holder or self._has_expired(current, started):
                self._record = await self._store.replace_lock(
                    current, holder=self.holder, at=self._clock.now_utc(), lease=self._settings.lease
                )
            else:
                return
        except (VersionConflict, StoreUnavailable):
            self._observed = None
            return
        self._trust_from(started)
        await self._become(Role.LEADER, "acquired the lock")

    def _has_expired(self, current: LockRecord, now: float) -> bool:
        if self._observed is None or self._observed.version != current.version:
            self._observed, self._observed_since = current, now
            return False
        return now - self._observed_since >= current.lease.total_seconds()

    def _trust_from(self, started: float) -> None:
        self._trusted_until = started + (self._settings.lease - self._settings.safety_margin).total_seconds()

    async def _become(self, role: Role, reason: str) -> None:
        if role is self.role:
            return
        self.role = role
        self._observed = None
        _log.info("%s is now %s: %s", self.holder, role.value, reason)
        await self._listener(role)
