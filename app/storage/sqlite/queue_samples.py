"""Per-minute queue samples: one row per (queue, minute), replaced by ``INSERT OR REPLACE``."""

import json
from collections.abc import Sequence
from datetime import datetime

from app.storage.queue_samples import QueueSample, sample_from_document, sample_to_document
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import dumps, micros


class SqliteQueueSampleMethods:
    _connections: SqliteConnections

    async def put_queue_samples(self, samples: Sequence[QueueSample]) -> None:
        if not samples:
            return
        rows = [
            (sample.queue, micros(sample.minute), dumps(sample_to_document(sample))) for sample in samples
        ]
        async with self._connections.write_transaction() as writer:
            await writer.executemany(
                "INSERT OR REPLACE INTO queue_samples (queue, minute_us, document) VALUES (?, ?, ?)", rows
            )

    async def list_queue_samples(self, *, queue: str, since: datetime, until: datetime) -> list[QueueSample]:
        async with self._connections.reader() as reader:
            rows = await reader.execute_fetchall(
                "SELECT document FROM queue_samples WHERE queue = ? AND minute_us >= ? AND minute_us < ? "
                "ORDER BY minute_us",
                (queue, micros(since), micros(until)),
            )
        return [sample_from_document(json.loads(row[0])) for row in rows]

    async def prune_queue_samples(self, *, before: datetime) -> int:
        async with (
            self._connections.write_transaction() as writer,
            writer.execute("DELETE FROM queue_samples WHERE minute_us < ?", (micros(before),)) as cursor,
        ):
            return cursor.rowcount
