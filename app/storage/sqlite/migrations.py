"""Schema changes for databases made by earlier versions; each step is idempotent and runs in setup.

``worker_id``: the last claimer used to be indexed as ``json_extract(document, ...)``, which made
SQLite parse the whole document twice on every task write (a third of an update's cost). It is a
column now, written with the row, indexed only where a claim set it.

Retired indexes are dropped here, so a database made before keeps no index that no query uses (every
task write would still pay for it) and none that lures the planner away from the right one.
"""

from app.storage.sqlite.statements import Statements

# Tasks by their last claimer: search.py's worker_id filter, live rows. Tasks never claimed have no
# worker, so enqueues skip this index entirely.
_WORKER_INDEX = (
    "CREATE INDEX IF NOT EXISTS tasks_by_last_worker ON tasks (worker_id) WHERE worker_id IS NOT NULL"
)

RETIRED_INDEXES = (
    # The expression index the worker_id column replaced.
    "tasks_by_claimer",
    # (state, worker_id) over every row: written by every enqueue and transition, useless to a worker
    # search without a state filter, and its leading state column drew the reaper, the archiver and the
    # flow-control counts onto it (read every claimed or finished task, then sort) instead of theirs.
    "tasks_by_worker",
    # Its condition listed the finished states in another order than the archiver's query, so SQLite never
    # matched them and the archiver scanned the table; replaced by tasks_finished_by_age.
    "tasks_finished",
    # Led by queue, so the planner walked the queue's primary key instead; replaced by
    # tasks_by_recurring_task.
    "tasks_by_recurring",
    # Without ``state`` as a key column, counting CLAIMED rows looked each one up in the table; replaced by
    # flow.py's tasks_claimed_per_queue and tasks_claimed_per_key.
    "tasks_claimed_by_queue",
    "tasks_claimed_by_key",
)


async def add_worker_column(writer: Statements) -> None:
    columns = {row[1] for row in await writer.execute_fetchall("PRAGMA table_info(tasks)")}
    if "worker_id" not in columns:
        await writer.execute_fetchall("ALTER TABLE tasks ADD COLUMN worker_id TEXT")
        await writer.execute_fetchall(
            "UPDATE tasks SET worker_id = json_extract(document, '$.last_claimed.worker_id') "
            "WHERE json_extract(document, '$.last_claimed') IS NOT NULL"
        )
    await writer.execute_fetchall(_WORKER_INDEX)


async def drop_retired_indexes(writer: Statements) -> None:
    for name in RETIRED_INDEXES:
        await writer.execute_fetchall(f"DROP INDEX IF EXISTS {name}")
