"""Search engine only: a revival that committed (tombstone replaced by the live task) but never deleted
the archived copy, as a crash between the two steps leaves it. The copy must not answer, and the next
``include_archive`` search deletes it."""

from datetime import timedelta

import pytest

from app.domain.queries import TaskQuery
from app.domain.states import TaskState
from app.domain.task import Task
from app.storage.elasticsearch.archive import StoredCopy
from tests.contract.conftest import T0
from tests.contract.test_dead_letters import dead_task
from tests.support.elasticsearch import elasticsearch_harness


async def test_a_copy_left_by_a_revival_cut_short_never_answers_and_is_cleaned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with elasticsearch_harness() as harness:
        store = harness.store
        (created,) = await store.create_tasks([dead_task("dlq", queue="q", finished_at=T0)])
        assert isinstance(created, Task)
        await harness.make_searchable()
        assert (await store.archive_finished(finished_before=T0, at=T0, limit=10)).archived == 1
        archived = await store.get_task("q", "dlq")

        async def crash_before_deleting(copy: StoredCopy) -> None:
            return None

        monkeypatch.setattr(store, "_delete_copy", crash_before_deleting)
        revived = await store.revive_task(archived, archived.retry(at=T0 + timedelta(minutes=1)))
        await harness.make_searchable()
        listed_with_copy = await store.count_tasks(TaskQuery(include_archive=True))

        page = await store.search_tasks(TaskQuery(include_archive=True), limit=10, cursor=None)
        await harness.make_searchable()

        assert listed_with_copy == 2  # the copy is still there for the count...
        assert [(task.id, task.state) for task in page.tasks] == [("dlq", TaskState.QUEUED)]  # ...not listed
        assert await store.get_task("q", "dlq") == revived
        assert await store.count_tasks(TaskQuery(include_archive=True)) == 1  # and now deleted
