"""Wire shapes of search aggregations (``GET /tasques/_search?aggs=...``) and how ``aggs`` is parsed."""

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field

from app.domain.aggregations import (
    MAX_MINUTE_BUCKETS,
    MAX_TERMS_BUCKETS,
    MINUTE,
    AggregationName,
    TaskAggregations,
    TermsAggregation,
)
from app.domain.error_classes import CLASS_KEYS, GIVEN_UP, MAX_ERROR_CLASS_LENGTH, TIMED_OUT, UNCLASSIFIED
from app.domain.errors import InvalidInput

AGGREGATIONS_DESCRIPTION = (
    "Aggregations (extension): `aggs` names any of "
    f"{', '.join(name.value for name in AggregationName)} (comma-separated or repeated); the answer then "
    "carries `aggregations`, computed over every task the filters select (archived ones too with "
    "include_archive), not just the page. `limit=0` skips the listing. "
    "`queue_state`: tasks per queue with counts per state; `kind`: tasks per kind; `error_class`: failed "
    "and dead tasks per error class. Each of these answers at most "
    f"{MAX_TERMS_BUCKETS} buckets, largest first (ties by key); `other` counts the tasks in the buckets "
    "left out. The error class of a failed or dead task comes from its failure data "
    "(last_claimed.result.failure): the first non-empty string under "
    f"{', '.join(CLASS_KEYS)} (cut to {MAX_ERROR_CLASS_LENGTH} characters), else `{TIMED_OUT}` for "
    f"the reaper's timeout failure, `{GIVEN_UP}` for `give_up: true`, else `{UNCLASSIFIED}` (also for "
    "tasks stored before this rule existed). `finished_per_minute`: tasks now done, failed, dead or "
    "cancelled, by the minute of their last change (metadata.modified_at), one bucket per minute of "
    "created_after..created_before widened to whole minutes (defaults: the last hour up to now); more "
    f"than {MAX_MINUTE_BUCKETS} minutes answers 400."
)


def aggregation_names(values: Sequence[str] | None) -> frozenset[AggregationName]:
    """``aggs`` parameters, each a comma-separated list; empty when absent, 400 for unknown names."""
    if values is None:
        return frozenset()
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    known = [name.value for name in AggregationName]
    unknown = sorted({name for name in names if name not in known})
    if unknown or not names:
        raise InvalidInput(
            f"aggs names unknown aggregations {unknown}; known: {', '.join(known)}"
            if unknown
            else f"aggs names no aggregation; known: {', '.join(known)}",
            unknown=unknown,
            known=known,
        )
    return frozenset(AggregationName(name) for name in names)


class WireTermsBucket(BaseModel):
    key: str
    count: int
    states: dict[str, int] | None = Field(default=None, description="queue_state only: counts per state")


class WireTerms(BaseModel):
    buckets: list[WireTermsBucket]
    other: int = Field(description=f"Tasks in the buckets beyond the first {MAX_TERMS_BUCKETS}")


class WireMinuteBucket(BaseModel):
    start: datetime
    count: int
    states: dict[str, int] = Field(description="Counts per finished state")


class WireFinishedPerMinute(BaseModel):
    interval_seconds: int = int(MINUTE.total_seconds())
    buckets: list[WireMinuteBucket]


class WireAggregations(BaseModel):
    queue_state: WireTerms | None = None
    kind: WireTerms | None = None
    error_class: WireTerms | None = None
    finished_per_minute: WireFinishedPerMinute | None = None


def _wire_terms(terms: TermsAggregation | None, *, with_states: bool = False) -> WireTerms | None:
    if terms is None:
        return None
    buckets = [
        WireTermsBucket(
            key=bucket.key,
            count=bucket.count,
            states={state.value: count for state, count in bucket.states.items()} if with_states else None,
        )
        for bucket in terms.buckets
    ]
    return WireTerms(buckets=buckets, other=terms.other)


def wire_aggregations(found: TaskAggregations) -> WireAggregations:
    minutes = found.finished_per_minute
    return WireAggregations(
        queue_state=_wire_terms(found.queue_state, with_states=True),
        kind=_wire_terms(found.kind),
        error_class=_wire_terms(found.error_class),
        finished_per_minute=None
        if minutes is None
        else WireFinishedPerMinute(
            buckets=[
                WireMinuteBucket(
                    start=bucket.start,
                    count=bucket.count,
                    states={state.value: count for state, count in bucket.counts.items()},
                )
                for bucket in minutes
            ]
        ),
    )
