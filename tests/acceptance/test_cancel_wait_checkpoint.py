"""Cancellation, enqueue-and-wait and checkpoints across two real servers on one SQLite file.

Three claims, each made with real processes talking HTTP to both servers:

* a worker process busy on a task is cancelled through the other server: it sees the request in the
  response to a heartbeat, ends the task as cancelled itself and exits on its own, and the task is
  cancelled exactly once and never handed out again;
* a ``POST /tasques?wait=`` held on one server is answered when a worker completes the task through the
  other server, which that server only learns by re-reading the store;
* a worker process that saved a checkpoint is SIGKILLed mid-run, the leader's reaper times the task out,
  and the next attempt, in a new process on the other server, is handed the checkpoint and resumes from it.

Workers are a small script written to a temporary directory and run with this interpreter, so they are
separate processes with their own HTTP clients, as in production. They write what they saw as JSON lines.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
import pytest

from tests.acceptance.conftest import StartTasquesServers, TasquesServer

pytestmark = pytest.mark.acceptance

JsonObject = dict[str, Any]
T = TypeVar("T")

WORKER_HEADER = "X-TASQUES-WORKER-ID"
LEASE_HEADER = "X-TASQUES-LEASE-TOKEN"

REAPER_INTERVAL = "200ms"
SERVER_SETTINGS = {
    # The leader's reaper notices a silent worker within a fifth of a second of its deadline.
    "TASQUES_MAINTENANCE__REAPER__INTERVAL": REAPER_INTERVAL,
    # A timed-out task is claimable again at once instead of after Tasques' tens of seconds.
    "TASQUES_TASKS__DEFAULTS__BACKOFF__STRATEGY": "fixed",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__BASE": "10ms",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__MAX": "10ms",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__JITTER": "0",
    # Every heartbeat enters the attempt history, so the history shows the worker was mid-run.
    "TASQUES_TASKS__LIMITS__REPORT_HISTORY_INTERVAL": "0s",
    # The wait re-check across servers stays at its default (250ms): that is what test 2 measures.
}

HEARTBEAT_SECONDS = 0.1
POLL_SECONDS = 0.05
HTTP_TIMEOUT_SECONDS = 10.0
# A worker script that never sees what it waits for gives up (and fails its test) after this long.
WORKER_GIVE_UP_SECONDS = 20.0
WORKER_EXIT_DEADLINE_SECONDS = 10.0
PROGRESS_DEADLINE_SECONDS = 10.0

CANCEL_QUEUE = "cancel-mid-run"
CANCEL_REASON = "operator changed their mind"
# The worker has sent this many heartbeats when the cancel is requested: it is well into its run.
HEARTBEATS_BEFORE_CANCEL = 3
CANCEL_TO_EXIT_BOUND_SECONDS = 5.0

WAIT_QUEUE = "wait-across-servers"
WAIT = "20s"
WAIT_HTTP_TIMEOUT_SECONDS = 30.0
# The waiting server learns of the completion by re-reading the store every 250ms; generous for a busy
# 2-core machine.
WAIT_LATENCY_BOUND_SECONDS = 5.0

CHECKPOINT_QUEUE = "checkpoint-resume"
ITEMS = 6
# The first worker checkpoints items 0-2, then hangs on item 3 (still heartbeating) until it is killed.
STALL_AT = 3
PROCESSING_TIMEOUT_SECONDS = 2.0
# From the last heartbeat of the killed worker to the reap: the timeout, one reaper interval, and room.
REAP_BOUND_SECONDS = PROCESSING_TIMEOUT_SECONDS + 5.0
RESUME_DEADLINE_SECONDS = PROCESSING_TIMEOUT_SECONDS + 13.0

WORKER_SCRIPT = textwrap.dedent(
    '''
    """Acceptance-test worker: claims one task, works in slices with a heartbeat after each, and stops
    when the task is finished, when a heartbeat's response asks it to stop, or when it gives up.

    A task with ``args.items`` is a list of items: one item per slice, each heartbeat saving
    ``{"processed": n}`` as the checkpoint, and the claim's checkpoint is where it starts. With
    ``--stall-at`` it hangs on that item, heartbeating without progress. Without ``args.items`` it works
    until cancelled. Every step is appended to ``--record`` as a JSON line.
    """

    import argparse
    import json
    import sys
    import time

    import httpx

    WORKER_HEADER = "X-TASQUES-WORKER-ID"
    LEASE_HEADER = "X-TASQUES-LEASE-TOKEN"


    def main() -> int:
        parser = argparse.ArgumentParser()
        parser.add_argument("--base-url", required=True)
        parser.add_argument("--queue", required=True)
        parser.add_argument("--worker-id", required=True)
        parser.add_argument("--record", required=True)
        parser.add_argument("--heartbeat-every", type=float, required=True)
        parser.add_argument("--give-up-after", type=float, required=True)
        parser.add_argument("--stall-at", type=int, default=None)
        options = parser.parse_args()
        deadline = time.monotonic() + options.give_up_after
        headers = {WORKER_HEADER: options.worker_id}
        with (
            open(options.record, "a") as record,
            httpx.Client(base_url=options.base_url, headers=headers, timeout=30.0) as client,
        ):

            def note(event: str, **fields: object) -> None:
                line = {"event": event, "worker": options.worker_id, "wall": time.time(), **fields}
                record.write(json.dumps(line) + "\\n")
                record.flush()

            task = None
            while task is None:
                if time.monotonic() > deadline:
                    note("gave_up", reason="nothing to claim")
                    return 2
                claim = {"queues": [options.queue], "amount": 1, "block_for": "1s"}
                response = client.post("/tasques/claims", json=claim)
                if response.status_code != 200:
                    note("claim_failed", status=response.status_code, body=response.text)
                    return 3
                claimed = response.json()
                task = claimed[0] if claimed else None
            note("claimed", task=task)

            where = f"{task['queue']}/{task['id']}"
            lease = {LEASE_HEADER: task["lease_token"]}
            checkpoint = task.get("checkpoint")
            start = checkpoint["data"]["processed"] if checkpoint else 0
            total = (task.get("args") or {}).get("items")
            note("started", offset=start)
            position, this_attempt, step = start, [], 0
            while True:
                if time.monotonic() > deadline:
                    note("gave_up", reason="never told to stop", step=step)
                    return 4
                time.sleep(options.heartbeat_every)  # one slice of work
                step += 1
                report = {"data": {"step": step, "position": position}}
                if total is not None and position != options.stall_at:
                    this_attempt.append(position)
                    position += 1
                    if position >= total:
                        result = {"started_from": start, "processed": position, "items": this_attempt}
                        response = client.put(f"/tasques/done/{where}", json={"data": result}, headers=lease)
                        note("done", status=response.status_code, body=response.json())
                        return 0 if response.status_code == 200 else 5
                    report = {"data": {"step": step, "position": position}, "checkpoint": {"processed": position}}
                response = client.put(f"/tasques/reports/{where}", json=report, headers=lease)
                answer = response.json()
                note(
                    "heartbeat",
                    step=step,
                    status=response.status_code,
                    cancel_requested=answer.get("cancel_requested"),
                )
                if response.status_code != 200:
                    note("heartbeat_failed", body=answer)
                    return 6
                if answer.get("cancel_requested"):
                    note("cancel_seen", cancellation=answer.get("cancellation"), step=step)
                    stopped = {"data": {"stopped_at_step": step}}
                    response = client.put(f"/tasques/cancelled/{where}", json=stopped, headers=lease)
                    note("cancelled", status=response.status_code, body=response.json())
                    return 0 if response.status_code == 200 else 7


    if __name__ == "__main__":
        sys.exit(main())
    '''
)


@dataclass
class WorkerProcess:
    worker_id: str
    process: "subprocess.Popen[bytes]"
    record_path: Path
    stderr_path: Path

    def records(self, event: str | None = None) -> list[JsonObject]:
        if not self.record_path.exists():
            return []
        lines = [json.loads(line) for line in self.record_path.read_text().splitlines() if line]
        return [line for line in lines if event is None or line["event"] == event]

    def describe(self) -> str:
        stderr = self.stderr_path.read_text(errors="replace")[-3_000:] if self.stderr_path.exists() else ""
        return (
            f"{self.worker_id} (exit code {self.process.poll()})\n--- records ---\n"
            + "\n".join(json.dumps(line) for line in self.records()[-20:])
            + f"\n--- stderr ---\n{stderr or '(empty)'}"
        )

    def wait_for_exit(self, within: float) -> int:
        try:
            return self.process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            pytest.fail(f"worker did not exit within {within:g}s: {self.describe()}")

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WORKER_EXIT_DEADLINE_SECONDS)


class SpawnWorker(Protocol):
    def __call__(
        self, server: TasquesServer, queue: str, worker_id: str, *, stall_at: int | None = None
    ) -> WorkerProcess: ...


@dataclass
class WorkerPool:
    directory: Path
    workers: list[WorkerProcess] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.script = self.directory / "worker.py"
        self.script.write_text(WORKER_SCRIPT)

    def spawn(
        self, server: TasquesServer, queue: str, worker_id: str, *, stall_at: int | None = None
    ) -> WorkerProcess:
        record_path = self.directory / f"{worker_id}.jsonl"
        stderr_path = self.directory / f"{worker_id}.stderr.log"
        command = [
            sys.executable,
            str(self.script),
            *("--base-url", server.base_url, "--queue", queue, "--worker-id", worker_id),
            *("--record", str(record_path), "--heartbeat-every", str(HEARTBEAT_SECONDS)),
            *("--give-up-after", str(WORKER_GIVE_UP_SECONDS)),
            *(("--stall-at", str(stall_at)) if stall_at is not None else ()),
        ]
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                command, cwd=self.directory, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr
            )
        worker = WorkerProcess(worker_id, process, record_path, stderr_path)
        self.workers.append(worker)
        return worker

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.kill()


@pytest.fixture(scope="module")
def servers(start_module_tasques_servers: StartTasquesServers) -> list[TasquesServer]:
    """Two servers on one SQLite file, shared by the tests in this module (each uses its own queue)."""
    return start_module_tasques_servers(2, settings=SERVER_SETTINGS)


@pytest.fixture
def spawn_worker(tmp_path: Path) -> Iterator[SpawnWorker]:
    pool = WorkerPool(tmp_path)
    try:
        yield pool.spawn
    finally:
        pool.stop_all()


def poll_until(check: Callable[[], T | None], *, within: float, what: Callable[[], str]) -> T:
    """``check()``'s first non-None value; fails with ``what()`` once ``within`` seconds have passed."""
    deadline = time.monotonic() + within
    while True:
        value = check()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"not within {within:g}s: {what()}")
        time.sleep(POLL_SECONDS)


