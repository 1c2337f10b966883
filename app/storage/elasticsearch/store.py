"""``TaskStore`` on Elasticsearch; the package docstring explains the layout and the claim algorithm."""

from collections.abc import Callable, Sequence
from random import Random
from typing import Any, TypedDict, Unpack

from elasticsearch import AsyncElasticsearch, AuthorizationException, NotFoundError

from app.domain.errors import (
    InvalidInput,
    StoreNotSetUp,
    StoreUnavailable,
    TaskAlreadyExists,
    TaskNotFound,
    VersionConflict,
)
from app.domain.task import Task, Version
from app.storage.documents import task_from_document
from app.storage.elasticsearch.bulk import BulkItem, send_bulk
from app.storage.elasticsearch.claim import (
    candidate_search,
    claim_in_windows,
    claimable_candidates,
)
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames, install_templates, missing_templates
from app.storage.elasticsearch.writes import conditional_write_operations, create_operations, with_version
from app.storage.port import ClaimOutcome, ClaimRequest, CreateResult, UpdateResult


class StoreOptions(TypedDict, total=False):
    index_prefix: str
    claim_search_multiplier: int
    scripted_updates: bool
    random: Random | None


def _expect_items(items: list[BulkItem], count: int, *, action: str) -> list[BulkItem]:
    if len(items) != count:
        raise StoreUnavailable(f"{action}: sent {count} bulk actions, got {len(items)} results")
    return items


class ElasticsearchTaskStore:
    def __init__(
        self,
        client: AsyncElasticsearch,
        *,
        index_prefix: str = "tasques_",
        claim_search_multiplier: int = 5,
        scripted_updates: bool = True,
        random: Random | None = None,
    ) -> None:
        if claim_search_multiplier < 1:
            raise ValueError("claim_search_multiplier must be at least 1")
        self._client = client
        self.names = IndexNames(index_prefix)
        self._claim_search_multiplier = claim_search_multiplier
        self._scripted_updates = scripted_updates
        self._random = random or Random()

    @classmethod
    def connect(
        cls,
        urls: list[str],
        *,
        username: str | None = None,
        password: str | None = None,
        request_timeout: float = 10.0,
        ca_certs: str | None = None,
        **store_kwargs: Unpack[StoreOptions],
    ) -> "ElasticsearchTaskStore":
        """Build the client and the store; no I/O happens until the first call."""
        client_kwargs: dict[str, Any] = {"request_timeout": request_timeout, "retry_on_timeout": False}
        if username is not None:
            client_kwargs["basic_auth"] = (username, password or "")
        if ca_certs is not None:
            client_kwargs["ca_certs"] = ca_certs
        return cls(AsyncElasticsearch(urls, **client_kwargs), **store_kwargs)

    async def setup(self) -> None:
        with translated_errors("setup"):
            await install_templates(self._client, self.names)

    async def verify_setup(self) -> None:
        with translated_errors("verify setup"):
            missing = await missing_templates(self._client, self.names)
        if missing:
            raise StoreNotSetUp(missing)

    async def ping(self) -> None:
        with translated_errors("ping"):
            try:
                await self._client.info()
            except AuthorizationException:
                # Reachable and authenticated; the role merely lacks the cluster ``monitor`` privilege.
                return

    async def close(self) -> None:
        await self._client.close()

    async def create_tasks(self, tasks: Sequence[Task]) -> list[CreateResult]:
        operations = [
            op for task in tasks for op in create_operations(task, index=self.names.queue(task.queue))
        ]
        items = await send_bulk(self._client, operations, action="create tasks")
        results: list[CreateResult] = []
        for task, item in zip(tasks, _expect_items(items, len(tasks), action="create tasks"), strict=True):
            if item.succeeded and item.version is not None:
                results.append(with_version(task, item.version))
            elif item.status == 409:
                results.append(TaskAlreadyExists(task.queue, task.id))
            elif item.unparsable:
                raise InvalidInput(f"Task [{task.id}] cannot be stored: {item.reason}", id=task.id)
            else:
                raise StoreUnavailable(f"create task [{task.id}] in queue [{task.queue}]: {item.reason}")
        return results

    async def get_task(self, queue: str, task_id: str) -> Task:
        with translated_errors("get task"):
            try:
                response = await self._client.get(index=self.names.queue(queue), id=task_id, realtime=True)
            except NotFoundError:
                # Either the document or the whole queue index is missing; both mean "no such task".
                raise TaskNotFound(queue, task_id) from None
        body = response.body
        return task_from_document(
            body["_source"], Version(seq_num=body["_seq_no"], primary_term=body["_primary_term"])
        )

    async def update_task(self, previous: Task, updated: Task) -> Task:
        (result,) = await self.update_tasks([(previous, updated)])
        if isinstance(result, VersionConflict | TaskNotFound):
            raise result
        return result

    async def update_tasks(self, changes: Sequence[tuple[Task, Task]]) -> list[UpdateResult]:
        versioned = [change for change in changes if change[0].metadata.version is not None]
        items = iter(await self._write(versioned, action="update tasks"))
        # A task that never came from the store has no version to compare against: it cannot win a CAS.
        return [
            self._update_result(previous, updated, next(items))
            if previous.metadata.version is not None
            else VersionConflict(previous.id)
            for previous, updated in changes
        ]

    @staticmethod
    def _update_result(previous: Task, updated: Task, item: BulkItem) -> UpdateResult:
        if item.succeeded and item.version is not None:
            return with_version(updated, item.version)
        if item.missing:
            return TaskNotFound(previous.queue, previous.id)
        if item.conflicted:
            return VersionConflict(previous.id)
        raise StoreUnavailable(f"update task [{previous.id}] in queue [{previous.queue}]: {item.reason}")

    async def claim_tasks(self, request: ClaimRequest, claim: Callable[[Task], Task]) -> ClaimOutcome:
        if request.amount <= 0:
            return ClaimOutcome(claimed=[], conflicts=0)
        search = candidate_search(
            self.names,
            request.queues,
            at=request.at,
            size=request.amount * self._claim_search_multiplier,
        )
        with translated_errors("claim search"):
            response = await self._client.search(**search)
        candidates = claimable_candidates(response.body["hits"]["hits"], at=request.at)
        if not candidates:
            return ClaimOutcome(claimed=[], conflicts=0)
        return await claim_in_windows(
            candidates,
            amount=request.amount,
            claim=claim,
            write=lambda window: self._write(window, action="claim tasks"),
            random=self._random,
        )

    async def _write(self, changes: Sequence[tuple[Task, Task]], *, action: str) -> list[BulkItem]:
        """One bulk of compare-and-swap writes; every ``previous`` must carry its version."""
        operations: list[dict[str, Any]] = []
        for previous, updated in changes:
            expected = previous.metadata.version
            assert expected is not None  # callers filter unversioned tasks out
            operations += conditional_write_operations(
                previous,
                updated,
                index=self.names.queue(previous.queue),
                expected=expected,
                scripted=self._scripted_updates,
            )
        items = await send_bulk(self._client, operations, action=action)
        return _expect_items(items, len(changes), action=action)
