"""Identifiers: task ids and lease tokens are 32 lowercase hex characters (a UUIDv4 without dashes)."""

import uuid

from app.domain.errors import InvalidInput

MAX_TASK_ID_BYTES = 512


def new_task_id() -> str:
    return uuid.uuid4().hex


def new_lease_token() -> str:
    return uuid.uuid4().hex


def ensure_valid_task_id(task_id: str) -> str:
    if not task_id:
        raise InvalidInput("Task id must not be empty")
    if len(task_id.encode()) > MAX_TASK_ID_BYTES:
        raise InvalidInput(f"Task id must be at most {MAX_TASK_ID_BYTES} bytes")
    if task_id.startswith("_") or any(char in task_id for char in "/\\\n\r\t"):
        raise InvalidInput("Task id must not start with '_' or contain '/', '\\' or control characters")
    return task_id
