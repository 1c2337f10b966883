"""Embedded SQLite backend: the default, so a fresh machine runs the server with no other service.

A real backend for single-node users, not a test double. WAL mode lets readers run beside the one
writer; writes run on a dedicated writer connection owned by its own thread, to which whole transaction
bodies are handed at once (``connection``, ``statements``), and the bodies of concurrent requests share
one ``BEGIN IMMEDIATE`` transaction, each in its own savepoint (``group_commit``): serialised in-process
by that thread, across processes by SQLite's own lock with a busy timeout, so several server processes
may share one database file on one machine. WAL checkpoints run on a thread
of their own so no write waits for their fsync. A claim selects and updates its batch inside one
IMMEDIATE transaction, so claimers never conflict here; the CAS version column still fences every other
write. Tasks are stored as the shared JSON document plus the columns the claim order needs; the partial
index ``tasks_claim_order`` serves "claimable, by queue, priority desc, run_at asc, enqueued asc".

Flow control (``claim``, ``flow``) lives in the same claim transaction: CLAIMED rows are counted per
limited queue and ``concurrency_key`` and token buckets read, so limits are exact across every process
sharing the file, and nothing has to be released when a task leaves CLAIMED.
"""

from app.storage.sqlite.store import SqliteTaskStore

__all__ = ["SqliteTaskStore"]
