"""Flow control on SQLite: the task columns and tables it needs, capability sets, unclaimable counts.

Concurrency limits need no record here: the claim transaction counts CLAIMED tasks per queue and
per ``concurrency_key`` (partial indexes on claimed rows keep that cheap), so a slot frees itself
the moment its task leaves CLAIMED by any path, and ``release_claims`` has nothing to do. Rate limits
are token buckets, one ``flow_buckets`` row per queue or key, read and written inside the same
transaction. ``capability_sets`` keeps, per distinct capability set a claimer declared, when it was
last seen.

``migrate`` runs after ``schema.sql`` on every ``setup``: databases created before flow control get the
three task columns added (their tasks had no keys or requirements, so NULL is right) and then the
indexes and tables, all idempotently.
"""

import json
from collections.abc import Sequence
from datetime import datetime

from app.domain.task import Task
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import micros
from app.storage.sqlite.statements import Statements

FLOW_TABLES = frozenset({"flow_buckets", "capability_sets"})
_TASK_COLUMNS = ("concurrency_key", "rate_limit_key", "required_capabilities")
_STATEMENTS = (
    # CLAIMED counts per limited queue and per key: claim.py load_ledger, inside the claim transaction.
    # ``state`` is a key column although the condition fixes it: SQLite still reads it to check the
    # query's ``state = 'claimed'``, and without it every counted row was a lookup in the table.
    "CREATE INDEX IF NOT EXISTS tasks_claimed_per_queue ON tasks (queue, state) WHERE state = 'claimed'",
    "CREATE INDEX IF NOT EXISTS tasks_claimed_per_key ON tasks (concurrency_key, state) "
    "WHERE state = 'claimed' AND concurrency_key IS NOT NULL",
    # Claim order per concurrency key, NULL (no key) included: serves key discovery and each key's
    # candidates, the unkeyed ones too.
    "CREATE INDEX IF NOT EXISTS tasks_waiting_by_key "
    "ON tasks (concurrency_key, priority DESC, run_at_us, enqueued_at_us) "
    "WHERE state IN ('queued', 'failed')",
    "CREATE TABLE IF NOT EXISTS flow_buckets ("
    " scope TEXT PRIMARY KEY, tokens REAL NOT NULL, refilled_at_us INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS capability_sets ("
    " set_key TEXT PRIMARY KEY, capabilities TEXT NOT NULL, seen_at_us INTEGER NOT NULL) WITHOUT ROWID",
)

# A task's required capabilities are all in the JSON array bound to the parameter.
COVERED_BY_PARAMETER = (
    "(required_capabilities IS NULL OR NOT EXISTS (SELECT 1 FROM json_each(tasks.required_capabilities) "
    "AS required WHERE required.value NOT IN (SELECT value FROM json_each(?))))"
)
_UNCLAIMABLE = (
    "SELECT queue, COUNT(*) FROM tasks WHERE state IN ('queued', 'failed') AND remaining_attempts > 0 "
    "AND required_capabilities IS NOT NULL AND NOT EXISTS (SELECT 1 FROM capability_sets AS seen "
    "WHERE seen.seen_at_us >= ? AND NOT EXISTS (SELECT 1 FROM json_each(tasks.required_capabilities) "
    "AS required WHERE required.value NOT IN (SELECT value FROM json_each(seen.capabilities)))) "
    "GROUP BY queue"
)


async def migrate(writer: Statements) -> None:
    columns = {row[1] for row in await writer.execute_fetchall("PRAGMA table_info(tasks)")}
    for column in _TASK_COLUMNS:
        if column not in columns:
            await writer.execute_fetchall(f"ALTER TABLE tasks ADD COLUMN {column} TEXT")
    for statement in _STATEMENTS:
        await writer.execute_fetchall(statement)


def capabilities_json(capabilities: Sequence[str] | frozenset[str] | None) -> str:
    return json.dumps(sorted(capabilities or ()))


class SqliteFlowMethods:
    _connections: SqliteConnections

    async def release_claims(self, tasks: Sequence[Task]) -> None:
        return None  # slots are counted from CLAIMED rows, see the module docstring

    async def record_capabilities(self, capabilities: frozenset[str], *, at: datetime) -> None:
        if not capabilities:
            return
        text = capabilities_json(capabilities)
        sql = (
            "INSERT INTO capability_sets (set_key, capabilities, seen_at_us) VALUES (?, ?, ?) "
            "ON CONFLICT (set_key) DO UPDATE SET seen_at_us = MAX(seen_at_us, excluded.seen_at_us)"
        )
        await self._connections.write(lambda writer: writer.execute_fetchall(sql, (text, text, micros(at))))

    async def unclaimable_counts(self, *, seen_since: datetime) -> dict[str, int]:
        parameters = (micros(seen_since),)
        rows = await self._connections.read(lambda reader: reader.execute_fetchall(_UNCLAIMABLE, parameters))
        return {queue: int(count) for queue, count in rows}
