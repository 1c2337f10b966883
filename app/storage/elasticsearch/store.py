"""The whole ``Store`` on Elasticsearch; the package docstring explains the layout and the claim algorithm.

Task reads, writes, deletes and claims live here; the attempt history, locks, recurring definitions,
maintenance queries, the archive, task listing and counting, queue stats, paused queues and admin jobs are
mixed in from their modules, each over the same client and index names.
"""

import dataclasses
from collections.abc import Callable, Sequence
from datetime import timedelta
from random import Random
from typing import Any, TypedDict, Unpack

from app.domain.errors import (
    InvalidInput,
    StoreNotSetUp,
    StoreUnavailable,
    TaskAlreadyExists,
    TaskNotFound,
    VersionConflict,
)
from app.domain.history import TaskEvent
from app.domain.states import CLAIMABLE_STATES
from app.domain.task import Task
from app.storage.elasticsearch.admin_jobs import ElasticsearchAdminJobMethods
from app.storage.elasticsearch.aggregations import ElasticsearchAggregationMethods
from app.storage.elasticsearch.archive import is_archived_version, is_tombstone
from app.storage.elasticsearch.bulk import BulkItem, bulk_coalescer, expect_items, send_bulk
from app.storage.elasticsearch.claimer_membership import ClaimerMembership
from app.storage.elasticsearch.dead_letters import ElasticsearchDeadLetterMethods
from app.storage.elasticsearch.engine import (
    EngineConflict,
    EngineForbidden,
    EngineName,
    EngineNotFound,
    SearchEngine,
)
from app.storage.elasticsearch.engine_connect import connect_engine
from app.storage.elasticsearch.errors import document_missing, translated_errors
from app.storage.elasticsearch.events import ElasticsearchEventMethods
from app.storage.elasticsearch.flow import ElasticsearchFlowMethods
from app.storage.elasticsearch.flow_claim import FlowClaim
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.known_documents import KnownDocuments
from app.storage.elasticsearch.locks import ElasticsearchLockMethods
from app.storage.elasticsearch.maintenance import ElasticsearchMaintenanceMethods
from app.storage.elasticsearch.pipelines import ElasticsearchPipelineMethods
from app.storage.elasticsearch.push_workers import ElasticsearchPushWorkerMethods
from app.storage.elasticsearch.queue_controls import ElasticsearchQueueControlMethods
from app.storage.elasticsearch.queue_samples import ElasticsearchQueueSampleMethods
from app.storage.elasticsearch.realtime_reads import realtime_reads
from app.storage.elasticsearch.recent_writes import RecentWrites
from app.storage.elasticsearch.recurring import ElasticsearchRecurringMethods
from app.storage.elasticsearch.revival import ElasticsearchRevivalMethods
from app.storage.elasticsearch.search import ElasticsearchSearchMethods
from app.storage.elasticsearch.setup import ArchiveSettings, EventSettings, install, missing
from app.storage.elasticsearch.stats import ElasticsearchStatsMethods
from app.storage.elasticsearch.task_changes import change_in_steps
from app.storage.elasticsearch.writes import (
    conditional_write_operations,
    create_operations,
    with_version,
)
from app.storage.flow_planning import KeyRotation
from app.storage.port import ClaimOutcome, ClaimRequest, CreateResult, DeleteResult, TaskChange, UpdateResult

# A document in the leader-lock index that no lock uses; the readiness write probe creates it once.
WRITE_PROBE_ID = "tasques-readiness-probe"


class StoreOptions(TypedDict, total=False):
    index_prefix: str
    claim_search_multiplier: int
    scripted_updates: bool
    random: Random | None
    ilm_enabled: bool
    archive_retention: timedelta
    archive_rollover_max_age: timedelta
    archive_rollover_max_primary_shard_size: str
    events_retention: timedelta


