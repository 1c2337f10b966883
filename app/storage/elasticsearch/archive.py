"""Archiving: finished tasks move behind the ``{prefix}archive`` rollover alias, leaving a tombstone.

One run (``archive_finished``), for the oldest finished tasks with their versions:
    1. One ``_bulk`` indexes each full document, plus ``archived_at``, through the alias (with
       ``require_alias``, so a store that was never set up fails instead of auto-creating a plain index
       under the alias's name). The ``_id`` is deterministic, ``{queue}/{id}``, so a repeated run
       overwrites its own copy instead of duplicating it (Go Tasques used random ids: BUG 7.10).
    2. One ``_bulk`` replaces each live document whose copy landed by a tombstone (state ``archived``,
       id, queue, ``archived_at`` and where the copy is), as an ``index`` conditional on the version
       read. Only this step makes the move visible, and only for tasks unchanged since the search.
    3. A tombstone that lost its CAS means the task changed meanwhile (say, an admin retry): it stays
       live, its copy is deleted again (best effort, conditional on the copy's own version) and it
       counts as skipped.
    A crash between the steps leaves a live task plus an orphan copy, which the next run overwrites.

The tombstone is the dedup record: it keeps ``create``'s 409 for the id until ``prune_archive``
deletes it. No query of live tasks matches it, because every one filters on a real task state.

Reads: ``get_task`` on a tombstone reads the copy by realtime GET from the concrete index the tombstone
names (an alias over several indices cannot be GET, and a search would miss a copy not yet refreshed);
without a tombstone, or once ILM deleted that index, it searches the alias by queue and id, newest
first. An archived task's version keeps the copy's ``_seq_no`` but carries ``primary_term`` 0, which no
live document has: archived tasks are read-only, and a CAS with that version answers ``TaskNotFound``
(as on SQLite, where the live row is gone) instead of being sent, since a copy's ``_seq_no`` (counted
in the archive index) could equal the tombstone's and let a write resurrect the task.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain.errors import StoreUnavailable
from app.domain.states import FINISHED_STATES
from app.domain.task import Task, Version
from app.storage.documents import Document, format_stored_time, task_from_document
from app.storage.elasticsearch.bulk import expect_items, send_bulk
from app.storage.elasticsearch.claim import MAX_CANDIDATES
from app.storage.elasticsearch.engine import EngineNotFound, SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.writes import response_version
from app.storage.port import ArchiveOutcome

logger = logging.getLogger(__name__)

TOMBSTONE_STATE = "archived"
ARCHIVED_PRIMARY_TERM = 0
MAX_DOCUMENT_ID_BYTES = 512


def archive_document_id(queue: str, task_id: str) -> str:
    """``{queue}/{id}``; neither part may contain '/'. Past ES's 512-byte ``_id`` limit the task id is
    hashed behind a '_', which no task id starts with, so a hashed id never equals a plain one."""
    plain = f"{queue}/{task_id}"
    if len(plain.encode()) <= MAX_DOCUMENT_ID_BYTES:
        return plain
    return f"{queue}/_{hashlib.sha256(task_id.encode()).hexdigest()}"


def is_tombstone(source: Document) -> bool:
    return source.get("state") == TOMBSTONE_STATE


def is_archived_version(version: Version) -> bool:
    return version.primary_term == ARCHIVED_PRIMARY_TERM


def archived_task(source: Document, version: Version) -> Task:
    return task_from_document(source, Version(seq_num=version.seq_num, primary_term=ARCHIVED_PRIMARY_TERM))


@dataclass(frozen=True, slots=True)
class StoredCopy:
    """An archived copy as read: its concrete backing index, ``_id``, document and real version."""

    index: str
    document_id: str
    source: Document
    version: Version

    @classmethod
    def of(cls, body: dict[str, Any]) -> "StoredCopy":
        """From a realtime GET answer or a search hit (with ``seq_no_primary_term``)."""
        return cls(body["_index"], body["_id"], body["_source"], response_version(body))

    @property
    def task(self) -> Task:
        return archived_task(self.source, self.version)


@dataclass(frozen=True, slots=True)
class _Copy:
    """Where step 1 put a copy: the concrete backing index behind the alias, and the copy's version."""

    index: str
    version: Version


