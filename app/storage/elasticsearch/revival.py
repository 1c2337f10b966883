"""Bringing an archived task back live (``Store.revive_task`` for an archived ``previous``).

There is no transaction across the queue index and the archive, so the move is ordered so that a reader
always finds exactly one answering copy:
    1. Read the live document (realtime). A real task there means someone revived (or re-created) it
       first: ``VersionConflict``. Read the archived copy the tombstone names; it must still be
       ``previous`` (same version and content), else ``VersionConflict``; gone is ``TaskNotFound``.
    2. Replace the tombstone by ``updated`` with an ``index`` conditional on the tombstone's version
       (``create`` when the tombstone was already pruned). This is the commit point: of two servers
       reviving at once exactly one wins, and from here reads of the id answer the live task, since
       ``get_task`` only follows a tombstone.
    3. Delete the archived copy, conditional on its version. A crash or failure here leaves a copy
       that no longer answers: ``include_archive`` searches drop archive hits that their live document
       does not point at (a realtime multi-get) and delete them then (``StaleCopies``).
"""

import logging
from contextlib import suppress
from typing import Any

from app.domain.errors import StoreUnavailable, TaskNotFound, VersionConflict
from app.domain.task import Task
from app.storage.elasticsearch.archive import ElasticsearchArchiveMethods, StoredCopy, is_tombstone
from app.storage.elasticsearch.engine import EngineConflict, EngineNotFound
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.search_text import indexed_task_document
from app.storage.elasticsearch.writes import response_version, with_version

logger = logging.getLogger(__name__)


class ElasticsearchRevivalMethods(ElasticsearchArchiveMethods):
    """Extends the archive methods, whose copy lookup it follows."""

    async def _revive_archived(self, previous: Task, updated: Task) -> Task:
        live = await self._live_document(previous)
        if live is not None and not is_tombstone(live["_source"]):
            raise VersionConflict(previous.id)
        copy = await self._archived_copy(previous.queue, previous.id, live["_source"] if live else None)
        if copy is None:
            raise TaskNotFound(previous.queue, previous.id)
        if copy.task != previous:
            raise VersionConflict(previous.id)
        revived = await self._replace_tombstone(live, updated)
        await self._delete_copy(copy)
        return revived

    async def _live_document(self, task: Task) -> dict[str, Any] | None:
        with translated_errors("get task to revive"):
            try:
                return await self._client.get(index=self.names.queue(task.queue), id=task.id, realtime=True)
            except EngineNotFound:
                return None

    async def _replace_tombstone(self, tombstone: dict[str, Any] | None, updated: Task) -> Task:
        """Step 2, the commit point: ``VersionConflict`` when another write came first."""
        target = {"index": self.names.queue(updated.queue), "id": updated.id}
        document = indexed_task_document(updated)
        with translated_errors("revive archived task"):
            try:
                if tombstone is None:  # pruned: the id is free, so take it create-only
                    response = await self._client.create(**target, document=document)
                else:
                    expected = response_version(tombstone)
                    response = await self._client.index(
                        **target,
                        document=document,
                        if_seq_no=expected.seq_num,
                        if_primary_term=expected.primary_term,
                    )
            except EngineConflict:
                raise VersionConflict(updated.id) from None
        return with_version(updated, response_version(response))

    async def _delete_copy(self, copy: StoredCopy) -> None:
        """Step 3, best effort: a copy left behind no longer answers and is deleted by a later search."""
        try:
            with (
                translated_errors("delete revived task's archived copy"),
                # Already deleted, or overwritten by a later archiving of the same task: nothing to do.
                suppress(EngineConflict, EngineNotFound),
            ):
                await self._client.delete(
                    index=copy.index,
                    id=copy.document_id,
                    if_seq_no=copy.version.seq_num,
                    if_primary_term=copy.version.primary_term,
                )
        except StoreUnavailable as error:
            logger.warning(
                "revive: archived copy %s/%s stays for now: %s", copy.index, copy.document_id, error
            )
