"""A tasques worker in Python with the worker SDK (sdk/python, package ``tasques_worker``).

    .venv/bin/python examples/python_worker.py        # TASQUES_URL, QUEUE, CONCURRENCY from the environment

Handles two kinds in one queue:
  greet  async: returns a greeting                      {"name": "Ada"} -> {"greeting": "Hello Ada"}
  count  sync, in a thread: counts to args["to"], one number per args["step_seconds"], saving a
         checkpoint after each so a retried or handed-back task resumes where it stopped; stops early
         when the task is cancelled; gives up (no retries) when "to" is negative.

SIGTERM or Ctrl-C stops claiming, lets running tasks finish within the grace period and hands back the
rest. Try it:

    curl -s -XPOST localhost:8080/tasques -d '{"queue":"examples","kind":"count","args":{"to":20}}'
"""

import asyncio
import logging
import os
import time
from typing import Any

from tasques_worker import GiveUp, TaskContext, Worker

worker = Worker(
    os.environ.get("TASQUES_URL", "http://127.0.0.1:8080"),
    queues=[os.environ.get("QUEUE", "examples")],
    concurrency=int(os.environ.get("CONCURRENCY", "4")),
    block_for="5s",
    grace_period=os.environ.get("GRACE_PERIOD", "10s"),
)


@worker.handler("greet")
async def greet(ctx: TaskContext) -> dict[str, Any]:
    await asyncio.sleep(0.01)  # stands for real I/O
    return {"greeting": f"Hello {ctx.args.get('name', 'world')}"}


@worker.handler("count")
def count(ctx: TaskContext) -> dict[str, Any]:
    target = int(ctx.args.get("to", 10))
    if target < 0:
        raise GiveUp("cannot count to a negative number", data={"to": target})
    start = int((ctx.checkpoint_data or {}).get("next", 0))
    for number in range(start, target):
        if ctx.cancelled:
            return {"stopped_at": number}  # the worker ends the task as cancelled
        time.sleep(float(ctx.args.get("step_seconds", 0.1)))
        ctx.checkpoint({"next": number + 1})
        ctx.report({"progress": f"{number + 1}/{target}"})
    return {"counted_to": target, "resumed_from": start}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    worker.run()
