"""Use cases over the store port: enqueue, claim (with long-poll and in-process hand-off), report,
finish, fail, unclaim. Rule: imports the domain and ``app.storage.port`` only; never a backend, never
HTTP. Every state change is read -> domain transition -> compare-and-swap, retried a bounded number of
times on ``VersionConflict``.
"""
