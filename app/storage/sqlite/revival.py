"""Bringing an archived task back live (``Store.revive_task``), inside the caller's IMMEDIATE transaction.

The archived row moves back to ``tasks`` and leaves ``archived_tasks`` in the same transaction, so no
reader ever sees both or neither. The dedup record stays: it only matters once the live row is gone
again, and by then the task is archived anew (``INSERT OR REPLACE``) or deleted on purpose. The live
row is numbered on from the archived version, so a version read before archiving (or from the
archive) can never match it.
"""

from app.domain.errors import TaskNotFound, VersionConflict
from app.domain.task import Task
from app.storage.port import UpdateResult
from app.storage.sqlite.rows import INSERT_TASK_AT_VERSION, stored, task_row_values
from app.storage.sqlite.statements import Statements


async def revived_from_archive(writer: Statements, previous: Task, updated: Task) -> UpdateResult:
    """``updated`` live in place of the archived ``previous``; the caller knows no live row holds the id."""
    expected = previous.metadata.version
    if expected is None:
        return VersionConflict(previous.id)
    rows = await writer.execute_fetchall(
        "SELECT version FROM archived_tasks WHERE queue = ? AND id = ?", (previous.queue, previous.id)
    )
    if not rows:
        return TaskNotFound(previous.queue, previous.id)
    if rows[0][0] != expected.seq_num:
        return VersionConflict(previous.id)
    values = task_row_values(updated)
    version = expected.seq_num + 1
    await writer.execute_fetchall(INSERT_TASK_AT_VERSION, (previous.queue, previous.id, *values, version))
    await writer.execute_fetchall(
        "DELETE FROM archived_tasks WHERE queue = ? AND id = ?", (previous.queue, previous.id)
    )
    return stored(updated, version, values[-1])