def expect(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url}: {response.text}"
    )
    return response.json()


def event_kinds(attempt: JsonObject) -> list[str]:
    return [event["kind"] for event in attempt["events"]]


def claims_on_each_server(clients: Sequence[httpx.Client], queue: str) -> list[Any]:
    """What a claim on each server hands out, blocking long enough to re-check the store once."""
    claim = {"queues": [queue], "amount": 10, "block_for": "400ms"}
    return [
        expect(client.post("/tasques/claims", json=claim, headers={WORKER_HEADER: "late-worker"}), 200)
        for client in clients
    ]


def test_worker_process_cancelled_through_the_other_server_stops_and_ends_the_task(
    servers: list[TasquesServer], spawn_worker: SpawnWorker
) -> None:
    server_a, server_b = servers
    with (
        httpx.Client(base_url=server_a.base_url, timeout=HTTP_TIMEOUT_SECONDS) as client_a,
        httpx.Client(base_url=server_b.base_url, timeout=HTTP_TIMEOUT_SECONDS) as client_b,
    ):
        task_id = "long-running"
        new_task = {"id": task_id, "queue": CANCEL_QUEUE, "kind": "endless", "retry_times": 3}
        expect(client_a.post("/tasques", json=new_task), 201)
        worker = spawn_worker(server_b, CANCEL_QUEUE, "cancellable-worker")

        def mid_run() -> JsonObject | None:
            if worker.process.poll() is not None:
                pytest.fail(f"the worker exited before the cancel: {worker.describe()}")
            task: JsonObject = expect(client_a.get(f"/tasques/{CANCEL_QUEUE}/{task_id}"), 200)
            report = (task.get("last_claimed") or {}).get("last_report") or {}
            return task if (report.get("data") or {}).get("step", 0) >= HEARTBEATS_BEFORE_CANCEL else None

        before_cancel = poll_until(
            mid_run, within=PROGRESS_DEADLINE_SECONDS, what=lambda: f"heartbeats seen: {worker.describe()}"
        )
        assert before_cancel["state"] == "claimed"
        assert before_cancel["last_claimed"]["worker_id"] == "cancellable-worker"

        cancel_started = time.monotonic()
        requested = expect(
            client_a.post(f"/tasques/{CANCEL_QUEUE}/{task_id}/cancel", json={"reason": CANCEL_REASON}), 200
        )
        assert requested["state"] == "claimed", "a claimed task stays claimed until its worker stops"
        assert requested["cancel_requested"] is True
        assert requested["cancellation"]["reason"] == CANCEL_REASON

        exit_code = worker.wait_for_exit(CANCEL_TO_EXIT_BOUND_SECONDS)
        cancel_to_exit = time.monotonic() - cancel_started
        assert exit_code == 0, worker.describe()

        # What the worker saw: heartbeats answered 200 without a cancel request, then one with it, whose
        # cancellation carries the reason given to the other server, then its own PUT .../cancelled.
        heartbeats = worker.records("heartbeat")
        assert [beat["status"] for beat in heartbeats] == [200] * len(heartbeats)
        asked_to_stop = [bool(beat["cancel_requested"]) for beat in heartbeats]
        assert asked_to_stop == [False] * (len(heartbeats) - 1) + [True], worker.describe()
        assert len(heartbeats) > HEARTBEATS_BEFORE_CANCEL
        (seen,) = worker.records("cancel_seen")
        assert seen["cancellation"]["reason"] == CANCEL_REASON
        (stopped,) = worker.records("cancelled")
        assert stopped["status"] == 200
        assert stopped["body"]["state"] == "cancelled"

        final: JsonObject = expect(client_b.get(f"/tasques/{CANCEL_QUEUE}/{task_id}"), 200)
        assert final["state"] == "cancelled"
        assert final["attempted"] == 1
        assert final.get("cancel_requested") is None, "only a claimed task is still asked to stop"
        assert final["cancellation"]["reason"] == CANCEL_REASON
        assert final["last_claimed"]["worker_id"] == "cancellable-worker"
        assert final["last_claimed"]["result"]["failure"] == {"stopped_at_step": seen["step"]}

        # Cancelled exactly once: a finished task refuses another cancel, and nothing hands it out again.
        again = client_b.post(f"/tasques/{CANCEL_QUEUE}/{task_id}/cancel", json={"reason": "twice"})
        assert again.status_code == 409, again.text
        assert claims_on_each_server([client_a, client_b], CANCEL_QUEUE) == [[], []]

        history: JsonObject = expect(client_a.get(f"/tasques/{CANCEL_QUEUE}/{task_id}/attempts"), 200)
        (attempt,) = history["attempts"]
        kinds = event_kinds(attempt)
        assert (attempt["attempt"], attempt["worker_id"], attempt["outcome"]) == (
            1,
            "cancellable-worker",
            "cancelled",
        )
        # claimed, a heartbeat per slice, the cancel request, at most the heartbeat that saw it, the end.
        assert kinds[0] == "claimed", kinds
        assert kinds.count("claimed") == 1, kinds
        assert kinds.count("cancelled") == 1, kinds
        assert kinds.count("cancel_requested") == 1, kinds
        requested_at = kinds.index("cancel_requested")
        assert kinds[1:requested_at] == ["reported"] * (requested_at - 1), kinds
        assert requested_at - 1 >= HEARTBEATS_BEFORE_CANCEL, kinds
        assert kinds[requested_at + 1 :] in (["cancelled"], ["reported", "cancelled"]), kinds
    print(
        f"cancel through A -> worker on B exited after {cancel_to_exit * 1000:.0f}ms "
        f"({len(heartbeats)} heartbeats, history {len(kinds)} events)"
    )


