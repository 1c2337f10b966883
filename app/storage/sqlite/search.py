"""Task listing with keyset pagination over live (and optionally archived) rows."""

from typing import Any

from app.domain.task import Task
from app.storage.documents import format_stored_time
from app.storage.port import TaskPage, TaskQuery
from app.storage.search_cursor import decode_cursor, encode_cursor
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import task_from_row

_CREATED = "json_extract(document, '$.metadata.created_at')"
_LIVE = f"SELECT document, version, {_CREATED} AS created, queue, id, state, worker_id FROM tasks"
_ARCHIVED = (
    f"SELECT document, version, {_CREATED} AS created, queue, id, json_extract(document, '$.state') AS state, "
    "json_extract(document, '$.last_claimed.worker_id') AS worker_id FROM archived_tasks"
)


class SqliteSearchMethods:
    _connections: SqliteConnections

    async def count_tasks(self, query: TaskQuery) -> int:
        listed, parameters = listed_rows(query)
        async with self._connections.reader() as reader:
            rows = list(await reader.execute_fetchall(f"SELECT COUNT(*) {listed}", parameters))
        return int(rows[0][0])

    async def search_tasks(self, query: TaskQuery, *, limit: int, cursor: str | None) -> TaskPage:
        source = f"{_LIVE} UNION ALL {_ARCHIVED}" if query.include_archive else _LIVE
        conditions, parameters = _conditions(query, cursor)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        async with self._connections.reader() as reader:
            rows = list(
                await reader.execute_fetchall(
                    f"SELECT document, version, created, queue, id FROM ({source}) {where} "
                    "ORDER BY created DESC, queue ASC, id ASC LIMIT ?",
                    (*parameters, limit + 1),
                )
            )
        tasks: list[Task] = [task_from_row((row[0], row[1])) for row in rows[:limit]]
        more = len(rows) > limit
        next_cursor = (
            encode_cursor((rows[limit - 1][2], rows[limit - 1][3], rows[limit - 1][4])) if more else None
        )
        return TaskPage(tasks=tasks, next_cursor=next_cursor)


def listed_rows(query: TaskQuery) -> tuple[str, list[Any]]:
    """``FROM ... WHERE ...`` over the rows ``search_tasks`` lists for ``query``, with the columns
    ``document``, ``created``, ``queue``, ``id`` and ``state``: for counts and aggregations."""
    source = f"{_LIVE} UNION ALL {_ARCHIVED}" if query.include_archive else _LIVE
    conditions, parameters = _conditions(query, None)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"FROM ({source}) {where}", parameters


def _conditions(query: TaskQuery, cursor: str | None) -> tuple[list[str], list[Any]]:
    conditions: list[str] = []
    parameters: list[Any] = []

    def any_of(column: str, values: tuple[str, ...]) -> None:
        if values:
            conditions.append(f"{column} IN ({', '.join('?' * len(values))})")
            parameters.extend(values)

    any_of("queue", query.queues)
    any_of("state", tuple(state.value for state in query.states))
    any_of("json_extract(document, '$.kind')", query.kinds)
    for column, value in (
        ("worker_id", query.worker_id),
        ("json_extract(document, '$.recurring_task_id')", query.recurring_task_id),
    ):
        if value is not None:
            conditions.append(f"{column} = ?")
            parameters.append(value)
    if query.created_after is not None:
        conditions.append("created >= ?")
        parameters.append(format_stored_time(query.created_after))
    if query.created_before is not None:
        conditions.append("created < ?")
        parameters.append(format_stored_time(query.created_before))
    if cursor is not None:
        created, queue, task_id = decode_cursor(cursor)
        conditions.append("(created < ? OR (created = ? AND (queue > ? OR (queue = ? AND id > ?))))")
        parameters.extend([created, created, queue, queue, task_id])
    return conditions, parameters