class ElasticsearchTaskStore(
    ElasticsearchEventMethods,
    ElasticsearchLockMethods,
    ElasticsearchRecurringMethods,
    ElasticsearchMaintenanceMethods,
    ElasticsearchDeadLetterMethods,
    ElasticsearchRevivalMethods,  # and through it ElasticsearchArchiveMethods
    ElasticsearchSearchMethods,
    ElasticsearchAggregationMethods,
    ElasticsearchStatsMethods,
    ElasticsearchQueueControlMethods,
    ElasticsearchAdminJobMethods,
    ElasticsearchFlowMethods,
    ElasticsearchPipelineMethods,
    ElasticsearchPushWorkerMethods,
    ElasticsearchQueueSampleMethods,
):
    def __init__(
        self,
        client: SearchEngine,
        *,
        index_prefix: str = "tasques_",
        claim_search_multiplier: int = 5,
        scripted_updates: bool = True,
        random: Random | None = None,
        ilm_enabled: bool = True,
        archive_retention: timedelta = timedelta(days=30),
        archive_rollover_max_age: timedelta = timedelta(days=1),
        archive_rollover_max_primary_shard_size: str = "50gb",
        events_retention: timedelta = timedelta(days=90),
    ) -> None:
        """``ilm_enabled=False`` is for clusters without lifecycle management (ILM or ISM): the
        archive and the attempt history are then one index each, only
        ``prune_archive(archived_before=...)`` removes old tasks and nothing removes old events. With
        ILM, archived tasks are deleted ``archive_retention`` and events ``events_retention`` after
        their backing index rolled over (by age or primary shard size)."""
        if claim_search_multiplier < 1:
            raise ValueError("claim_search_multiplier must be at least 1")
        self._client = client
        self.names = IndexNames(index_prefix)
        self.archive = ArchiveSettings(
            ilm_enabled=ilm_enabled,
            retention=archive_retention,
            rollover_max_age=archive_rollover_max_age,
            rollover_max_primary_shard_size=archive_rollover_max_primary_shard_size,
        )
        self.events = EventSettings(ilm_enabled=ilm_enabled, retention=events_retention)
        self._claim_search_multiplier = claim_search_multiplier
        self._scripted_updates = scripted_updates
        self._random = random or Random()
        self._rotation = KeyRotation()
        self._recent_writes = RecentWrites()
        self._known_documents = KnownDocuments()
        self._membership = ClaimerMembership(client, self.names.flow_control)

    @classmethod
    def connect(
        cls,
        urls: list[str],
        *,
        engine: EngineName = "elasticsearch",
        username: str | None = None,
        password: str | None = None,
        request_timeout: float = 10.0,
        ca_certs: str | None = None,
        **store_kwargs: Unpack[StoreOptions],
    ) -> "ElasticsearchTaskStore":
        """Build the engine's client and the store; no I/O happens until the first call."""
        client = connect_engine(
            engine,
            urls,
            username=username,
            password=password,
            request_timeout=request_timeout,
            ca_certs=ca_certs,
        )
        return cls(client, **store_kwargs)

    async def setup(self) -> None:
        with translated_errors("setup"):
            await install(self._client, self.names, self.archive, self.events)

    async def verify_setup(self) -> None:
        with translated_errors("verify setup"):
            absent = await missing(self._client, self.names, self.archive, self.events)
        if absent:
            raise StoreNotSetUp(absent)

    async def ping(self) -> None:
        with translated_errors("ping"):
            try:
                await self._client.info()
            except EngineForbidden:
                # Reachable and authenticated; the role merely lacks the cluster ``monitor`` privilege.
                return

    async def probe_writes(self) -> None:
        """Creates one fixed document in the leader-lock index: the first probe writes it, later ones end
        in a 409, and either way the request went through the write path (cluster and index write blocks,
        a reachable primary), which a read-only or red cluster refuses."""
        with translated_errors("probe writes"):
            try:
                await self._client.create(
                    index=self.names.leader_locks, id=WRITE_PROBE_ID, document={"probe": "readiness"}
                )
            except EngineConflict:
                return

    async def close(self) -> None:
        await self._membership.leave()
        await bulk_coalescer(self._client).drain()  # writes already handed over still go out
        await self._client.close()

    async def create_tasks(self, tasks: Sequence[Task]) -> list[CreateResult]:
        operations = [
            op for task in tasks for op in create_operations(task, index=self.names.queue(task.queue))
        ]
        items = await send_bulk(self._client, operations, action="create tasks")
        results: list[CreateResult] = []
        for task, item in zip(tasks, expect_items(items, len(tasks), action="create tasks"), strict=True):
            if item.succeeded and item.version is not None:
                results.append(with_version(task, item.version))
            elif item.status == 409:
                results.append(TaskAlreadyExists(task.queue, task.id))
            elif item.unparsable:
                raise InvalidInput(f"Task [{task.id}] cannot be stored: {item.reason}", id=task.id)
            else:
                raise StoreUnavailable(f"create task [{task.id}] in queue [{task.queue}]: {item.reason}")
        return results

    async def get_tasks(self, keys: Sequence[tuple[str, str]]) -> list[Task | TaskNotFound]:
        if not keys:
            return []
        with translated_errors("get tasks"):
            response = await self._client.mget(
                docs=[{"_index": self.names.queue(queue), "_id": task_id} for queue, task_id in keys],
                realtime=True,
            )
        results: list[Task | TaskNotFound] = []
        for (queue, task_id), doc in zip(keys, response["docs"], strict=True):
            if doc.get("found") and not is_tombstone(doc["_source"]):
                results.append(self._known_documents.task(doc))
                continue
            try:  # missing, archived or in a missing index: the single read knows every case
                results.append(await self.get_task(queue, task_id))
            except TaskNotFound as error:
                results.append(error)
        return results

    async def get_task(self, queue: str, task_id: str) -> Task:
        """A realtime read, batched with concurrent ones into one ``_mget`` (``realtime_reads``). The
        document or the whole queue index may be missing: never created, or archived and its dedup
        record pruned."""

        async def read_live() -> tuple[dict[str, Any] | None, Task | None]:
            """The live document, and the task when it is one (not a tombstone)."""
            live = await realtime_reads(self._client).get(self.names.queue(queue), task_id, action="get task")
            if live is None or is_tombstone(live["_source"]):
                return live, None
            return live, self._known_documents.task(live)

        live, task = await read_live()
        if task is not None:
            return task
        archived = await self._read_archived(queue, task_id, live["_source"] if live is not None else None)
        if archived is not None:
            return archived
        if live is not None:
            # The tombstone's copy is gone: a revival on another server may have replaced the tombstone
            # (its commit point) and deleted the copy since the first read; the task is live again.
            _, task = await read_live()
            if task is not None:
                return task
        raise TaskNotFound(queue, task_id)

    async def update_task(self, previous: Task, updated: Task) -> Task:
        (result,) = await self.update_tasks([(previous, updated)])
        if isinstance(result, VersionConflict | TaskNotFound):
            raise result
        return result

    async def revive_task(self, previous: Task, updated: Task) -> Task:
        """A live ``previous`` is a plain ``update_task``; an archived one moves back (``revival``)."""
        version = previous.metadata.version
        if version is None or not is_archived_version(version):
            return await self.update_task(previous, updated)
        revived = await self._revive_archived(previous, updated)
        if revived.state in CLAIMABLE_STATES:  # claimable again, maybe within the horizon of our claim
            self._recent_writes.released([revived])
        return revived

    async def change_task(
        self,
        queue: str,
        task_id: str,
        transition: Callable[[Task], Task],
        events_for: Callable[[Task], Sequence[TaskEvent]],
    ) -> TaskChange:
        return await change_in_steps(self, queue, task_id, transition, events_for)

    def held_task(self, queue: str, task_id: str) -> Task | None:
        """The task as this store last wrote it while claimed (``known_documents``), for ``task_changes``
        to start from instead of reading it back; the compare-and-swap on its version still decides."""
        return self._known_documents.claimed(self.names.queue(queue), task_id)

    async def update_tasks(
        self, changes: Sequence[tuple[Task, Task]], *, events: Sequence[Sequence[TaskEvent]] | None = None
    ) -> list[UpdateResult]:
        refusals = [self._refusal(previous) for previous, _ in changes]
        sendable = [change for change, refusal in zip(changes, refusals, strict=True) if refusal is None]
        items = iter(await self._write(sendable, action="update tasks"))
        results: list[UpdateResult] = [
            refusal if refusal is not None else self._update_result(previous, updated, next(items))
            for (previous, updated), refusal in zip(changes, refusals, strict=True)
        ]
        if events is not None:
            self.hand_over_events(
                [
                    event
                    for result, change_events in zip(results, events, strict=True)
                    if isinstance(result, Task)
                    for event in change_events
                ]
            )
        return results

    async def delete_task(self, previous: Task) -> None:
        """A conditional delete of the live document, without a refresh and without a tombstone: the id
        can be created again at once (only archiving keeps a dedup record). Attempt history stays."""
        if (refusal := self._refusal(previous)) is not None:
            raise refusal
        expected = previous.metadata.version
        assert expected is not None  # _refusal answers for unversioned tasks
        with translated_errors("delete task"):
            try:
                await self._client.delete(
                    index=self.names.queue(previous.queue),
                    id=previous.id,
                    if_seq_no=expected.seq_num,
                    if_primary_term=expected.primary_term,
                )
            except (EngineConflict, EngineNotFound) as error:
                # 404: the document or its whole queue index is gone. A 409 is either a changed
                # document or, with "no document was found", a vanished one; ``update_task`` tells
                # them apart the same way.
                if document_missing(error):
                    raise TaskNotFound(previous.queue, previous.id) from None
                raise VersionConflict(previous.id) from None

    async def delete_tasks(self, tasks: Sequence[Task]) -> list[DeleteResult]:
        """``delete_task`` for many: one ``_bulk`` of deletes conditional on each task's version."""
        refusals = [self._refusal(task) for task in tasks]
        operations = []
        for task, refusal in zip(tasks, refusals, strict=True):
            expected = task.metadata.version
            if refusal is None and expected is not None:
                condition = {"if_seq_no": expected.seq_num, "if_primary_term": expected.primary_term}
                operations.append(
                    {"delete": {"_index": self.names.queue(task.queue), "_id": task.id} | condition}
                )
        sent = await send_bulk(self._client, operations, action="delete tasks")
        items = iter(expect_items(sent, len(operations), action="delete tasks"))
        return [
            refusal if refusal is not None else self._delete_result(task, next(items))
            for task, refusal in zip(tasks, refusals, strict=True)
        ]

    @staticmethod
    def _delete_result(task: Task, item: BulkItem) -> DeleteResult:
        if item.succeeded:
            return task
        if item.missing:
            return TaskNotFound(task.queue, task.id)
        if item.conflicted:
            return VersionConflict(task.id)
        raise StoreUnavailable(f"delete task [{task.id}] in queue [{task.queue}]: {item.reason}")

    @staticmethod
    def _refusal(previous: Task) -> VersionConflict | TaskNotFound | None:
        """The answer for a write that must not be sent, or None."""
        version = previous.metadata.version
        if version is None:
            # A task that never came from the store has no version to compare against.
            return VersionConflict(previous.id)
        if is_archived_version(version):
            # Archived tasks are read-only; see ``archive`` for why this is decided here.
            return TaskNotFound(previous.queue, previous.id)
        return None

    @staticmethod
    def _update_result(previous: Task, updated: Task, item: BulkItem) -> UpdateResult:
        if item.succeeded and item.version is not None:
            return with_version(updated, item.version)
        if item.missing:
            return TaskNotFound(previous.queue, previous.id)
        if item.conflicted:
            return VersionConflict(previous.id)
        raise StoreUnavailable(f"update task [{previous.id}] in queue [{previous.queue}]: {item.reason}")

    async def claim_tasks(
        self,
        request: ClaimRequest,
        claim: Callable[[Task], Task],
        *,
        events_for: Callable[[Task], Sequence[TaskEvent]] | None = None,
    ) -> ClaimOutcome:
        """A search, fair ordering, limiter records, one ``_bulk`` per window: ``flow_claim``; then the
        claims' history, handed to the next coalesced flush (best effort, see ``events``)."""
        if request.amount <= 0:
            return ClaimOutcome(claimed=[], conflicts=0)

        async def write(window: list[tuple[Task, Task]]) -> list[BulkItem]:
            return await self._write(window, action="claim tasks")

        parts = await self._flow_claim_parts(request, write=write, get_tasks=self.get_tasks)
        outcome = await FlowClaim(parts, request, claim).run()
        if outcome.conflicts:
            self._membership.recheck_soon()
        if events_for is None or not outcome.claimed:
            return outcome
        events = tuple(event for task in outcome.claimed for event in events_for(task))
        self.hand_over_events(events)
        return dataclasses.replace(outcome, events=events)

    async def _write(self, changes: Sequence[tuple[Task, Task]], *, action: str) -> list[BulkItem]:
        """One bulk of compare-and-swap writes; every ``previous`` must carry its version."""
        operations: list[dict[str, Any]] = []
        for previous, updated in changes:
            expected = previous.metadata.version
            assert expected is not None  # callers filter unversioned tasks out
            index = self.names.queue(previous.queue)
            operations += conditional_write_operations(
                previous,
                updated,
                index=index,
                expected=expected,
                scripted=self._scripted_updates,
                unknown_keys=self._known_documents.unknown_keys(index, previous),
            )
        items = expect_items(
            await send_bulk(self._client, operations, action=action), len(changes), action=action
        )
        self._remember(changes, operations, items)
        return items

    def _remember(
        self,
        changes: Sequence[tuple[Task, Task]],
        operations: Sequence[dict[str, Any]],
        items: Sequence[BulkItem],
    ) -> None:
        """What these writes did, for the next claims (``recent_writes``: which tasks left or re-entered
        the claimable states) and the next writes (``known_documents``: each task at its new version, and
        the whole document when the write sent one). Every change is two lines: the action, then its
        body."""
        for position, ((previous, updated), item) in enumerate(zip(changes, items, strict=True)):
            ((kind, target),) = operations[2 * position].items()
            index = target["_index"]
            was_claimable = previous.state in CLAIMABLE_STATES
            if item.succeeded and item.version is not None:
                written = with_version(updated, item.version)
                document = operations[2 * position + 1] if kind == "index" else None
                self._known_documents.written(index, written, document=document)
                if updated.state in CLAIMABLE_STATES:
                    self._recent_writes.released([updated])
                elif was_claimable:
                    self._recent_writes.taken(written)
            elif item.conflicted or item.missing:
                self._known_documents.forget_claimed(index, previous.id)
                if item.conflicted and was_claimable:
                    self._recent_writes.lost(previous)
