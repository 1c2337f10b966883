"""Leader election and the leader-only periodic services (timeout reaper, recurring scheduler, archiver,
admin jobs, pipeline advancer, push delivery).

Rule: imports services, the store port and the domain; never a backend or code the backends share,
never the api, never HTTP (import-linter holds it to this). Services never ask
"am I leader?": the ``LeaderElector`` (a follower/leader state machine over the lock record) tells the
``LeaderSupervisor``, which starts every leader-only service on election and cancels them on demotion.
Correctness does not rest on there being one leader at a time (a partitioned old leader may overlap a new
one for less than the safety margin): every write the services make is a compare-and-swap or a
create-only insert with a deterministic id, so a doubled pass finds nothing left to do.
"""
