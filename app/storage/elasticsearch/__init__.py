"""The search-engine backend (Elasticsearch and OpenSearch): the only package that imports
``elasticsearch`` or ``opensearchpy``, and only its ``engine_*`` adapters do.

Engines (``engine``)
    The store is written once against the ``SearchEngine`` seam; ``engine_elasticsearch`` and
    ``engine_opensearch`` adapt each official async client to it (call shapes, plain dict answers,
    the seam's exceptions, writes without client retries), and differ also in lifecycle policies (ILM
    or Index State Management) and version checks. Everything below holds for both engines.

Rule: it implements ``app.storage.port.Store`` (tasks, maintenance queries, leader locks, recurring
definitions, attempt history, paused queues, admin jobs) with the domain and ``app.storage.documents``/
``recurring_documents``/``event_documents``/``admin_job_documents`` only, and no client exception leaves
it (failures become ``StoreUnavailable``, see ``errors``). ``store`` holds the task paths and mixes in
``events``, ``locks``, ``recurring``, ``maintenance``, ``archive``, ``search``, ``stats``,
``queue_controls`` and ``admin_jobs``.

Index layout (``indices``, ``templates/tasks.json``)
    One index per queue, ``{prefix}queue-{queue}``, auto-created on the first write from the composable
    template ``{prefix}tasks`` (pattern ``{prefix}queue-*``) that ``setup()`` installs and
    ``verify_setup()`` checks, version included. Documents keep Go Tasques' ``_source`` shape
    (``app.storage.documents``). The mapping is ``dynamic: false``: only the fields we filter or sort
    on are indexed, free-form payloads (``args``, ``context``, report and result data, ``backoff``)
    are ``enabled: false`` objects, and unknown keys stay in ``_source`` unmapped, so user payloads
    cannot cause a mapping explosion; for error-text and free-text search the writer derives the
    ``text`` fields ``error_text`` and ``search_text`` from them (``search_text``). The prefix
    isolates deployments and parallel test runs.
    ``run_at`` and ``last_enqueued_at`` are ``date_nanos``, not ``date``: they are the claim filter
    and sort keys, and ``date`` keeps milliseconds, which would let a task due later in the same
    millisecond through the filter and order same-millisecond tasks arbitrarily (SQLite orders by
    microsecond). The cost is ``date_nanos``' range, 1970 to 2262: a task outside it is refused at
    creation with ``InvalidInput``.

Everything else under the prefix (``setup``; bodies in ``templates/``)
    ``{prefix}leader_locks`` (doc id = lock name), ``{prefix}recurring_tasks`` (doc id = definition id),
    ``{prefix}queue_controls`` (one document, ``paused``: the sorted names of the paused queues) and
    ``{prefix}admin_jobs`` (doc id = job id), ``{prefix}pipelines`` (doc id = pipeline id) and
    ``{prefix}push_workers`` (doc id = worker id; the signing secret unmapped, in ``_source`` only):
    plain indices with explicit mappings. ``{prefix}archive``: a
    rollover alias over backing indices ``{prefix}archive-000001``, ... shaped by the template
    ``{prefix}archived_tasks`` (task mapping plus ``archived_at``). With ILM (``ilm_enabled``, the
    default) the template names the policy ``{prefix}archive_policy``: rollover by age or primary shard
    size, delete ``archive_retention`` after rollover (on OpenSearch the ISM policy of that name
    attaches itself to new backing indices through its ``ism_template``). Without lifecycle
    management the archive stays one index and ``prune_archive(archived_before=...)`` is the only
    retention. ``verify_setup`` names every missing or outdated piece. Finished tasks leave a tombstone in
    their queue index (``archive``), which an admin retry replaces by the live task again (``revival``;
    ``stale_copies`` keeps a copy it left behind from answering). ``{prefix}events``: the attempt history, a second rollover alias set
    up the same way (template ``{prefix}task_events``, backing indices ``{prefix}events-000001``, ..., ILM
    policy ``{prefix}events_policy`` deleting ``events_retention`` after rollover, one plain index without
    ILM). Event documents (``event_documents``) are never changed; ``events`` explains ids, idempotent
    appends and ordering. Template version 3 maps the task fields ``cancellation``,
    ``checkpoint`` and ``last_claimed.report_recorded_at``; version 4 the flow control fields
    ``concurrency_key``, ``rate_limit_key``, ``required_capabilities`` and
    ``required_capabilities_count``; setup also adds them to queue and archive indices an older
    template created. ``{prefix}flow_control`` (plain index) holds the limiter records and the
    capability sets claimers declared (``flow_limiters``, ``flow``).

Writes (``writes``, ``bulk``)
    Creation is a ``_bulk`` of ``create`` actions (create-only: a taken id is ``TaskAlreadyExists``).
    Every change is a compare-and-swap with ``if_seq_no``/``if_primary_term`` from the version read.
    A state change (claim, finish, failure, unclaim, cancel, timeout) of a task whose stored document
    this store read (``known_documents`` keeps it with the parsed task) is a full-document ``index`` that
    carries over the stored top-level keys this code does not know: the engine runs a scripted update
    as a read, a merge and a full reindex, which cost the node about twice a plain ``index``. Other
    writes, and state changes whose stored document is no longer kept, follow ``scripted_updates``.
    With ``scripted_updates`` (the default) the write is a painless ``update`` that sets only the
    top-level keys that changed and removes the ones that vanished: a heartbeat sends ``last_claimed``
    and ``metadata`` instead of re-sending ``args``/``context``, and there is no GET + full rewrite.
    ``doc`` partial updates are not used because ES deep-merges maps, which would corrupt free-form
    payloads (a report dropping a key in ``data`` would keep it). Clusters with
    ``script.allowed_types: none`` run with ``scripted_updates=False``: a
    full-document ``index`` under the same CAS condition. A conditional ``index`` of a vanished
    document answers 409 "no document was found"; ``BulkItem.missing`` maps that to ``TaskNotFound``.
    Bulk writes are sent without client retries (see ``bulk``). Group commit: every ``_bulk`` goes
    through the client's ``bulk_coalescer``, so concurrent requests' writes (creates, claims, finishes,
    history events, limiter records) leave as one ``_bulk`` per flush, each caller answered with its
    own items; a task change hands its history events to the next flush without waiting for it
    (``task_changes``), and concurrent realtime reads by id share one ``_mget`` (``realtime_reads``).
    ``delete_task`` is one conditional
    ``delete`` of the live document, mapped the same way; it leaves no tombstone, so the id can be
    created again at once, and archived tasks are refused before any request, as for writes.

Claiming (``claim``)
    1. One search over the requested queue indices (``{prefix}queue-*`` for "all queues";
       ``ignore_unavailable``/``allow_no_indices`` so a queue never written to is simply empty) for
       state in (queued, failed), ``run_at <= at``, ``remaining_attempts > 0``, queue not among
       ``ClaimRequest.excluded_queues`` (the paused ones; a request naming only paused queues sends
       nothing), sorted by priority desc, run_at asc, last_enqueued_at asc, with
       ``seq_no_primary_term``; ``size`` over-fetches ``amount * claim_search_multiplier`` hits.
    2. ``claim(task)`` (the domain transition, passed in) is applied to a window of the best
       ``amount - claimed`` hits, sent as one ``_bulk`` of conditional writes; 409s are skipped and
       counted in ``ClaimOutcome.conflicts``, and further windows top up from the remaining hits
       until enough are claimed or the hits run out. A failing top-up returns what was already
       claimed rather than raising, since raising would strand those tasks until they time out.
    3. After a window that lost a CAS, the remaining hits are visited from a random offset within
       the run of hits sharing the best remaining priority (wrapping around inside it). A loss means
       other servers, or a stale search, are on the same hits; walking on in order would march every
       loser onto the same next window. The first window is not randomised: starting every claim at
       a random offset would make even a lone server skip better tasks, and the port promises
       best-first. Spreading never crosses a priority boundary either, so a claim never takes a
       lower-priority task while a higher-priority hit it saw is still free. The price: under
       contention (or a stale search), FIFO order within one priority is relaxed among the top
       ``amount * claim_search_multiplier`` hits, and every contender's first window targets the
       same best hits, costing the losers one extra round trip.
    The result is sorted by claim order.
    4. Until the next refresh the search still shows the tasks this store has just claimed as
       claimable. ``recent_writes`` remembers them for a few refresh intervals: the search leaves out
       those of the last two seconds (and older ones a search has shown stale), and a hit older than a
       remembered write is dropped without a write, so a claim moves past them instead of answering
       empty. A pass whose writes lost to other servers, or whose hits were stale, searches again
       (lost tasks are remembered too), up to ``flow_claim.MAX_SEARCH_ROUNDS``. A queue index whose
       shards are still starting answers the search with "all shards failed": read as empty.
    5. Several servers split the hits instead of racing for them. Each claiming store beats a
       heartbeat into ``{prefix}flow_control`` every two seconds and reads the others' (live = seen
       within three beats; ``claimer_membership``); with ``n`` live claimers, the one at index ``i`` of
       their sorted ids writes first to the hits whose CRC-32 of (queue, id) is ``i`` mod ``n``, within
       each priority run, and to the others' only when its own cannot fill the claim
       (``claim_stripes``); the search over-fetches ``max(claim_search_multiplier, 2n)`` times the
       amount, not widened further under contention (the stripes keep first windows apart). A lone server
       claims exactly as in 1-4. Under contention (another live claimer, or a write lost to another
       server within the last minute), each window's hits are read back by a realtime
       multi-get before their ``_bulk`` and the ones another server took since the refresh are dropped
       unwritten (the whole page is read instead when limits are configured).

Flow control at claim time (``flow_claim``, ``flow_limiters``, ``flow``)
    Every claim goes through ``flow_claim.FlowClaim``. Without configured limits it is the algorithm
    above plus two things. Capabilities: a ``terms_set`` filter (the task's ``required_capabilities``
    must all be among the declared ones; ``minimum_should_match_field`` reads the stored count, so no
    script is needed), re-checked by the domain on every hit. Fairness:
    the search also lists ``fairness_window`` concurrency keys with claimable tasks (a ``composite``
    aggregation in key order, resuming after the last key the previous claim listed, so with more
    keys than the window every key comes up in turn); hits are interleaved one per key per round, the
    key this store object served least recently first, and when a key whose turn it is has no hit
    among the over-fetched best (another key's backlog filled them) a second search fetches that
    key's best. Spreading after a lost window then applies to the interleaved list.
    With limits, there are no transactions to count CLAIMED tasks in, so each limited queue or key has
    a limiter record in ``{prefix}flow_control``: holders of its concurrency slots, or a token bucket.
    Slots and tokens are taken by compare-and-swap on those records *before* the tasks' own
    conditional writes, and a claim that then loses its task write gives them back; so N servers
    together never hold more than the limit. A holder whose task has left CLAIMED (or never got
    there, past ``pending_grace``) is stale: the next claim that finds the limiter full checks the
    holders against their tasks by realtime multi-get and drops the stale ones in the same CAS; the
    services' ``release_claims`` after done/failed/unclaim only makes it sooner. Queues and keys found
    at their limit are left out of a further search (``must_not``), up to three searches per pass,
    so a saturated key's backlog cannot hide other keys' tasks. Costs: per limited claim pass, one
    limiter multi-get and one limiter ``_bulk`` more (plus a task multi-get when a limiter is full),
    and contention on a hot limiter record turns into CAS retries (``limiter_retries``).

Refresh and visibility
    Nothing on these paths forces a refresh: each refresh cuts a Lucene segment, and forced ones on
    hot paths turn into merge pressure. So search — and therefore claiming — sees a write only after
    the next periodic refresh (``index.refresh_interval``, 1s by default; a shard that has not been
    searched for 30s goes search-idle and refreshes when the next search arrives, which that search
    waits for). ``get_task`` is a realtime GET and always sees the latest write, as does every CAS.
    A search hit can therefore be stale: its write then loses the CAS and counts as a conflict.
    Handing a just-enqueued task to a blocked claimer without waiting for a refresh is a service
    concern (realtime GET by id + ``update_task``), not a store one.
    Four reads refresh first, each a small target, because they promise to see writes already made:
    ``count_outstanding``/``find_outstanding`` (the queue's index; a stale answer would double-enqueue
    a recurring task), ``list_recurring`` (the definitions index), ``list_admin_jobs`` (the admin jobs
    index) and ``list_events`` (the events alias; a rare admin read). Appending events never
    refreshes, nor does ``delete_task``; ``count_tasks`` is near-real-time like ``search_tasks``, whose
    indices and query it shares. Lock, paused-queue and single admin job reads are realtime GETs, and
    reads of an archived task follow its tombstone to a realtime GET of the copy.
"""

from app.storage.elasticsearch.store import ElasticsearchTaskStore, StoreOptions

__all__ = ["ElasticsearchTaskStore", "StoreOptions"]
