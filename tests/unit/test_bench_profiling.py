"""The bench's profile summary counts threads that wait apart from threads that work."""

from pathlib import Path

from bench.profiling import summarise

_STACKS = """\
main (app/cli/root.py:10);Runner.run (asyncio/runners.py:118) 40
main (app/cli/root.py:10);handle (app/api/task_routes.py:5);task_json (app/api/task_json.py:9) 30
_bootstrap (threading.py:1002);_worker (concurrent/futures/thread.py:81) 50
_bootstrap (threading.py:1002);job (app/storage/sqlite/connection.py:7);execute (app/storage/sqlite/statements.py:3) 10
"""


def test_waiting_samples_are_left_out_of_the_shares(tmp_path: Path) -> None:
    raw = tmp_path / "stacks.txt"
    raw.write_text(_STACKS)

    summary = summarise(raw)

    assert (summary.samples, summary.waiting) == (40, 90)
    assert dict(summary.by_package) == {"app.api.task_json": 30, "app.storage.sqlite": 10}
    assert summary.lines()[0].startswith("40 samples at work")
    assert "   75.0%  app.api.task_json" in summary.lines()
