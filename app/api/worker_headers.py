"""The headers a worker identifies itself by: Tasques' worker id and the lease token extension."""

from typing import Annotated

from fastapi import Header

from app.domain.errors import InvalidInput
from app.domain.ids import ensure_valid_worker_id
from app.domain.task import Claimant

WORKER_HEADER = "X-TASQUES-WORKER-ID"
LEASE_HEADER = "X-TASQUES-LEASE-TOKEN"

WorkerId = Annotated[str | None, Header(alias=WORKER_HEADER, description="The claiming worker's id")]
LeaseToken = Annotated[
    str | None,
    Header(alias=LEASE_HEADER, description="Extension: the lease token from the claim; stale tokens get 409"),
]


def claimant_from_headers(worker_id: str | None, lease_token: str | None) -> Claimant:
    if worker_id is None or not worker_id.strip():
        raise InvalidInput(f"Worker Id header [{WORKER_HEADER}] not sent")
    return Claimant(worker_id=ensure_valid_worker_id(worker_id.strip()), lease_token=lease_token or None)
