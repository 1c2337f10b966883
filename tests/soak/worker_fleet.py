"""The soak's worker processes: P slots of K asyncio workers, each incarnation with its own ledger file."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tests.soak.ledger import LEDGER_SUFFIX
from tests.soak.processes import ChildProcess, python_module_command, terminate_all
from tests.soak.worker import WorkerProcessConfig

WORKER_MODULE = "tests.soak.worker"


@dataclass
class WorkerFleet:
    directory: Path
    ledger_directory: Path
    environment: Mapping[str, str]
    processes: int
    workers_per_process: int
    claim_amount: int
    queues: list[str]
    base_urls: list[str]
    seed: int
    one_queue_per_claim: bool = False
    slots: list[ChildProcess] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.slots = [
            ChildProcess(f"workers-{number}", self.directory, self.environment)
            for number in range(1, self.processes + 1)
        ]

    @property
    def live(self) -> list[ChildProcess]:
        return [slot for slot in self.slots if slot.alive]

    def start_all(self) -> None:
        for slot in self.slots:
            self.launch(slot)

    def launch(self, slot: ChildProcess) -> None:
        name = f"{slot.name}.{slot.incarnation + 1}"
        config = WorkerProcessConfig(
            name=name,
            base_urls=self.base_urls,
            ledger_path=str(self.ledger_directory / f"{name}{LEDGER_SUFFIX}"),
            workers=self.workers_per_process,
            claim_amount=self.claim_amount,
            queues=self.queues,
            seed=self.seed,
            one_queue_per_claim=self.one_queue_per_claim,
        )
        slot.launch(python_module_command(WORKER_MODULE, config.to_argument()))

    def stop_all(self) -> list[str]:
        """SIGTERM every worker process (they finish the work in hand); names of those that had to be killed."""
        return terminate_all(self.slots)

    def crashes(self) -> list[str]:
        """Worker processes that died without the harness stopping them: a bug in the worker code."""
        return [f"{slot.name} crashed:\n{slot.log_tail()}" for slot in self.slots if slot.crashed]
