"""Use cases over the store port: enqueue, claim (with long-poll and in-process hand-off), report,
finish, fail, unclaim. Rule: imports the domain and ``app.storage.port`` only; never a backend, never
HTTP. Every state change is read -> domain transition -> compare-and-swap, retried a bounded number of
times on ``VersionConflict``. One exception to "never HTTP", on purpose: push delivery is outbound HTTP by
nature, so ``push_sender`` holds an httpx client, behind the ``PushSender`` protocol that the dispatcher
depends on (tests deliver in process); nothing here serves HTTP.
"""
