"""Registering HTTP push workers: the leader claims tasks for them and POSTs each one to their URL
(``push_dispatch``). A registration names the queues to serve, the capabilities the worker offers, how
many tasks it may hold at once (``max_in_flight``) and the shared secret deliveries are signed with.

The secret is kept because signing needs it; nothing here returns it to a caller other than the
dispatcher, and ``PushWorker``'s ``repr`` leaves it out so it cannot reach a log line by accident.
"""

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.clock import Clock
from app.domain.errors import InvalidInput
from app.domain.flow import normalized_capabilities
from app.domain.push_workers import PushWorker
from app.domain.queue_names import ensure_valid_queue_name
from app.services.policies import TaskPolicies
from app.storage.port import PushWorkerStore

PUSH_WORKER_PREFIX = "push:"
"""Tasks claimed for push worker ``w`` are claimed by the worker id ``push:w``."""
MIN_SECRET_LENGTH = 16
MAX_SECRET_LENGTH = 1024
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def claiming_worker_id(push_worker_id: str) -> str:
    return f"{PUSH_WORKER_PREFIX}{push_worker_id}"


@dataclass(frozen=True, kw_only=True)
class NewPushWorker:
    url: str
    queues: Sequence[str]
    secret: str
    max_in_flight: int = 1
    capabilities: Sequence[str] = ()
    id: str | None = None


class PushWorkerService:
    def __init__(self, store: PushWorkerStore, *, policies: TaskPolicies, clock: Clock) -> None:
        self._store = store
        self._policies = policies
        self._clock = clock

    async def register(self, new: NewPushWorker) -> PushWorker:
        return await self._store.create_push_worker(self._validated(new))

    async def get(self, worker_id: str) -> PushWorker:
        return await self._store.get_push_worker(worker_id)

    async def list(self) -> list[PushWorker]:
        return await self._store.list_push_workers()

    async def delete(self, worker_id: str) -> PushWorker:
        """Tasks it holds stay claimed: it may still finish them, or the reaper times them out."""
        current = await self._store.get_push_worker(worker_id)
        await self._store.delete_push_worker(current)
        return current

    def _validated(self, new: NewPushWorker) -> PushWorker:
        worker_id = new.id if new.id is not None else uuid.uuid4().hex
        if not _ID.match(worker_id):
            raise InvalidInput("A push worker id is 1 to 100 letters, digits, '.', '_' or '-'", id=worker_id)
        _ensure_http_url(new.url)
        for queue in new.queues:
            ensure_valid_queue_name(queue)
        limit = self._policies.limits.max_claim_amount
        if not 1 <= new.max_in_flight <= limit:
            raise InvalidInput(f"max_in_flight must be between 1 and {limit}")
        if not MIN_SECRET_LENGTH <= len(new.secret) <= MAX_SECRET_LENGTH:
            raise InvalidInput(f"secret must be {MIN_SECRET_LENGTH} to {MAX_SECRET_LENGTH} characters long")
        capabilities = normalized_capabilities(new.capabilities, field="capabilities") or ()
        return PushWorker(
            id=worker_id,
            url=new.url,
            queues=tuple(dict.fromkeys(new.queues)),
            capabilities=capabilities,
            max_in_flight=new.max_in_flight,
            secret=new.secret,
            created_at=self._clock.now_utc(),
        )


def _ensure_http_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise InvalidInput(f"url is not a URL: {error}") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("url must be an absolute http:// or https:// URL")
