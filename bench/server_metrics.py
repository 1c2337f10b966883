"""Claim-write counts read from a server's Prometheus ``/metrics``: tasks claimed and lost CAS races."""

from dataclasses import dataclass

import httpx

CLAIMED_METRIC = "tasques_tasks_claimed_total"
CONFLICTS_METRIC = "tasques_version_conflicts_total"


@dataclass(frozen=True)
class ClaimWrites:
    claimed: float
    """Claim writes that won: tasks claimed from the queue."""
    conflicts: float
    """Conditional writes that lost (409), server-wide: claims, plus the rare lost done or update."""


def _samples(text: str, name: str) -> list[tuple[str, float]]:
    """(labels, value) of every sample of ``name``; labels is the ``{...}`` text, empty when unlabelled."""
    found = []
    for line in text.splitlines():
        if line.startswith((f"{name}{{", f"{name} ")):
            series, value = line.rsplit(" ", 1)
            found.append((series[len(name) :], float(value)))
    return found


def claim_writes(url: str, *, queue: str) -> ClaimWrites:
    text = httpx.get(f"{url}/metrics", timeout=30).raise_for_status().text
    claimed = sum(value for labels, value in _samples(text, CLAIMED_METRIC) if f'queue="{queue}"' in labels)
    conflicts = sum(value for _, value in _samples(text, CONFLICTS_METRIC))
    return ClaimWrites(claimed=claimed, conflicts=conflicts)
