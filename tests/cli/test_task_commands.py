"""``tasques tasks ...`` against a real server over HTTP."""

import json
from pathlib import Path

import httpx
from typer.testing import CliRunner

from app.cli import cli

from .conftest import Tasques, write_lines
from .kibana_stub import kibana_stub


def test_enqueue_prints_the_task_as_json(tasques: Tasques, queue: str) -> None:
    result = tasques(
        "tasks", "enqueue", "--queue", queue, "--kind", "render", "--args", '{"month": "2026-10"}',
        "--priority", "5", "--retry-times", "2", "--processing-timeout", "10m", "--id", "report-1", "--json",
    )  # fmt: skip
    task = json.loads(result.stdout)
    assert task["queue"] == queue
    assert task["id"] == "report-1"
    assert task["args"] == {"month": "2026-10"}
    assert (task["priority"], task["retry_times"], task["processing_timeout"]) == (5, 2, "10m0s")
    assert task["state"] == "queued"


def test_get_shows_a_table_and_cancel_ends_a_queued_task(tasques: Tasques, queue: str) -> None:
    tasques("tasks", "enqueue", "-q", queue, "-k", "resize", "--id", "t1")

    shown = tasques("tasks", "get", queue, "t1")
    assert f"task {queue}/t1" in shown.stdout
    assert "resize" in shown.stdout
    assert "queued" in shown.stdout

    cancelled = json.loads(tasques("tasks", "cancel", queue, "t1", "--reason", "not needed", "--json").stdout)
    assert cancelled["state"] == "cancelled"
    assert cancelled["cancellation"]["reason"] == "not needed"


def test_server_errors_print_the_message_and_exit_non_zero(tasques: Tasques, queue: str) -> None:
    missing = tasques("tasks", "get", queue, "no-such-task", expect_exit=1)
    assert "error:" in missing.stderr
    assert "(HTTP 404)" in missing.stderr
    assert missing.stdout == ""

    tasques("tasks", "enqueue", "-q", queue, "-k", "k", "--id", "dup")
    duplicate = tasques("tasks", "enqueue", "-q", queue, "-k", "k", "--id", "dup", expect_exit=1)
    assert "(HTTP 409)" in duplicate.stderr

    bad_queue = tasques("tasks", "enqueue", "-q", "Not A Queue", "-k", "k", expect_exit=1)
    assert "(HTTP 400)" in bad_queue.stderr


def test_an_unreachable_server_is_an_error_not_a_traceback(tasques: Tasques) -> None:
    result = tasques("tasks", "get", "q", "id", "--server", "http://127.0.0.1:9", expect_exit=1)
    assert "cannot reach the tasques server at http://127.0.0.1:9" in result.stderr


def test_bad_option_values_are_usage_errors(tasques: Tasques, queue: str) -> None:
    assert (
        "not JSON" in tasques("tasks", "enqueue", "-q", queue, "-k", "k", "--args", "{", expect_exit=2).stderr
    )
    assert "required" in tasques("tasks", "enqueue", "-q", queue, expect_exit=2).stderr


def test_bulk_enqueue_sends_chunks_and_reports_conflicts(
    tasques: Tasques, queue: str, tmp_path: Path, server_url: str
) -> None:
    lines = [json.dumps({"queue": queue, "kind": "bulk", "id": f"b{n}", "args": {"n": n}}) for n in range(23)]
    lines.insert(5, "")  # blank lines are skipped
    lines.append(json.dumps({"queue": queue, "kind": "bulk", "id": "b3"}))  # already in the file: a conflict
    source = write_lines(tmp_path / "tasks.jsonl", lines)

    result = tasques("tasks", "enqueue", "--file", str(source), "--chunk-size", "10", "--json")

    outcome = json.loads(result.stdout)
    assert outcome["created"] == 23
    assert outcome["conflicts"] == 1
    assert outcome["chunks"] == 3
    assert outcome["refused"] == [{"line": 25, "status": 409, "message": outcome["refused"][0]["message"]}]
    assert "24/24" in result.stderr  # the progress bar's final state
    with httpx.Client(base_url=server_url) as http:
        assert http.get(f"/tasques/{queue}/b22").json()["args"] == {"n": 22}