@dataclass(frozen=True, slots=True)
class _Candidate:
    index: str
    task_id: str
    queue: str
    source: Document
    version: Version

    @property
    def archive_id(self) -> str:
        return archive_document_id(self.queue, self.task_id)

    def copy_operations(self, alias: str, archived_at: str) -> list[dict[str, Any]]:
        action = {"_index": alias, "_id": self.archive_id, "require_alias": True}
        return [{"index": action}, {**self.source, "archived_at": archived_at}]

    def tombstone_operations(self, archived_at: str, copy_index: str) -> list[dict[str, Any]]:
        action = {
            "_index": self.index,
            "_id": self.task_id,
            "if_seq_no": self.version.seq_num,
            "if_primary_term": self.version.primary_term,
        }
        tombstone = {
            "id": self.task_id,
            "queue": self.queue,
            "state": TOMBSTONE_STATE,
            "archived_at": archived_at,
            "archive_index": copy_index,
            "archive_id": self.archive_id,
        }
        return [{"index": action}, tombstone]


def finished_search(names: IndexNames, *, finished_before: datetime, size: int) -> dict[str, Any]:
    return {
        "index": names.all_queues,
        "ignore_unavailable": True,
        "allow_no_indices": True,
        "seq_no_primary_term": True,
        "track_total_hits": False,
        "size": min(size, MAX_CANDIDATES),
        "query": {
            "bool": {
                "filter": [
                    {"terms": {"state": sorted(state.value for state in FINISHED_STATES)}},
                    {"range": {"metadata.modified_at": {"lte": format_stored_time(finished_before)}}},
                ]
            }
        },
        "sort": [{"metadata.modified_at": {"order": "asc", "unmapped_type": "date"}}],
    }


def _candidates(hits: list[dict[str, Any]]) -> list[_Candidate]:
    candidates = []
    for hit in hits:
        source = hit["_source"]
        try:
            # Parsing proves the copy will read back; an unreadable document stays live, with a warning.
            task = task_from_document(source, response_version(hit))
        except (KeyError, TypeError, ValueError) as error:
            logger.warning(
                "not archiving unreadable task %s/%s: %r", hit.get("_index"), hit.get("_id"), error
            )
            continue
        candidates.append(_Candidate(hit["_index"], task.id, task.queue, source, response_version(hit)))
    return candidates


