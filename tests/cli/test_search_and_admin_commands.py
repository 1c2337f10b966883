"""``tasques tasks search`` and ``tasques admin ...`` against a real server over HTTP.

Bulk actions run as admin jobs on the leader, so the admin tests get a server of their own with
maintenance on, admin jobs advancing every 50ms in batches of 2 (so progress takes several steps).
"""

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import Tasques, running_server

WORKER = {"X-TASQUES-WORKER-ID": "cli-admin-test"}
LEADER_SETTINGS: dict[str, Any] = {
    "maintenance": {
        "leader": {"lease": "2s", "renew_interval": "100ms", "safety_margin": "500ms"},
        "admin_jobs": {"interval": "50ms", "batch_size": 2},
    }
}


@pytest.fixture(scope="module")
def leader_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(LEADER_SETTINGS, tmp_path_factory.mktemp("cli-leader") / "tasques.db") as url:
        yield url


@pytest.fixture
def admin(leader_url: str) -> Tasques:
    return Tasques(leader_url)


def enqueue(server_url: str, queue: str, count: int, *, kind: str = "k", retry_times: int = 0) -> None:
    tasks = [
        {"queue": queue, "kind": kind, "id": f"{kind}-{n}", "retry_times": retry_times} for n in range(count)
    ]
    created = httpx.post(f"{server_url}/tasques/batch", json={"tasks": tasks}).json()
    assert created["created"] == count


def kill(server_url: str, queue: str, count: int, *, failure: dict[str, Any] | None = None) -> None:
    """Claim ``count`` tasks of ``queue`` and fail them (retry_times 0: they die)."""
    claim = {"queues": [queue], "amount": count, "block_for": "0s"}
    claimed = httpx.post(f"{server_url}/tasques/claims", json=claim, headers=WORKER).json()
    assert len(claimed) == count
    for task in claimed:
        failed = httpx.put(
            f"{server_url}/tasques/failed/{queue}/{task['id']}",
            json={"data": failure or {"error": "gave up"}},
            headers=WORKER,
        )
        assert failed.json()["state"] == "dead"


