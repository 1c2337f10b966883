"""The stored shape of a queue sample (``app.domain.queue_samples``): both backends store this document,
and the conformance suite holds them to it."""

from typing import Any

from app.domain.queue_samples import DelayPercentiles, QueueSample
from app.storage.documents import format_stored_time, parse_stored_time


def sample_to_document(sample: QueueSample) -> dict[str, Any]:
    return {
        "queue": sample.queue,
        "minute": format_stored_time(sample.minute),
        "sampled_at": format_stored_time(sample.sampled_at),
        "queued": sample.queued,
        "oldest_queued_age_seconds": sample.oldest_queued_age_seconds,
        "claims": sample.claims,
        "claim_latency": _percentiles_document(sample.claim_latency),
        "schedule_to_start": _percentiles_document(sample.schedule_to_start),
    }


def sample_from_document(document: dict[str, Any]) -> QueueSample:
    return QueueSample(
        queue=document["queue"],
        minute=parse_stored_time(document["minute"]),
        sampled_at=parse_stored_time(document["sampled_at"]),
        queued=int(document["queued"]),
        oldest_queued_age_seconds=document.get("oldest_queued_age_seconds"),
        claims=int(document.get("claims") or 0),
        claim_latency=_percentiles(document.get("claim_latency")),
        schedule_to_start=_percentiles(document.get("schedule_to_start")),
    )


def _percentiles_document(percentiles: DelayPercentiles | None) -> dict[str, float] | None:
    return None if percentiles is None else {"p50": percentiles.p50, "p95": percentiles.p95}


def _percentiles(document: dict[str, Any] | None) -> DelayPercentiles | None:
    if not document:
        return None
    return DelayPercentiles(p50=float(document["p50"]), p95=float(document["p95"]))
