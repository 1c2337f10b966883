"""Pure task model: frozen values, state transitions and the error hierarchy, and the other entities and
query types every layer speaks in (recurring definitions, admin jobs, pipelines, push workers, leader
locks, ``queries``, ``aggregations``, ``queue_samples``).

Rule: imports nothing of ours and never reads the clock or a random source; every transition takes
``at`` (and any randomness) as arguments and returns a new model.
"""
