"""Push delivery: each pass claims tasks for every registered push worker with room and starts their
deliveries (``PushDispatcher``); deliveries finish in the background and are counted in a later pass.

Leader-only, so exactly one server pushes at a time. A delivery still under way when this server steps
down finishes on its own (its writes carry the push worker's lease token, so they stay correct); the new
leader counts that task as held by the worker and does not push it again.
"""

from datetime import timedelta

from pydantic import BaseModel, ConfigDict

from app.domain.backoff import BackoffPolicy
from app.domain.durations import GoDuration
from app.maintenance.periodic import PassResult
from app.services.push_dispatch import PushDispatcher


class PushDeliverySettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    interval: GoDuration = timedelta(milliseconds=500)
    # From connecting to the end of the worker's answer; a worker that needs longer answers 202 at once.
    request_timeout: GoDuration = timedelta(seconds=10)
    # How long a worker that failed a delivery (no connection, non-2xx answer, no answer) is left alone.
    backoff: BackoffPolicy = BackoffPolicy(base=timedelta(seconds=1), max=timedelta(minutes=5), jitter=0.2)
    # At shutdown, deliveries under way get this long to finish before they are cancelled.
    shutdown_grace: GoDuration = timedelta(seconds=2)


class PushDelivery:
    name = "push-delivery"

    def __init__(self, dispatcher: PushDispatcher, *, settings: PushDeliverySettings) -> None:
        self._dispatcher = dispatcher
        self.interval = settings.interval

    async def run_once(self) -> PassResult:
        report = await self._dispatcher.dispatch_once()
        outcomes = ", ".join(f"{count} {outcome}" for outcome, count in sorted(report.outcomes.items()))
        summary = (
            f"{report.workers} push workers ({report.backing_off} backing off): claimed {report.claimed} "
            f"tasks; deliveries ended: {outcomes or 'none'}"
        )
        if report.errors:
            summary += f"; errors: {'; '.join(report.errors[:5])}"
        return PassResult(work_done=report.work_done, summary=summary)
