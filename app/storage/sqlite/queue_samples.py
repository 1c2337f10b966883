"""Per-minute queue samples: one row per (queue, minute), replaced by ``INSERT OR REPLACE``."""

import json
from collections.abc import Sequence
from datetime import datetime

from app.domain.queue_samples import QueueSample
from app.storage.queue_sample_documents import sample_from_document, sample_to_document
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import dumps, micros
from app.storage.sqlite.statements import changed_rows


class SqliteQueueSampleMethods:
    _connections: SqliteConnections

    async def put_queue_samples(self, samples: Sequence[QueueSample]) -> None:
        if not samples:
            return
        rows = [
            (sample.queue, micros(sample.minute), dumps(sample_to_document(sample))) for sample in samples
        ]
        sql = "INSERT OR REPLACE INTO queue_samples (queue, minute_us, document) VALUES (?, ?, ?)"
        await self._connections.write(lambda writer: writer.executemany(sql, rows))

    async def list_queue_samples(self, *, queue: str, since: datetime, until: datetime) -> list[QueueSample]:
        sql = (
            "SELECT document FROM queue_samples WHERE queue = ? AND minute_us >= ? AND minute_us < ? "
            "ORDER BY minute_us"
        )
        parameters = (queue, micros(since), micros(until))
        rows = await self._connections.read(lambda reader: reader.execute_fetchall(sql, parameters))
        return [sample_from_document(json.loads(row[0])) for row in rows]

    async def prune_queue_samples(self, *, before: datetime) -> int:
        return await self._connections.write(
            lambda writer: changed_rows(
                writer, "DELETE FROM queue_samples WHERE minute_us < ?", (micros(before),)
            )
        )
