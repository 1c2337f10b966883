"""``GET /timeline`` (extension): a queue's, or every queue's, last hour minute by minute, for the
dashboard's charts (``app.services.timeline`` says where each figure comes from)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from app.api.auth import require_queues
from app.api.dependencies import Timelines
from app.api.errors import error_responses
from app.api.rendering import render_model
from app.domain.aggregations import COUNTED_FINISHED_STATES, MAX_MINUTE_BUCKETS
from app.domain.queue_samples import DelayPercentiles
from app.services.timeline import DEFAULT_MINUTES, Timeline, TimelineMinute

TIMELINE_DESCRIPTION = (
    "Extension. One entry per minute, oldest first: the last `minutes` whole minutes and the current one. "
    "`finished`: tasks (live and archived) now done, failed, dead or cancelled whose last change fell in "
    "that minute, by state. The rest is the leader's last sample taken in that minute "
    "(`maintenance.queue_sampler`), absent for minutes nobody sampled: `queued` and "
    "`oldest_queued_age_seconds` (how long the earliest-due queued task has been due) when sampled; "
    "`claims` that began in the minute before the sample, and the p50/p95 in seconds of their "
    "`claim_latency` (enqueue or re-queue to claim) and `schedule_to_start` (run_at to claim). Without "
    "`queue`, every queue together."
)


class WirePercentiles(BaseModel):
    p50: float
    p95: float


class WireTimelineMinute(BaseModel):
    start: datetime = Field(description="The minute's start (UTC)")
    finished: dict[str, int] = Field(
        description="done, failed, dead, cancelled: tasks finished in the minute"
    )
    queued: int | None = None
    oldest_queued_age_seconds: float | None = None
    claims: int | None = None
    claim_latency: WirePercentiles | None = None
    schedule_to_start: WirePercentiles | None = None
    sampled_at: datetime | None = None


class WireTimeline(BaseModel):
    queue: str | None = Field(default=None, description="Absent: every queue")
    minutes: list[WireTimelineMinute]


router = APIRouter(tags=["operations"])


@router.get(
    "/timeline",
    operation_id="get-timeline",
    summary="Throughput, claim delays and backlog per minute",
    description=TIMELINE_DESCRIPTION,
    response_model=WireTimeline,
    responses=error_responses(400),
)
async def get_timeline(
    request: Request,
    timeline: Timelines,
    queue: Annotated[str | None, Query(description="One queue; absent: every queue")] = None,
    minutes: Annotated[int, Query(ge=1, le=MAX_MINUTE_BUCKETS - 1)] = DEFAULT_MINUTES,
) -> Response:
    require_queues(request, [] if queue is None else [queue])
    return render_model(wire_timeline(await timeline.timeline(queue=queue, minutes=minutes)))


def wire_timeline(timeline: Timeline) -> WireTimeline:
    return WireTimeline(queue=timeline.queue, minutes=[_wire_minute(minute) for minute in timeline.minutes])


def _wire_minute(minute: TimelineMinute) -> WireTimelineMinute:
    sample = minute.sample
    finished = {state.value: minute.finished.get(state, 0) for state in COUNTED_FINISHED_STATES}
    wire = WireTimelineMinute(start=minute.start, finished=finished)
    if sample is None:
        return wire
    return wire.model_copy(
        update={
            "queued": sample.queued,
            "oldest_queued_age_seconds": sample.oldest_queued_age_seconds,
            "claims": sample.claims,
            "claim_latency": _wire_percentiles(sample.claim_latency),
            "schedule_to_start": _wire_percentiles(sample.schedule_to_start),
            "sampled_at": sample.sampled_at,
        }
    )


def _wire_percentiles(percentiles: DelayPercentiles | None) -> WirePercentiles | None:
    return None if percentiles is None else WirePercentiles(p50=percentiles.p50, p95=percentiles.p95)
