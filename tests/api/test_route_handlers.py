"""Route handlers are plain functions: called here with their services, no app or HTTP around them."""

import json
from datetime import timedelta
from pathlib import Path

from app.api import task_routes
from app.components import Components, build_components
from app.config import Settings
from app.services.claims import ClaimOrder
from app.services.new_task import NewTask
from app.storage.sqlite import SqliteTaskStore


def _components(tmp_path: Path) -> Components:
    settings = Settings.model_validate({"tasks": {"defaults": {"claim_amount": 7, "block_for": "2s"}}})
    return build_components(settings, store=SqliteTaskStore(tmp_path / "handlers.db"))


def test_a_claim_takes_the_servers_defaults_for_what_the_worker_left_out(tmp_path: Path) -> None:
    claims = _components(tmp_path).claims

    order = claims.order_with_defaults("w", ["q"], amount=None, block_for=None, capabilities=None)

    assert order == ClaimOrder(worker_id="w", queues=("q",), amount=7, block_for=timedelta(seconds=2))


def test_a_claim_keeps_what_the_worker_asked_for(tmp_path: Path) -> None:
    claims = _components(tmp_path).claims

    order = claims.order_with_defaults("w", ["q"], amount=0, block_for=timedelta(0), capabilities=["gpu"])

    assert order == ClaimOrder(
        worker_id="w", queues=("q",), amount=0, block_for=timedelta(0), capabilities=frozenset({"gpu"})
    )


async def test_the_get_task_handler_answers_from_the_service_it_is_given(tmp_path: Path) -> None:
    components = _components(tmp_path)
    await components.start()
    try:
        await components.tasks.create_task(NewTask(queue="q", kind="report", id="t-1"))

        response = await task_routes.get_task("q", "t-1", tasks=components.tasks)

        body = json.loads(bytes(response.body))
        assert response.status_code == 200
        assert (body["id"], body["queue"], body["kind"], body["state"]) == ("t-1", "q", "report", "queued")
    finally:
        await components.stop()
