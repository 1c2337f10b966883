"""Limiter records in ``{prefix}flow_control``: one document per limited queue or key, changed by CAS.

A concurrency limiter (id ``concurrency|queue|<name>`` or ``concurrency|key|<name>``) lists its
holders: one per slot in use, naming the task, the lease token of the claim that took the slot, the
task version that claim was conditioned on, and when the slot was taken. A rate limiter (id
``rate|...``) is a token bucket: ``tokens`` and ``refilled_at``. Reads are one realtime multi-get;
writes are one ``_bulk`` of conditional writes (``create`` while the record is absent, else ``index``
with ``if_seq_no``/``if_primary_term``), sent without client retries (see ``bulk``).

A holder is live while its task is CLAIMED under its token, or while the task still sits at the version
the claim read (its write may be in flight) and the slot is younger than ``pending_grace``. Anything
else (the task finished, timed out, was unclaimed, claimed by someone else, archived, deleted) is
stale, and whoever finds the limiter full drops the stale holders in the same CAS that takes slots.
Releases by the services only make that sooner.
"""

import hashlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from app.domain.errors import StoreUnavailable, TaskNotFound
from app.domain.flow import LimiterScope, LimitKind, TokenBucket
from app.domain.states import CLAIMABLE_STATES, TaskState
from app.domain.task import Task, Version
from app.storage.documents import Document, format_stored_time, parse_stored_time
from app.storage.elasticsearch.bulk import send_bulk
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.writes import response_version

GetTasks = Callable[[Sequence[tuple[str, str]]], Awaitable[list[Task | TaskNotFound]]]


@dataclass(frozen=True, slots=True)
class Holder:
    queue: str
    task_id: str
    token: str
    from_version: Version
    acquired_at: datetime

    def to_document(self) -> Document:
        return {
            "queue": self.queue,
            "id": self.task_id,
            "token": self.token,
            "from_seq_no": self.from_version.seq_num,
            "from_primary_term": self.from_version.primary_term,
            "acquired_at": format_stored_time(self.acquired_at),
        }

    @classmethod
    def from_document(cls, document: Document) -> "Holder":
        return cls(
            queue=document["queue"],
            task_id=document["id"],
            token=document["token"],
            from_version=Version(
                seq_num=int(document["from_seq_no"]), primary_term=int(document["from_primary_term"])
            ),
            acquired_at=parse_stored_time(document["acquired_at"]),
        )

    def holds(self, current: Task | TaskNotFound, *, at: datetime, pending_grace: timedelta) -> bool:
        if isinstance(current, TaskNotFound):
            return False
        if current.state is TaskState.CLAIMED:
            return current.lease_token == self.token
        in_flight = current.metadata.version == self.from_version and current.state in CLAIMABLE_STATES
        return in_flight and at < self.acquired_at + pending_grace


@dataclass(frozen=True, slots=True)
class LimiterRecord:
    scope: LimiterScope
    holders: tuple[Holder, ...] = ()
    bucket: TokenBucket | None = None
    version: Version | None = None
    """None: no record stored yet."""

    def to_document(self) -> Document:
        document: Document = {
            "kind": self.scope.limit.value,
            "scope": self.scope.kind.value,
            "name": self.scope.name,
        }
        if self.scope.limit is LimitKind.CONCURRENCY:
            document["holders"] = [holder.to_document() for holder in self.holders]
        elif self.bucket is not None:
            document["tokens"] = self.bucket.tokens
            document["refilled_at"] = format_stored_time(self.bucket.refilled_at)
        return document

    @classmethod
    def from_document(cls, scope: LimiterScope, document: Document, version: Version) -> "LimiterRecord":
        bucket = None
        if "tokens" in document:
            bucket = TokenBucket(float(document["tokens"]), parse_stored_time(document["refilled_at"]))
        holders = tuple(Holder.from_document(entry) for entry in document.get("holders") or ())
        return cls(scope=scope, holders=holders, bucket=bucket, version=version)

    def without(self, tokens: set[str]) -> "LimiterRecord":
        return replace(self, holders=tuple(holder for holder in self.holders if holder.token not in tokens))

    def with_holders(self, added: Iterable[Holder]) -> "LimiterRecord":
        return replace(self, holders=(*self.holders, *added))