@dataclass
class Completion:
    done_sent: float
    done_returned: float


async def claim_and_finish(
    client: httpx.AsyncClient, task_id: str, result: JsonObject, *, still_waiting: Callable[[], bool]
) -> Completion:
    """A worker already long-polling when the task arrives; it completes the task at once."""
    headers = {WORKER_HEADER: "wait-worker"}
    claim = {"queues": [WAIT_QUEUE], "amount": 1, "block_for": "10s"}
    claimed: list[JsonObject] = expect(await client.post("/tasques/claims", json=claim, headers=headers), 200)
    assert [task["id"] for task in claimed] == [task_id]
    assert still_waiting(), "the wait was answered before the task was finished"
    headers[LEASE_HEADER] = claimed[0]["lease_token"]
    done_sent = time.monotonic()
    done = await client.put(f"/tasques/done/{WAIT_QUEUE}/{task_id}", json={"data": result}, headers=headers)
    done_returned = time.monotonic()
    assert done.status_code == 200, done.text
    return Completion(done_sent, done_returned)


async def test_wait_on_one_server_is_answered_when_a_worker_finishes_through_the_other(
    servers: list[TasquesServer],
) -> None:
    server_a, server_b = servers
    task_id = "waited-on"
    result = {"answer": 42, "worker": "wait-worker"}
    new_task = {"id": task_id, "queue": WAIT_QUEUE, "kind": "question", "args": {"q": "meaning"}}
    answered_at: list[float] = []
    async with (
        httpx.AsyncClient(base_url=server_a.base_url, timeout=WAIT_HTTP_TIMEOUT_SECONDS) as client_a,
        httpx.AsyncClient(base_url=server_b.base_url, timeout=HTTP_TIMEOUT_SECONDS) as client_b,
    ):
        worker = asyncio.create_task(
            claim_and_finish(client_b, task_id, result, still_waiting=lambda: not wait_request.done())
        )
        waited_at = time.monotonic()
        wait_request = asyncio.create_task(client_a.post("/tasques", params={"wait": WAIT}, json=new_task))
        # Stamped when the response arrives, which may be before the done call on B has returned.
        wait_request.add_done_callback(lambda _: answered_at.append(time.monotonic()))
        try:
            async with asyncio.timeout(HTTP_TIMEOUT_SECONDS):
                completion = await worker
            async with asyncio.timeout(WAIT_LATENCY_BOUND_SECONDS):
                waited = await wait_request
        except TimeoutError:
            pytest.fail(
                f"not finished in time: worker done={worker.done()}, wait answered={wait_request.done()}"
            )
        finally:
            worker.cancel()
            wait_request.cancel()

    assert waited.status_code == 201, waited.text
    finished: JsonObject = waited.json()
    assert (finished["id"], finished["state"], finished["attempted"]) == (task_id, "done", 1)
    assert finished["last_claimed"]["worker_id"] == "wait-worker"
    assert finished["last_claimed"]["result"]["success"] == result
    (answered,) = answered_at
    latency = answered - completion.done_sent
    assert 0 < latency < WAIT_LATENCY_BOUND_SECONDS
    print(
        f"wait on A answered {latency * 1000:.0f}ms after the done call on B was sent "
        f"({(answered - completion.done_returned) * 1000:.0f}ms after it returned); "
        f"held {answered - waited_at:.2f}s"
    )


