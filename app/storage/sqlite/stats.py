"""Per-queue counts for metrics and the queues overview."""

from datetime import UTC, datetime

from app.domain.queries import QueueStats
from app.domain.states import TaskState
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.statements import Row, Statements


class SqliteStatsMethods:
    _connections: SqliteConnections

    async def queue_stats(self) -> list[QueueStats]:
        async def select(reader: Statements) -> tuple[list[Row], list[Row]]:
            counts = await reader.execute_fetchall(
                "SELECT queue, state, COUNT(*) FROM tasks GROUP BY queue, state"
            )
            oldest = await reader.execute_fetchall(
                "SELECT queue, MIN(run_at_us) FROM tasks WHERE state = 'queued' GROUP BY queue"
            )
            return counts, oldest

        counts, oldest = await self._connections.read(select)
        by_queue: dict[str, dict[TaskState, int]] = {}
        for queue, state, count in counts:
            by_queue.setdefault(queue, {})[TaskState(state)] = int(count)
        heads = {queue: datetime.fromtimestamp(run_at_us / 1_000_000, tz=UTC) for queue, run_at_us in oldest}
        return [QueueStats(queue, by_queue[queue], heads.get(queue)) for queue in sorted(by_queue)]
