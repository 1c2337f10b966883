"""Search aggregations and queue throughput: GROUP BY queries on a reader connection.

Aggregations run over the same rows as the listing (``listed_rows``), so they honour every filter and
``include_archive``; groups are counted completely and capped in Python (``capped_terms``), which is
exact. Minutes are the first 16 characters of the stored RFC 3339 ``modified_at`` (always a four-digit
year, UTC), compared as text against minute-aligned bounds.

Throughput reads live tasks by their ``modified_at_us`` column and archived ones by their document,
narrowed by ``archived_at_us`` first: a task last changed at or after a cut-off was archived after it.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from app.domain.aggregations import (
    COUNTED_FINISHED_STATES,
    ERROR_CLASS_STATES,
    MISSING_ERROR_CLASS,
    AggregationName,
    AggregationRequest,
    MinuteBucket,
    MinuteWindow,
    QueueThroughput,
    TaskAggregations,
    TermsAggregation,
    TermsBucket,
    minute_series,
)
from app.domain.queries import TaskQuery
from app.domain.states import TaskState
from app.storage.documents import format_stored_time
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import micros
from app.storage.sqlite.search import listed_rows
from app.storage.sqlite.statements import Row, Statements

_MODIFIED = "json_extract(document, '$.metadata.modified_at')"
_ERROR_CLASS = f"COALESCE(json_extract(document, '$.error_class'), '{MISSING_ERROR_CLASS}')"
_FINISHED = f"({', '.join(repr(state.value) for state in COUNTED_FINISHED_STATES)})"
_ERRORED = f"({', '.join(repr(state.value) for state in ERROR_CLASS_STATES)})"


class SqliteAggregationMethods:
    _connections: SqliteConnections

    async def aggregate_tasks(self, query: TaskQuery, request: AggregationRequest) -> TaskAggregations:
        listed, parameters = listed_rows(query)
        names = request.names
        size = request.terms_size

        async def aggregate(reader: Statements) -> TaskAggregations:
            async def rows(sql: str, extra: Sequence[Any] = ()) -> list[Any]:
                return list(await reader.execute_fetchall(sql, (*parameters, *extra)))

            queue_state = kind = error_class = finished = None
            if AggregationName.QUEUE_STATE in names:
                grouped = await rows(f"SELECT queue, state, COUNT(*) {listed} GROUP BY queue, state")
                queue_state = _queue_states(grouped, size)
            if AggregationName.KIND in names:
                grouped = await rows(f"SELECT json_extract(document, '$.kind'), COUNT(*) {listed} GROUP BY 1")
                kind = capped_terms(dict(grouped), size)
            if AggregationName.ERROR_CLASS in names:
                grouped = await rows(
                    f"SELECT {_ERROR_CLASS}, COUNT(*) FROM (SELECT document, state {listed}) "
                    f"WHERE state IN {_ERRORED} GROUP BY 1"
                )
                error_class = capped_terms(dict(grouped), size)
            if AggregationName.FINISHED_PER_MINUTE in names and request.window.minutes > 0:
                grouped = await rows(*_finished_per_minute(listed, request.window))
                finished = _minutes(request.window, grouped)
            elif AggregationName.FINISHED_PER_MINUTE in names:
                finished = []
            return TaskAggregations(
                queue_state=queue_state, kind=kind, error_class=error_class, finished_per_minute=finished
            )

        return await self._connections.read(aggregate)

    async def finished_counts(self, *, since: Sequence[datetime]) -> list[QueueThroughput]:
        if not since:
            return []
        earliest = min(since)
        live_sums = ", ".join("SUM(modified_at_us >= ?)" for _ in since)
        archived_sums = ", ".join(f"SUM({_MODIFIED} >= ?)" for _ in since)

        async def select(reader: Statements) -> tuple[list[Row], list[Row]]:
            live = await reader.execute_fetchall(
                f"SELECT queue, state, {live_sums} FROM tasks "
                f"WHERE state IN {_FINISHED} AND modified_at_us >= ? GROUP BY queue, state",
                (*(micros(cut_off) for cut_off in since), micros(earliest)),
            )
            archived = await reader.execute_fetchall(
                f"SELECT queue, json_extract(document, '$.state') AS state, {archived_sums} "
                f"FROM archived_tasks WHERE archived_at_us >= ? AND {_MODIFIED} >= ? GROUP BY queue, state",
                (
                    *(format_stored_time(cut_off) for cut_off in since),
                    micros(earliest),
                    format_stored_time(earliest),
                ),
            )
            return live, archived

        live, archived = await self._connections.read(select)
        totals: dict[tuple[str, datetime], dict[TaskState, int]] = {}
        for queue, state, *sums in [*live, *archived]:
            for cut_off, count in zip(since, sums, strict=True):
                if not count:
                    continue
                counts = totals.setdefault((queue, cut_off), {})
                counts[TaskState(state)] = counts.get(TaskState(state), 0) + int(count)
        return [
            QueueThroughput(queue, cut_off, counts) for (queue, cut_off), counts in sorted(totals.items())
        ]


def _queue_states(grouped: list[Any], size: int) -> TermsAggregation:
    by_queue: dict[str, dict[TaskState, int]] = {}
    for queue, state, count in grouped:
        by_queue.setdefault(queue, {})[TaskState(state)] = int(count)
    totals = capped_terms({queue: sum(states.values()) for queue, states in by_queue.items()}, size)
    buckets = [TermsBucket(bucket.key, bucket.count, by_queue[bucket.key]) for bucket in totals.buckets]
    return TermsAggregation(buckets, totals.other)


def _finished_per_minute(listed: str, window: MinuteWindow) -> tuple[str, list[str]]:
    sql = (
        f"SELECT substr(modified, 1, 16), state, COUNT(*) FROM (SELECT {_MODIFIED} AS modified, state {listed}) "
        f"WHERE state IN {_FINISHED} AND modified >= ? AND modified < ? GROUP BY 1, 2"
    )
    return sql, [format_stored_time(window.start), format_stored_time(window.end)]


def _minutes(window: MinuteWindow, grouped: list[Any]) -> list[MinuteBucket]:
    counted: dict[datetime, dict[TaskState, int]] = {}
    for minute, state, count in grouped:
        counted.setdefault(datetime.fromisoformat(f"{minute}:00+00:00"), {})[TaskState(state)] = int(count)
    return minute_series(window, counted)


def capped_terms(counts: Mapping[str, int], size: int) -> TermsAggregation:
    """Exact terms from complete counts: the ``size`` largest (ties by key), the rest summed."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    kept = [TermsBucket(key, count) for key, count in ordered[:size]]
    return TermsAggregation(kept, sum(count for _, count in ordered[size:]))
