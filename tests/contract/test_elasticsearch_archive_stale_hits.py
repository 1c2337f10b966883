"""Archiving on the search engine when the candidate search is behind the writes (issue 14 soak finding).

The archiver's search is near-real-time: a pass that runs before the previous pass's tombstones are
refreshed finds the same finished tasks again, with the versions they had before. Its copy overwrites
the archived copy (same deterministic ``_id``), its tombstone CAS conflicts, and its undo step used to
delete that copy, which the live tombstone points at: the task was gone from reads and searches. Under
the soak's load (archiver every second, refreshes lagging) that lost over a thousand tasks a run.
"""

from datetime import timedelta

from app.domain.queries import TaskQuery
from tests.contract.test_elasticsearch_specifics import LATER, NOW, finished, new_task, stop_refreshing
from tests.support.elasticsearch import elasticsearch_harness


async def test_a_pass_over_stale_hits_keeps_the_copy_an_earlier_pass_archived() -> None:
    async with elasticsearch_harness() as harness:
        store = harness.store
        await finished(harness, new_task("t1"), new_task("t2"))
        await stop_refreshing(harness, store.names.queue("work"))
        before = NOW + timedelta(seconds=1)

        first = await store.archive_finished(finished_before=before, at=LATER, limit=10)
        again = await store.archive_finished(finished_before=before, at=LATER, limit=10)

        assert (first.archived, first.skipped) == (2, 0)
        assert (again.archived, again.skipped) == (0, 2)
        for task_id in ("t1", "t2"):
            assert (await store.get_task("work", task_id)).state == "done"
        await harness.make_searchable()
        page = await store.search_tasks(TaskQuery(include_archive=True), limit=10, cursor=None)
        assert sorted(task.id for task in page.tasks) == ["t1", "t2"]