def search(tasques: Tasques, *arguments: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = json.loads(tasques("tasks", "search", *arguments, "--json").stdout)["tasks"]
    return tasks


def test_search_shows_each_tasks_outcome_with_an_error_summary(
    tasques: Tasques, queue: str, server_url: str
) -> None:
    enqueue(server_url, queue, 1, kind="parse")
    enqueue(server_url, queue, 1, kind="render")
    kill(server_url, queue, 1, failure={"error": "disk full on /var/data", "code": 28})

    table = tasques("tasks", "search", "-q", queue).stdout
    dead = next(line for line in table.splitlines() if "dead" in line)
    queued = next(line for line in table.splitlines() if "queued" in line)

    assert "disk full on /var/data" in dead
    assert "1/1" in dead
    assert "1/1" not in queued
    assert "0/1" in queued
    assert [task["kind"] for task in search(tasques, "-q", queue, "--state", "dead")] in (
        ["parse"],
        ["render"],
    )
    assert len(search(tasques, "-q", queue, "--kind", "render", "--include-archive")) == 1
    assert search(tasques, "-q", queue, "--created-before", "2000-01-01T00:00:00Z") == []


def test_search_filters_by_text_and_finish_time_and_sorts(
    tasques: Tasques, queue: str, server_url: str
) -> None:
    tasks = [
        {
            "queue": queue,
            "kind": "k",
            "id": f"p{priority}",
            "priority": priority,
            "retry_times": 0,
            "args": args,
        }
        for priority, args in ((2, {"file": "alpha.csv"}), (9, {"file": "beta.csv"}), (5, None))
    ]
    assert httpx.post(f"{server_url}/tasques/batch", json={"tasks": tasks}).json()["created"] == 3
    kill(server_url, queue, 1, failure={"error": "Checksum mismatch"})  # the best first: p9

    def ids(*arguments: str) -> list[str]:
        return [task["id"] for task in search(tasques, "-q", queue, *arguments)]

    assert ids("--sort", "priority", "--order", "asc", "--limit", "2", "--all") == ["p2", "p5", "p9"]
    assert ids("--sort", "priority") == ["p9", "p5", "p2"]
    assert ids("--error-text", "checksum") == ["p9"]
    assert ids("--text", "alpha") == ["p2"]
    assert ids("--finished-after", "2000-01-01T00:00:00Z") == ["p9"]
    assert ids("--claimed-before", "2000-01-01T00:00:00Z") == []
    assert ids("--run-at-before", "2000-01-01T00:00:00Z") == []


def test_search_all_follows_the_cursor_up_to_the_bound(tasques: Tasques, queue: str, server_url: str) -> None:
    enqueue(server_url, queue, 7)

    everything = json.loads(tasques("tasks", "search", "-q", queue, "--limit", "3", "--all", "--json").stdout)
    bounded = json.loads(
        tasques("tasks", "search", "-q", queue, "--limit", "3", "--all", "--max-tasks", "4", "--json").stdout
    )
    one_page = tasques("tasks", "search", "-q", queue, "--limit", "3")

    assert len(everything["tasks"]) == 7
    assert len({task["id"] for task in everything["tasks"]}) == 7
    assert everything["next_cursor"] is None
    assert len(bounded["tasks"]) == 6  # whole pages, stopping once 4 are in
    assert bounded["next_cursor"]
    assert "3 tasks; more: --cursor" in one_page.stderr


def test_dry_run_counts_and_samples_and_changes_nothing(admin: Tasques, queue: str, leader_url: str) -> None:
    enqueue(leader_url, queue, 3)
    kill(leader_url, queue, 3)

    preview = admin("admin", "retry", "-q", queue, "--state", "dead", "--dry-run")

    assert "3 tasks match" in preview.stdout
    assert "k-0" in preview.stdout
    assert "gave up" in preview.stdout
    assert json.loads(admin("admin", "retry", "-q", queue, "--dry-run", "--json").stdout)["count"] == 3
    assert {task["state"] for task in search(admin, "-q", queue)} == {"dead"}


def test_retrying_dead_tasks_queues_them_and_the_progress_ends_at_the_total(
    admin: Tasques, queue: str, leader_url: str
) -> None:
    enqueue(leader_url, queue, 5)
    kill(leader_url, queue, 5)

    result = admin(
        "admin", "retry", "-q", queue, "--query", '{"states": ["dead"]}', "--poll-interval", "0.05"
    )

    assert "retry done: 5 done, 0 skipped" in result.stdout
    assert "5/5" in result.stderr
    tasks = search(admin, "-q", queue)
    assert [(task["state"], task["attempted"]) for task in tasks] == [("queued", 0)] * 5


def test_no_wait_prints_the_job_id_and_the_job_runs_on(admin: Tasques, queue: str, leader_url: str) -> None:
    enqueue(leader_url, queue, 3)

    job_id = admin("admin", "cancel", "-q", queue, "--no-wait").stdout.strip()

    assert re.fullmatch(r"[0-9a-f]{32}", job_id)
    job = httpx.get(f"{leader_url}/admin/jobs/{job_id}").json()["job"]
    assert (job["action"], job["total"]) == ("cancel", 3)


def test_reprioritize_takes_a_priority_and_delete_removes(
    admin: Tasques, queue: str, leader_url: str
) -> None:
    enqueue(leader_url, queue, 4)

    assert "--priority" in admin("admin", "reprioritize", "-q", queue, expect_exit=2).stderr
    job = json.loads(admin("admin", "reprioritize", "-q", queue, "--priority", "7", "--json").stdout)
    assert (job["status"], job["succeeded"], job["skipped"]) == ("done", 4, 0)
    assert {task["priority"] for task in search(admin, "-q", queue)} == {7}

    admin("admin", "delete", "-q", queue, "--kind", "k")
    assert search(admin, "-q", queue) == []


def test_unsafe_or_contradictory_queries_are_refused(admin: Tasques, queue: str) -> None:
    assert "--all-tasks" in admin("admin", "delete", expect_exit=2).stderr
    twice = admin("admin", "retry", "-q", queue, "--query", '{"queues": ["other"]}', expect_exit=2)
    assert "queue given both" in twice.stderr
    assert "(HTTP 400)" in admin("admin", "retry", "--query", '{"states": ["asleep"]}', expect_exit=1).stderr


def test_admin_takes_the_search_filters_and_acts_on_what_search_lists(
    admin: Tasques, queue: str, leader_url: str
) -> None:
    enqueue(leader_url, queue, 2, kind="disk")
    kill(leader_url, queue, 2, failure={"error": "disk full"})
    enqueue(leader_url, queue, 2, kind="net")
    kill(leader_url, queue, 2, failure={"error": "connection reset"})
    filters = ["-q", queue, "--error-text", "disk", "--finished-after", "2000-01-01T00:00:00Z"]
    listed = sorted(task["id"] for task in search(admin, *filters))

    preview = json.loads(admin("admin", "retry", *filters, "--dry-run", "--json").stdout)
    job = json.loads(admin("admin", "retry", *filters, "--poll-interval", "0.05", "--json").stdout)

    assert listed == ["disk-0", "disk-1"]
    assert (preview["count"], sorted(task["id"] for task in preview["sample"])) == (2, listed)
    assert (job["status"], job["succeeded"]) == ("done", 2)
    assert sorted(task["id"] for task in search(admin, "-q", queue, "--state", "queued")) == listed
    twice = admin("admin", "retry", "--text", "a", "--query", '{"text": "b"}', expect_exit=2)
    assert "text given both" in twice.stderr
