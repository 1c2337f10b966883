"""Worker SDK for tasques, built on the generated client ``tasques_client``.

```python
from tasques_worker import GiveUp, TaskContext, Worker

worker = Worker("http://127.0.0.1:8080", queues=["reports"], concurrency=4)

@worker.handler("render")
async def render(ctx: TaskContext) -> dict[str, str]:
    start = (ctx.checkpoint_data or {}).get("page", 0)     # resume where an earlier attempt stopped
    for page in range(start, ctx.args["pages"]):
        if ctx.cancelled:                                   # the producer asked to stop
            return {"stopped_at": page}                     # -> PUT /tasques/cancelled
        await render_page(page)
        ctx.checkpoint({"page": page + 1})                  # sent at once with an extra heartbeat
    return {"url": "s3://..."}                              # -> PUT /tasques/done

worker.run()   # until SIGTERM/SIGINT; then drains within grace_period and hands back the rest
```

Layers, each depending only on the ones before it: ``durations`` (Go duration strings), ``errors``,
``protocol`` (the worker's HTTP calls over the generated client, statuses mapped to exceptions, lease
token on every call), ``context`` (what a handler sees), ``runner`` (one task: handler, heartbeats,
ending; its docstring has the table of endings) and ``worker`` (claiming, concurrency, stopping).
Plain ``def`` handlers run in a thread pool of ``concurrency`` threads; ``async def`` ones on the loop.
"""

from tasques_worker.context import TaskContext
from tasques_worker.durations import format_go_duration, parse_go_duration
from tasques_worker.errors import GiveUp, LeaseLost, RequestRejected, ServerUnavailable, TaskCancelled
from tasques_worker.protocol import ClaimedTask, WorkerProtocol
from tasques_worker.runner import Handler
from tasques_worker.worker import Worker, default_worker_id

__all__ = [
    "ClaimedTask",
    "GiveUp",
    "Handler",
    "LeaseLost",
    "RequestRejected",
    "ServerUnavailable",
    "TaskCancelled",
    "TaskContext",
    "Worker",
    "WorkerProtocol",
    "default_worker_id",
    "format_go_duration",
    "parse_go_duration",
]
