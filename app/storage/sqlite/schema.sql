CREATE TABLE IF NOT EXISTS tasks (
    queue TEXT NOT NULL,
    id TEXT NOT NULL,
    state TEXT NOT NULL,
    priority INTEGER NOT NULL,
    run_at_us INTEGER NOT NULL,
    enqueued_at_us INTEGER NOT NULL,
    remaining_attempts INTEGER NOT NULL,
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

CREATE TABLE IF NOT EXISTS schema_info (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT OR IGNORE INTO schema_info (key, value) VALUES ('schema_version', '1');