def test_bulk_enqueue_reads_stdin_and_prints_a_summary(tasques: Tasques, queue: str) -> None:
    lines = "".join(json.dumps({"queue": queue, "kind": "k"}) + "\n" for _ in range(3))
    result = tasques("tasks", "enqueue", "--file", "-", stdin=lines)
    assert "created 3 tasks, 0 conflicts" in result.stdout


def test_bulk_enqueue_checks_every_line_before_sending(
    tasques: Tasques, queue: str, tmp_path: Path, server_url: str
) -> None:
    source = write_lines(
        tmp_path / "bad.jsonl", [json.dumps({"queue": queue, "kind": "k", "id": "first"}), "[1]"]
    )
    result = tasques("tasks", "enqueue", "--file", str(source), expect_exit=2)
    assert "line 2: expected a JSON object" in result.stderr
    with httpx.Client(base_url=server_url) as http:
        assert http.get(f"/tasques/{queue}/first").status_code == 404


def test_bulk_enqueue_stops_at_a_refused_chunk(tasques: Tasques, queue: str, tmp_path: Path) -> None:
    good = [json.dumps({"queue": queue, "kind": "k"}) for _ in range(4)]
    bad = json.dumps({"queue": queue, "kind": ""})  # the server refuses an empty kind
    source = write_lines(tmp_path / "tasks.jsonl", [*good, bad, *good])

    result = tasques("tasks", "enqueue", "--file", str(source), "--chunk-size", "3", expect_exit=1)

    assert "lines 4-6 were refused" in result.stderr
    assert "3 tasks created before them" in result.stderr


def test_list_pages_through_search_results(tasques: Tasques, queue: str) -> None:
    for number in range(5):
        tasques("tasks", "enqueue", "-q", queue, "-k", "listed", "--id", f"l{number}")

    first = json.loads(tasques("tasks", "list", "--queue", queue, "--limit", "2", "--json").stdout)
    assert len(first["tasks"]) == 2
    assert first["next_cursor"]
    everything = json.loads(tasques("tasks", "list", "-q", queue, "--limit", "2", "--all", "--json").stdout)
    assert sorted(task["id"] for task in everything["tasks"]) == [f"l{n}" for n in range(5)]
    assert everything["next_cursor"] is None

    tasques("tasks", "cancel", queue, "l0")
    repeated = tasques("tasks", "list", "-q", queue, "--state", "queued", "--state", "cancelled", "--json")
    assert len(json.loads(repeated.stdout)["tasks"]) == 5
    only_queued = tasques("tasks", "list", "-q", queue, "--state", "queued", "--kind", "listed", "--json")
    assert sorted(task["id"] for task in json.loads(only_queued.stdout)["tasks"]) == [
        f"l{n}" for n in range(1, 5)
    ]

    table = tasques("tasks", "list", "-q", queue, "--kind", "listed", "--limit", "2")
    assert "listed" in table.stdout
    assert "--cursor" in table.stderr


def test_the_api_key_from_the_environment_is_sent() -> None:
    # Any HTTP endpoint that records requests will do: the Kibana stub answers every POST with JSON.
    with kibana_stub() as recorder:
        runner = CliRunner(env={"TASQUES_API_KEY": "s3cret"})
        result = runner.invoke(cli, ["tasks", "cancel", "q", "a/b", "--server", recorder.url, "--json"])
    assert result.exit_code == 0, result.output
    [request] = recorder.requests
    assert request.headers["x-tasques-api-key"] == "s3cret"
    assert request.path == "/tasques/q/a%2Fb/cancel"  # ids are one path segment whatever they contain