def test_task_killed_mid_run_resumes_from_its_checkpoint_on_the_next_attempt(
    servers: list[TasquesServer], spawn_worker: SpawnWorker
) -> None:
    server_a, server_b = servers
    with (
        httpx.Client(base_url=server_a.base_url, timeout=HTTP_TIMEOUT_SECONDS) as client_a,
        httpx.Client(base_url=server_b.base_url, timeout=HTTP_TIMEOUT_SECONDS) as client_b,
    ):
        task_id = "resumable"
        new_task = {
            "id": task_id,
            "queue": CHECKPOINT_QUEUE,
            "kind": "batch-job",
            "args": {"items": ITEMS},
            "processing_timeout": f"{PROCESSING_TIMEOUT_SECONDS:g}s",
            "retry_times": 1,
            "backoff": {"strategy": "fixed", "base": "10ms", "max": "10ms", "jitter": 0},
        }
        expect(client_a.post("/tasques", json=new_task), 201)
        first = spawn_worker(server_b, CHECKPOINT_QUEUE, "first-worker", stall_at=STALL_AT)

        def stuck_after_checkpoint() -> JsonObject | None:
            if first.process.poll() is not None:
                pytest.fail(f"the first worker exited before it was killed: {first.describe()}")
            task: JsonObject = expect(client_a.get(f"/tasques/{CHECKPOINT_QUEUE}/{task_id}"), 200)
            report = (task.get("last_claimed") or {}).get("last_report") or {}
            # At least one heartbeat on the stalled item, so the checkpoint is final when it is killed.
            stalled = (report.get("data") or {}).get("step", 0) > STALL_AT
            return task if stalled else None

        mid_run = poll_until(
            stuck_after_checkpoint,
            within=PROGRESS_DEADLINE_SECONDS,
            what=lambda: f"first worker stalled on item {STALL_AT}: {first.describe()}",
        )
        assert mid_run["state"] == "claimed"
        assert mid_run["checkpoint"]["data"] == {"processed": STALL_AT}
        assert mid_run["checkpoint"]["attempt"] == 1

        first.kill()
        killed_at = time.time()
        assert first.process.returncode == -signal.SIGKILL
        (first_claim,) = first.records("claimed")
        assert first_claim["task"]["attempted"] == 1
        assert first_claim["task"].get("checkpoint") is None
        assert [line["offset"] for line in first.records("started")] == [0]

        # Nobody reports for the task now; the leader's reaper times it out and it is claimable again.
        second = spawn_worker(server_a, CHECKPOINT_QUEUE, "second-worker")
        exit_code = second.wait_for_exit(RESUME_DEADLINE_SECONDS)
        assert exit_code == 0, second.describe()

        (second_claim,) = second.records("claimed")
        handed = second_claim["task"]
        assert handed["attempted"] == 2
        assert handed["checkpoint"]["data"] == {"processed": STALL_AT}
        assert handed["checkpoint"]["attempt"] == 1
        assert handed["checkpoint"]["at"] == mid_run["checkpoint"]["at"], "the one the killed worker saved"
        assert [line["offset"] for line in second.records("started")] == [STALL_AT]
        resumed_result = {"started_from": STALL_AT, "processed": ITEMS, "items": list(range(STALL_AT, ITEMS))}
        (finished,) = second.records("done")
        assert finished["status"] == 200

        final: JsonObject = expect(client_b.get(f"/tasques/{CHECKPOINT_QUEUE}/{task_id}"), 200)
        assert (final["state"], final["attempted"]) == ("done", 2)
        assert final["last_claimed"]["worker_id"] == "second-worker"
        assert final["last_claimed"]["result"]["success"] == resumed_result
        # The second attempt saved checkpoints of its own; the last was before its final item.
        assert final["checkpoint"]["attempt"] == 2
        assert final["checkpoint"]["data"] == {"processed": ITEMS - 1}

        history: JsonObject = expect(client_b.get(f"/tasques/{CHECKPOINT_QUEUE}/{task_id}/attempts"), 200)
        attempts = history["attempts"]
        assert [(a["attempt"], a["worker_id"], a["outcome"]) for a in attempts] == [
            (1, "first-worker", "timed_out"),
            (2, "second-worker", "done"),
        ]
        first_kinds, second_kinds = event_kinds(attempts[0]), event_kinds(attempts[1])
        assert first_kinds == ["claimed"] + ["reported"] * (len(first_kinds) - 2) + ["timed_out"]
        assert len(first_kinds) - 2 > STALL_AT, "every heartbeat of the first worker is in the history"
        assert second_kinds == ["claimed"] + ["reported"] * (ITEMS - STALL_AT - 1) + ["done"]
        assert attempts[0]["error"] == {"timed_out": "Did not finish before claim timeout period"}

        # The reap came once the timeout had run from the killed worker's last heartbeat (server clocks,
        # from the history), not earlier, and soon after.
        *_, last_report, timed_out = attempts[0]["events"]
        reaped_at = datetime.fromisoformat(timed_out["at"]).timestamp()
        after_heartbeat = reaped_at - datetime.fromisoformat(last_report["at"]).timestamp()
        assert PROCESSING_TIMEOUT_SECONDS <= after_heartbeat < REAP_BOUND_SECONDS
    print(
        f"killed {STALL_AT} items in; reaped {after_heartbeat:.2f}s after its last heartbeat "
        f"({reaped_at - killed_at:.2f}s after the kill); resumed at item {STALL_AT} and finished"
    )
