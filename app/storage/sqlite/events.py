"""Attempt history rows: append-only, keyed by the event's stable id so a repeated append is a no-op."""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from app.domain.history import TaskEvent, TaskEventKind
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import dumps, micros
from app.storage.sqlite.statements import Row, Statements, changed_rows

_COLUMNS = "queue, task_id, attempt, kind, at_us, worker_id, lease_token, error, data, sequence"


def _optional_json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else dumps(value)


INSERT_EVENTS = (
    f"INSERT OR IGNORE INTO task_events (event_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def event_rows(events: Sequence[TaskEvent]) -> list[tuple[Any, ...]]:
    return [
        (
            event.event_id,
            event.queue,
            event.task_id,
            event.attempt,
            event.kind.value,
            micros(event.at),
            event.worker_id,
            event.lease_token,
            _optional_json(event.error),
            _optional_json(event.data),
            event.sequence,
        )
        for event in events
    ]


class SqliteEventMethods:
    _connections: SqliteConnections

    async def append_events(self, events: Sequence[TaskEvent]) -> None:
        if not events:
            return
        rows = event_rows(events)

        async def append(writer: Statements) -> None:
            await writer.executemany(INSERT_EVENTS, rows)

        await self._connections.write(append)

    async def prune_events(self, *, before: datetime, limit: int) -> int:
        sql = (
            "DELETE FROM task_events WHERE event_id IN "
            "(SELECT event_id FROM task_events WHERE at_us < ? ORDER BY at_us LIMIT ?)"
        )
        return await self._connections.write(
            lambda writer: changed_rows(writer, sql, (micros(before), limit))
        )

    async def list_events(self, queue: str, task_id: str, *, limit: int) -> list[TaskEvent]:

        async def select(reader: Statements) -> list[Row]:
            return await reader.execute_fetchall(
                f"SELECT {_COLUMNS} FROM task_events WHERE queue = ? AND task_id = ? ORDER BY at_us, sequence, event_id LIMIT ?",
                (queue, task_id, limit),
            )

        rows = await self._connections.read(select)
        return [_event_from_row(row) for row in rows]


def _event_from_row(row: Any) -> TaskEvent:
    queue, task_id, attempt, kind, at_us, worker_id, lease_token, error, data, sequence = row
    return TaskEvent(
        queue=queue,
        task_id=task_id,
        attempt=attempt,
        kind=TaskEventKind(kind),
        at=datetime.fromtimestamp(at_us / 1_000_000, tz=UTC),
        worker_id=worker_id,
        lease_token=lease_token,
        error=json.loads(error) if error is not None else None,
        data=json.loads(data) if data is not None else None,
        sequence=sequence,
    )
