"""Schema changes for databases made by earlier versions; each step is idempotent and runs in setup.

``worker_id``: the last claimer used to be indexed as ``json_extract(document, ...)``, which made
SQLite parse the whole document twice on every task write (a third of an update's cost). It is a
column now, written with the row; the old expression index is dropped.
"""

from app.storage.sqlite.statements import Statements

_WORKER_INDEX = "CREATE INDEX IF NOT EXISTS tasks_by_worker ON tasks (state, worker_id)"


async def add_worker_column(writer: Statements) -> None:
    columns = {row[1] for row in await writer.execute_fetchall("PRAGMA table_info(tasks)")}
    if "worker_id" not in columns:
        await writer.execute_fetchall("ALTER TABLE tasks ADD COLUMN worker_id TEXT")
        await writer.execute_fetchall(
            "UPDATE tasks SET worker_id = json_extract(document, '$.last_claimed.worker_id') "
            "WHERE json_extract(document, '$.last_claimed') IS NOT NULL"
        )
    await writer.execute_fetchall("DROP INDEX IF EXISTS tasks_by_claimer")
    await writer.execute_fetchall(_WORKER_INDEX)
