"""``tasques recurring ...`` against a real server over HTTP."""

import json

import pytest

from .conftest import Tasques


@pytest.fixture
def definition_id(queue: str) -> str:
    return f"{queue}-nightly"


def test_create_get_list_update_pause_resume_delete(tasques: Tasques, queue: str, definition_id: str) -> None:
    created = json.loads(
        tasques(
            "recurring", "create", definition_id, "--schedule", "30 2 * * *", "--queue", queue,
            "--kind", "render", "--args", '{"scope": "all"}', "--timezone", "Europe/Paris",
            "--overlap-policy", "buffer_one", "--catchup-window", "1h", "--paused", "--json",
        ).stdout
    )  # fmt: skip
    assert created["schedule_expression"] == "30 2 * * *"
    assert created["task_definition"]["args"] == {"scope": "all"}
    assert (created["timezone"], created["overlap_policy"], created["paused"]) == (
        "Europe/Paris",
        "buffer_one",
        True,
    )

    shown = tasques("recurring", "get", definition_id)
    assert f"recurring task {definition_id}" in shown.stdout
    assert "Europe/Paris" in shown.stdout
    assert definition_id in tasques("recurring", "list").stdout
    listed = json.loads(tasques("recurring", "list", "--json").stdout)
    assert definition_id in [item["id"] for item in listed]

    updated = json.loads(
        tasques(
            "recurring", "update", definition_id, "--schedule", "@hourly", "--priority", "7", "--json"
        ).stdout
    )
    assert updated["schedule_expression"] == "@hourly"
    # Changing one task field keeps the others: the command merges into the current definition.
    assert updated["task_definition"]["priority"] == 7
    assert updated["task_definition"]["args"] == {"scope": "all"}
    assert updated["task_definition"]["kind"] == "render"

    assert json.loads(tasques("recurring", "resume", definition_id, "--json").stdout)["paused"] is False
    assert json.loads(tasques("recurring", "pause", definition_id, "--json").stdout)["paused"] is True
    caught_up = json.loads(tasques("recurring", "resume", definition_id, "--catch-up", "--json").stdout)
    assert caught_up["paused"] is False
    assert "resumed_at" not in caught_up  # catching up leaves no skipped interval behind

    assert f"deleted recurring task {definition_id}" in tasques("recurring", "delete", definition_id).stdout
    assert "(HTTP 404)" in tasques("recurring", "get", definition_id, expect_exit=1).stderr


def test_backfill_enqueues_a_past_range_once(tasques: Tasques, queue: str, definition_id: str) -> None:
    tasques(
        "recurring", "create", definition_id, "--schedule", "@daily", "-q", queue, "-k", "report", "--paused"
    )
    window = ("--start", "2026-01-01T00:00:00Z", "--end", "2026-01-03T23:59:59Z")

    first = tasques("recurring", "backfill", definition_id, *window)
    assert "enqueued 3 tasks, 0 fires already had one" in first.stdout
    again = json.loads(tasques("recurring", "backfill", definition_id, *window, "--json").stdout)
    assert again == {"enqueued": 0, "duplicates": 3}


def test_create_needs_a_schedule_and_update_needs_a_change(tasques: Tasques, definition_id: str) -> None:
    assert (
        "required"
        in tasques("recurring", "create", definition_id, "-q", "q", "-k", "k", expect_exit=2).stderr
    )
    assert "nothing to change" in tasques("recurring", "update", definition_id, expect_exit=2).stderr


def test_server_validation_errors_are_reported(tasques: Tasques, queue: str, definition_id: str) -> None:
    result = tasques(
        "recurring",
        "create",
        definition_id,
        "--schedule",
        "not a cron",
        "-q",
        queue,
        "-k",
        "k",
        expect_exit=1,
    )
    assert "(HTTP 400)" in result.stderr
