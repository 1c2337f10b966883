"""Use cases over the store port: enqueue, claim (with long-poll and in-process hand-off), report,
finish, fail, unclaim. Rule: imports the domain and ``app.storage.port`` only; never a backend, never
HTTP. Every state change is read -> domain transition -> compare-and-swap; a lost race re-reads and
retries through ``conflict_retry.retry_on_conflict`` only, bounded by
``tasks.limits.version_conflict_retry_times`` (maintenance passes that lose a race just leave the record
to their next pass). One exception to "never HTTP", on purpose: push delivery is outbound HTTP by
nature, so ``push_sender`` holds an httpx client, behind the ``PushSender`` protocol that the dispatcher
depends on (tests deliver in process); nothing here serves HTTP.
"""