def record_id(scope: LimiterScope) -> str:
    """The document id; ids stop at 512 bytes, so a long name is replaced by its digest."""
    candidate = scope.record_id
    if len(candidate.encode()) <= 500:
        return candidate
    digest = hashlib.sha256(scope.name.encode()).hexdigest()
    return f"{scope.limit.value}|{scope.kind.value}|sha256:{digest}"


class LimiterRecords:
    def __init__(self, client: SearchEngine, index: str) -> None:
        self._client = client
        self._index = index

    async def read(self, scopes: Iterable[LimiterScope]) -> dict[LimiterScope, LimiterRecord]:
        """Every scope's record as stored now (realtime); an empty, unversioned one where none is."""
        wanted = list(dict.fromkeys(scopes))
        if not wanted:
            return {}
        with translated_errors("read limiters"):
            response = await self._client.mget(
                index=self._index, ids=[record_id(scope) for scope in wanted], realtime=True
            )
        records: dict[LimiterScope, LimiterRecord] = {}
        for scope, entry in zip(wanted, response["docs"], strict=True):
            if entry.get("found"):
                records[scope] = LimiterRecord.from_document(scope, entry["_source"], response_version(entry))
            elif "error" in entry:
                raise StoreUnavailable(f"read limiters: {entry['error']}")
            else:
                records[scope] = LimiterRecord(scope=scope)
        return records

    async def write(
        self, changes: Sequence[tuple[LimiterRecord, LimiterRecord]]
    ) -> list[LimiterRecord | None]:
        """Compare-and-swap each ``(previous, updated)``; the stored record, or None where it lost."""
        operations: list[dict[str, Any]] = []
        for previous, updated in changes:
            target: dict[str, Any] = {"_index": self._index, "_id": record_id(previous.scope)}
            if previous.version is None:
                operations += [{"create": target}, updated.to_document()]
            else:
                target |= {
                    "if_seq_no": previous.version.seq_num,
                    "if_primary_term": previous.version.primary_term,
                }
                operations += [{"index": target}, updated.to_document()]
        items = await send_bulk(self._client, operations, action="write limiters")
        if len(items) != len(changes):
            raise StoreUnavailable(f"write limiters: sent {len(changes)} actions, got {len(items)} results")
        results: list[LimiterRecord | None] = []
        for (_, updated), item in zip(changes, items, strict=True):
            if item.succeeded and item.version is not None:
                results.append(replace(updated, version=item.version))
            elif item.status in (404, 409):
                results.append(None)
            else:
                raise StoreUnavailable(f"write limiters: {item.reason}")
        return results

    async def change(
        self,
        scopes: Iterable[LimiterScope],
        change: Callable[[LimiterRecord], LimiterRecord | None],
        *,
        attempts: int,
    ) -> None:
        """Read, ``change`` (None: leave as is), write; re-read and retry the records that lost."""
        pending = list(dict.fromkeys(scopes))
        for _ in range(max(attempts, 1)):
            if not pending:
                return
            records = await self.read(pending)
            changes = [
                (record, updated)
                for record in records.values()
                if (updated := change(record)) is not None and updated != record
            ]
            if not changes:
                return
            results = await self.write(changes)
            pending = [
                previous.scope
                for (previous, _), result in zip(changes, results, strict=True)
                if result is None
            ]


async def live_holders(
    records: Iterable[LimiterRecord], get_tasks: GetTasks, *, at: datetime, pending_grace: timedelta
) -> set[str]:
    """Tokens of the holders in ``records`` that still hold their slot (one realtime multi-get)."""
    holders = {holder.token: holder for record in records for holder in record.holders}
    if not holders:
        return set()
    listed = list(holders.values())
    current = await get_tasks([(holder.queue, holder.task_id) for holder in listed])
    return {
        holder.token
        for holder, task in zip(listed, current, strict=True)
        if holder.holds(task, at=at, pending_grace=pending_grace)
    }
