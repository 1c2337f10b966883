"""Task listing with keyset pagination over live (and optionally archived) rows.

Every filter and sort key is read from the stored document (``json_extract``), so live and archived
rows answer alike without extra columns. The keyset is (sort value, queue, id); sort values are the
stored RFC 3339 text (which orders correctly) or the integer priority. ``error_text`` and ``text`` are
case-insensitive substrings (SQLite's ``lower``, ASCII letters) of the JSON text of the failure data,
(the needle JSON-escaped the same way, so quotes and backslashes match)
and of the args or either result: keys match as well as values, as on Elasticsearch, whose
``search_text`` flattens the same data to "key value" words.
"""

import json
from typing import Any

from app.domain.errors import InvalidInput
from app.domain.queries import SortOrder, TaskPage, TaskQuery, TaskSort, TimeField
from app.domain.states import FINISHED_STATES
from app.domain.task import Task
from app.storage.documents import format_stored_time
from app.storage.search_cursor import decode_cursor, encode_cursor
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import task_from_row

_CREATED = "json_extract(document, '$.metadata.created_at')"
_SORT_PATHS = {
    TaskSort.CREATED: "$.metadata.created_at",
    TaskSort.RUN_AT: "$.run_at",
    TaskSort.PRIORITY: "$.priority",
    TaskSort.FINISHED: "$.metadata.modified_at",
}
_TIME_PATHS = {
    TimeField.CREATED: "$.metadata.created_at",
    TimeField.RUN_AT: "$.run_at",
    TimeField.CLAIMED: "$.last_claimed.claimed_at",
    TimeField.FINISHED: "$.metadata.modified_at",
}
_FAILURE = "$.last_claimed.result.failure"
_TEXT_PATHS = ("$.args", "$.last_claimed.result.success", _FAILURE)
_FINISHED = f"state IN ({', '.join(repr(state.value) for state in sorted(FINISHED_STATES))})"


class SqliteSearchMethods:
    _connections: SqliteConnections

    async def count_tasks(self, query: TaskQuery) -> int:
        listed, parameters = listed_rows(query)
        rows = await self._connections.read(
            lambda reader: reader.execute_fetchall(f"SELECT COUNT(*) {listed}", parameters)
        )
        return int(rows[0][0])

    async def search_tasks(self, query: TaskQuery, *, limit: int, cursor: str | None) -> TaskPage:
        conditions, parameters = _conditions(query, cursor)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        direction = "DESC" if query.order is SortOrder.DESC else "ASC"
        sql = (
            f"SELECT document, version, sort_value, queue, id FROM ({_source(query)}) {where} "
            f"ORDER BY sort_value {direction}, queue ASC, id ASC LIMIT ?"
        )
        rows = await self._connections.read(
            lambda reader: reader.execute_fetchall(sql, (*parameters, limit + 1))
        )
        tasks: list[Task] = [task_from_row((row[0], row[1])) for row in rows[:limit]]
        last = rows[limit - 1] if len(rows) > limit else None
        next_cursor = encode_cursor(query.ordering, (last[2], last[3], last[4])) if last else None
        return TaskPage(tasks=tasks, next_cursor=next_cursor)


def listed_rows(query: TaskQuery) -> tuple[str, list[Any]]:
    """``FROM ... WHERE ...`` over the rows ``search_tasks`` lists for ``query``, with the columns
    ``document``, ``created``, ``queue``, ``id`` and ``state``: for counts and aggregations."""
    conditions, parameters = _conditions(query, None)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"FROM ({_source(query)}) {where}", parameters


def _source(query: TaskQuery) -> str:
    sort_value = f"json_extract(document, '{_SORT_PATHS[query.sort]}')"
    columns = f"document, version, {_CREATED} AS created, {sort_value} AS sort_value, queue, id"
    live = f"SELECT {columns}, state, worker_id FROM tasks"
    archived = (
        f"SELECT {columns}, json_extract(document, '$.state') AS state, "
        "json_extract(document, '$.last_claimed.worker_id') AS worker_id FROM archived_tasks"
    )
    return f"{live} UNION ALL {archived}" if query.include_archive else live


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
    _time_conditions(query, conditions, parameters)
    _text_conditions(query, conditions, parameters)
    if cursor is not None:
        after, queue, task_id = decode_cursor(cursor, ordering=query.ordering)
        if isinstance(after, int) != (query.sort is TaskSort.PRIORITY):
            raise InvalidInput("cursor is not one this server handed out")
        beyond = "<" if query.order is SortOrder.DESC else ">"
        conditions.append(
            f"(sort_value {beyond} ? OR (sort_value = ? AND (queue > ? OR (queue = ? AND id > ?))))"
        )
        parameters.extend([after, after, queue, queue, task_id])
    return conditions, parameters


def _time_conditions(query: TaskQuery, conditions: list[str], parameters: list[Any]) -> None:
    for found in query.time_ranges:
        column = f"json_extract(document, '{_TIME_PATHS[found.field]}')"
        if found.field is TimeField.FINISHED:
            conditions.append(_FINISHED)
        if found.after is not None:
            conditions.append(f"{column} >= ?")
            parameters.append(format_stored_time(found.after))
        if found.before is not None:
            conditions.append(f"{column} < ?")
            parameters.append(format_stored_time(found.before))


def _contains(path: str) -> str:
    # ``->`` gives JSON text for every value, strings included (``json_extract`` unquotes those), so the
    # needle is escaped one way (``_as_json_text``) and a ``"`` or ``\`` in it matches.
    return f"instr(lower(document -> '{path}'), lower(?)) > 0"


def _as_json_text(needle: str) -> str:
    """``needle`` as it appears inside a JSON string: quotes, backslashes and controls escaped."""
    return json.dumps(needle, ensure_ascii=False)[1:-1]


def _text_conditions(query: TaskQuery, conditions: list[str], parameters: list[Any]) -> None:
    if query.error_text is not None:
        conditions.append(_contains(_FAILURE))
        parameters.append(_as_json_text(query.error_text))
    if query.text is not None:
        conditions.append(f"({' OR '.join(_contains(path) for path in _TEXT_PATHS)})")
        parameters.extend([_as_json_text(query.text)] * len(_TEXT_PATHS))
