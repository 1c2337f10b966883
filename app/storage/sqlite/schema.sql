CREATE TABLE IF NOT EXISTS tasks (
    queue TEXT NOT NULL,
    id TEXT NOT NULL,
    state TEXT NOT NULL,
    priority INTEGER NOT NULL,
    run_at_us INTEGER NOT NULL,
    enqueued_at_us INTEGER NOT NULL,
    remaining_attempts INTEGER NOT NULL,
    times_out_at_us INTEGER,
    modified_at_us INTEGER NOT NULL,
    recurring_task_id TEXT,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (queue, id)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS tasks_claim_order
    ON tasks (queue, priority DESC, run_at_us, enqueued_at_us)
    WHERE state IN ('queued', 'failed');

CREATE INDEX IF NOT EXISTS tasks_claim_order_all_queues
    ON tasks (priority DESC, run_at_us, enqueued_at_us)
    WHERE state IN ('queued', 'failed');

CREATE INDEX IF NOT EXISTS tasks_timeouts ON tasks (times_out_at_us) WHERE state = 'claimed';

CREATE INDEX IF NOT EXISTS tasks_finished ON tasks (modified_at_us) WHERE state IN ('done', 'dead', 'cancelled');

-- Dead-letter retention: dead tasks per queue, oldest first.
CREATE INDEX IF NOT EXISTS tasks_dead ON tasks (queue, modified_at_us) WHERE state = 'dead';

CREATE INDEX IF NOT EXISTS tasks_by_recurring ON tasks (queue, recurring_task_id) WHERE recurring_task_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS archived_tasks (
    queue TEXT NOT NULL,
    id TEXT NOT NULL,
    archived_at_us INTEGER NOT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (queue, id)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS archived_tasks_by_age ON archived_tasks (archived_at_us);

-- Dead-letter retention on archived tasks (app/storage/sqlite/dead_letters.py spells these expressions
-- the same way).
CREATE INDEX IF NOT EXISTS archived_dead_tasks
    ON archived_tasks (queue, json_extract(document, '$.metadata.modified_at'))
    WHERE json_extract(document, '$.state') = 'dead';

CREATE TABLE IF NOT EXISTS dedup_records (
    queue TEXT NOT NULL,
    id TEXT NOT NULL,
    archived_at_us INTEGER NOT NULL,
    PRIMARY KEY (queue, id)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS dedup_records_by_age ON dedup_records (archived_at_us);

CREATE TABLE IF NOT EXISTS leader_locks (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS recurring_tasks (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS task_events (
    event_id TEXT PRIMARY KEY,
    queue TEXT NOT NULL,
    task_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    kind TEXT NOT NULL,
    at_us INTEGER NOT NULL,
    worker_id TEXT,
    lease_token TEXT,
    error TEXT,
    data TEXT,
    sequence INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS task_events_by_task ON task_events (queue, task_id, at_us);

CREATE INDEX IF NOT EXISTS task_events_by_age ON task_events (at_us);

CREATE TABLE IF NOT EXISTS queue_controls (
    name TEXT PRIMARY KEY,
    paused TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS admin_jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
) WITHOUT ROWID;

-- Tasks by their last claimer (tasks_by_worker) are indexed by app/storage/sqlite/migrations.py, which
-- adds the worker_id column to databases made before it existed.

CREATE TABLE IF NOT EXISTS pipelines (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS pipelines_by_state ON pipelines (state, id);

CREATE TABLE IF NOT EXISTS push_workers (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
) WITHOUT ROWID;

-- Per-minute queue samples for the dashboard's charts (app/domain/queue_samples.py): a sample replaces
-- the one stored for its queue and minute.
CREATE TABLE IF NOT EXISTS queue_samples (
    queue TEXT NOT NULL,
    minute_us INTEGER NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (queue, minute_us)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS queue_samples_by_minute ON queue_samples (minute_us);

CREATE TABLE IF NOT EXISTS schema_info (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT OR IGNORE INTO schema_info (key, value) VALUES ('schema_version', '1');