class ElasticsearchArchiveMethods:
    _client: SearchEngine
    names: IndexNames

    async def archive_finished(
        self, *, finished_before: datetime, at: datetime, limit: int
    ) -> ArchiveOutcome:
        if limit <= 0:
            return ArchiveOutcome(archived=0, skipped=0)
        with translated_errors("archive search"):
            response = await self._client.search(
                **finished_search(self.names, finished_before=finished_before, size=limit)
            )
        candidates = _candidates(response["hits"]["hits"])
        archived_at = format_stored_time(at)
        failures: list[str] = []
        copied = await self._copy(candidates, archived_at, failures)
        outcome, left_live = await self._tombstone(copied, archived_at, failures)
        await self._delete_copies(left_live)
        if failures and not outcome.archived:
            raise StoreUnavailable(f"archive: {len(failures)} writes failed, first: {failures[0]}")
        if failures:
            logger.warning("archive: %d writes failed, first: %s", len(failures), failures[0])
        return outcome

    async def _copy(
        self, candidates: list[_Candidate], archived_at: str, failures: list[str]
    ) -> list[tuple[_Candidate, _Copy]]:
        """Step 1: the candidates whose copy landed, with where it landed."""
        operations = [
            op
            for candidate in candidates
            for op in candidate.copy_operations(self.names.archive_alias, archived_at)
        ]
        items = await send_bulk(self._client, operations, action="archive tasks: copies")
        copied = []
        for candidate, item in zip(
            candidates, expect_items(items, len(candidates), action="archive tasks: copies"), strict=True
        ):
            if item.succeeded and item.version is not None and item.index is not None:
                copied.append((candidate, _Copy(item.index, item.version)))
            else:
                failures.append(item.reason)
        return copied

    async def _tombstone(
        self, copied: list[tuple[_Candidate, _Copy]], archived_at: str, failures: list[str]
    ) -> tuple[ArchiveOutcome, list[tuple[_Candidate, _Copy]]]:
        """Step 2: the outcome, and the copies of tasks that stayed live (changed, or a failed write)."""
        operations = [
            op for candidate, copy in copied for op in candidate.tombstone_operations(archived_at, copy.index)
        ]
        items = await send_bulk(self._client, operations, action="archive tasks: tombstones")
        archived, skipped, left_live = 0, 0, []
        for (candidate, copy), item in zip(
            copied, expect_items(items, len(copied), action="archive tasks: tombstones"), strict=True
        ):
            if item.succeeded:
                archived += 1
                continue
            left_live.append((candidate, copy))
            if item.conflicted or item.missing:
                skipped += 1
            else:
                failures.append(item.reason)
        return ArchiveOutcome(archived=archived, skipped=skipped), left_live

    async def _delete_copies(self, copies: list[tuple[_Candidate, _Copy]]) -> None:
        """Step 3, best effort: a copy left behind is overwritten when its task is archived for real.

        A copy the live tombstone points at is kept: the candidate was a stale search hit (the tombstone
        of an earlier pass not yet refreshed), so step 1 overwrote the very copy that pass archived, and
        deleting it would lose the task. When the live documents cannot be read nothing is deleted."""
        copies = await self._not_archived_elsewhere(copies)
        operations = []
        for candidate, copy in copies:
            target = {"_index": copy.index, "_id": candidate.archive_id}
            condition = {"if_seq_no": copy.version.seq_num, "if_primary_term": copy.version.primary_term}
            operations.append({"delete": target | condition})
        try:
            items = await send_bulk(self._client, operations, action="archive tasks: undo copies")
        except StoreUnavailable as error:
            logger.warning("archive: could not delete %d copies of tasks left live: %s", len(copies), error)
            return
        if left := [item.reason for item in items if not item.succeeded and not item.missing]:
            logger.warning("archive: %d copies of tasks left live remain, first: %s", len(left), left[0])

    async def _not_archived_elsewhere(
        self, copies: list[tuple[_Candidate, _Copy]]
    ) -> list[tuple[_Candidate, _Copy]]:
        """The copies no live tombstone points at (realtime reads of the live documents)."""
        if not copies:
            return []
        try:
            with translated_errors("archive tasks: read live documents"):
                response = await self._client.mget(
                    docs=[{"_index": candidate.index, "_id": candidate.task_id} for candidate, _ in copies],
                    realtime=True,
                )
        except StoreUnavailable as error:
            logger.warning("archive: kept %d copies of tasks left live unchecked: %s", len(copies), error)
            return []
        return [
            (candidate, copy)
            for (candidate, copy), live in zip(copies, response["docs"], strict=True)
            if not (
                live.get("found")
                and is_tombstone(live["_source"])
                and live["_source"].get("archive_index") == copy.index
                and live["_source"].get("archive_id") == candidate.archive_id
            )
        ]

    async def _read_archived(self, queue: str, task_id: str, tombstone: Document | None) -> Task | None:
        """The archived copy of (queue, id), or None; ``tombstone`` is the live document if it is one."""
        copy = await self._archived_copy(queue, task_id, tombstone)
        return copy.task if copy is not None else None

    async def _archived_copy(self, queue: str, task_id: str, tombstone: Document | None) -> StoredCopy | None:
        """Where the archived copy of (queue, id) is, with its own (real) version, or None."""
        if tombstone is not None and tombstone.get("archive_index") and tombstone.get("archive_id"):
            with translated_errors("get archived task"):
                try:
                    response = await self._client.get(
                        index=tombstone["archive_index"], id=tombstone["archive_id"], realtime=True
                    )
                except EngineNotFound:
                    pass  # ILM deleted that index, or retention pruned the copy; search for older copies.
                else:
                    return StoredCopy.of(response)
        with translated_errors("search archived task"):
            response = await self._client.search(
                index=self.names.archive_alias,
                ignore_unavailable=True,
                allow_no_indices=True,
                seq_no_primary_term=True,
                size=1,
                query={"bool": {"filter": [{"term": {"queue": queue}}, {"term": {"id": task_id}}]}},
                # Once its dedup record is pruned an id can be reused and archived again; the newest wins.
                sort=[{"archived_at": {"order": "desc", "unmapped_type": "date"}}],
            )
        hits = response["hits"]["hits"]
        return StoredCopy.of(hits[0]) if hits else None
