"""Identifiers: task ids and lease tokens are 32 lowercase hex characters, as Tasques' were.

Generated task ids are time-ordered (a UUIDv7 layout: 48 bits of Unix milliseconds, then random bits):
consecutive inserts land next to each other in the SQLite primary key and in Elasticsearch's id index
instead of on random pages, which measured 2-5x faster bulk writes at 50k+ tasks (BENCHMARKS.md).
Lease tokens stay fully random: they are capabilities, not keys.
"""

import os
import secrets
from datetime import datetime

from app.domain.errors import InvalidInput
from app.domain.printable import has_unprintable

MAX_TASK_ID_BYTES = 512
MAX_WORKER_ID_BYTES = 256


def new_task_id(at: datetime) -> str:
    """A time-ordered id for a task created at ``at`` (the domain takes time as an argument)."""
    millis = int(at.timestamp() * 1000)
    random_bits = int.from_bytes(os.urandom(10), "big")
    value = (millis & (2**48 - 1)) << 80 | random_bits
    # Version 7 and RFC 4122 variant bits, so the id is also a valid UUIDv7 without its dashes.
    value = (value & ~(0xF << 76)) | (0x7 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    return f"{value:032x}"


def new_lease_token() -> str:
    # 128 random bits from the secrets module (what it is for), without building a UUID object per claim.
    return secrets.token_hex(16)


def ensure_valid_task_id(task_id: str) -> str:
    if not task_id:
        raise InvalidInput("Task id must not be empty")
    if len(task_id.encode()) > MAX_TASK_ID_BYTES:
        raise InvalidInput(f"Task id must be at most {MAX_TASK_ID_BYTES} bytes")
    if task_id.startswith("_") or "/" in task_id or "\\" in task_id or has_unprintable(task_id):
        raise InvalidInput("Task id must not start with '_' or contain '/', '\\' or control characters")
    return task_id


def ensure_valid_worker_id(worker_id: str) -> str:
    """Worker ids are stored on every claim and shown in the dashboard: bounded and printable."""
    if len(worker_id.encode()) > MAX_WORKER_ID_BYTES:
        raise InvalidInput(f"Worker id must be at most {MAX_WORKER_ID_BYTES} bytes")
    if has_unprintable(worker_id):
        raise InvalidInput("Worker id must not contain control or invisible formatting characters")
    return worker_id
