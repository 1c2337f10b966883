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

-- Every index below is written on the hot path by some transition, so each one names the statement it
-- serves (tests/contract/test_sqlite_index_plans.py checks those plans with EXPLAIN QUERY PLAN). A query
-- uses a partial index only if its WHERE spells the index's condition the same way (IN lists in the
-- same order), so each condition is copied from its query. Indexes that need flow-control or worker
-- columns old databases may lack are created by flow.py and migrations.py after this file.

-- Claim order within named queues: claim.py best_first and look_ahead_query (INDEXED BY), one walk per
-- queue that stops at the claim's limit.
CREATE INDEX IF NOT EXISTS tasks_claim_order
    ON tasks (queue, priority DESC, run_at_us, enqueued_at_us)
    WHERE state IN ('queued', 'failed');

-- Claim order across every queue (a claim whose queue list is empty): claim.py best_first and
-- look_ahead_query (INDEXED BY).
CREATE INDEX IF NOT EXISTS tasks_claim_order_all_queues
    ON tasks (priority DESC, run_at_us, enqueued_at_us)
    WHERE state IN ('queued', 'failed');

-- Timed-out claims, earliest first: maintenance.py find_timed_out (the reaper).
CREATE INDEX IF NOT EXISTS tasks_timeouts ON tasks (times_out_at_us) WHERE state = 'claimed';

-- Finished tasks, oldest first: maintenance.py archive_finished (the archiver), whose condition lists
-- the states sorted.
CREATE INDEX IF NOT EXISTS tasks_finished_by_age
    ON tasks (modified_at_us) WHERE state IN ('cancelled', 'dead', 'done');

-- Dead-letter retention, dead tasks per queue, oldest first: dead_letters.py find_dead_tasks and the
-- live half of dead_task_queues.
CREATE INDEX IF NOT EXISTS tasks_dead ON tasks (queue, modified_at_us) WHERE state = 'dead';

-- A recurring task's outstanding runs: maintenance.py count_outstanding and find_outstanding (the
-- scheduler's overlap policies). The primary key (queue, id) rides along in every index of a WITHOUT
-- ROWID table, so this serves "recurring_task_id = ? AND queue = ?" (led by queue instead, the planner
-- preferred walking the whole queue by primary key). No semicolons in these comments: setup splits
-- this file on them.
CREATE INDEX IF NOT EXISTS tasks_by_recurring_task
    ON tasks (recurring_task_id) WHERE recurring_task_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS archived_tasks (
    queue TEXT NOT NULL,
    id TEXT NOT NULL,
    archived_at_us INTEGER NOT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (queue, id)
) WITHOUT ROWID;

-- Archive retention, oldest first: maintenance.py prune_archive.
CREATE INDEX IF NOT EXISTS archived_tasks_by_age ON archived_tasks (archived_at_us);

-- Dead-letter retention on archived tasks: dead_letters.py prune_archived_dead and the archived half of
-- dead_task_queues (which spell these expressions the same way). Written only when the archiver moves a
-- task, never on a request's path.
CREATE INDEX IF NOT EXISTS archived_dead_tasks
    ON archived_tasks (queue, json_extract(document, '$.metadata.modified_at'))
    WHERE json_extract(document, '$.state') = 'dead';

CREATE TABLE IF NOT EXISTS dedup_records (
    queue TEXT NOT NULL,
    id TEXT NOT NULL,
    archived_at_us INTEGER NOT NULL,
    PRIMARY KEY (queue, id)
) WITHOUT ROWID;

-- Dedup-record retention, oldest first: maintenance.py prune_archive.
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

-- A task's history in order: events.py list_events.
CREATE INDEX IF NOT EXISTS task_events_by_task ON task_events (queue, task_id, at_us);

-- History retention, oldest first: events.py prune_events.
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

-- Tasks by their last claimer (tasks_by_last_worker) are indexed by app/storage/sqlite/migrations.py,
-- which adds the worker_id column to databases made before it existed.

CREATE TABLE IF NOT EXISTS pipelines (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
) WITHOUT ROWID;

-- Pipelines in one state, by id (keyset pages): pipelines.py list_pipelines, the leader's scan.
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

-- Sample retention, oldest first: queue_samples.py prune_queue_samples.
CREATE INDEX IF NOT EXISTS queue_samples_by_minute ON queue_samples (minute_us);

CREATE TABLE IF NOT EXISTS schema_info (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT OR IGNORE INTO schema_info (key, value) VALUES ('schema_version', '1');
