"""Storage: the port every backend implements, the code both backends share, and the backends.

- ``port``: the store protocols, and the claim and write result types. The entities and query types the
  protocols speak in (tasks, recurring definitions, admin jobs, pipelines, push workers, leader locks,
  ``TaskQuery``, aggregations, queue samples) live in ``app.domain``.
- Shared by both backends, flat in this package: the stored document shapes (``documents`` for tasks,
  ``*_documents`` for the other records), the generic versioned record kinds and the per-kind port
  methods over them (``versioned_records``, ``record_methods``), claim flow planning (``flow_planning``)
  and the listing cursor (``search_cursor``). Code only one backend uses lives in that backend.
- ``sqlite`` and ``elasticsearch``: the backends.

Rule: backends import the domain, the port and the shared modules only, never each other; the API and
maintenance import at most the port; nothing outside ``app.components`` picks a backend.
"""
