"""Derived full-text fields that make free-form payloads searchable without mapping them.

``args`` and the result data stay ``enabled: false`` objects. Mapping them dynamically would let
every new key in a user payload grow the mapping (a mapping explosion); a ``flattened`` field avoids
that but indexes each leaf value as one keyword, so it answers exact or prefix matches of whole
values, case-sensitively, not words in an error message. Instead the writer adds two ``text`` fields
(standard analyzer; norms off, as they only filter, never score), which ``task_from_document``
ignores on read:

- ``search_text``: the args, the success data and the failure data flattened to "key value ..." words,
  cut to ``MAX_SEARCH_TEXT`` characters so one huge payload cannot make a huge index entry;
- ``error_text``: the failure data alone (last_claimed.result.failure), cut the same way.

Searches use ``match_phrase``: the words of the query, in order, case-insensitively; SQLite matches a
substring of the JSON text, so a query of whole words within one value answers the same on both.
Both fields are written only when not empty and derived again on every write (a new claim clears the
result), so they follow the stored document as SQLite's ``json_extract`` does. Documents written
before template version 6 lack them until a full rewrite or a scripted update that changes them. The
cost is the text stored a second time in ``_source``; ``_source`` excludes would save that but break
the scripted partial updates and the archive copy, which both work from ``_source``. Plain ``text``
with ``match_phrase`` is the same on Elasticsearch 8.x/9.x and OpenSearch 2.x.
"""

from collections.abc import Iterator
from typing import Any

from app.domain.task import Task
from app.storage.documents import Document, task_to_document

MAX_SEARCH_TEXT = 32 * 1024
"""Characters, per field."""
DERIVED_SEARCH_FIELDS = ("search_text", "error_text")
"""Keys the writer adds to a task's ``_source`` and reading ignores."""


def _words(payload: Any) -> Iterator[str]:
    if isinstance(payload, dict):
        for key, value in payload.items():
            yield str(key)
            yield from _words(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from _words(value)
    elif isinstance(payload, bool):
        yield "true" if payload else "false"
    elif payload is not None:
        yield str(payload)


def flattened_text(*payloads: Any) -> str:
    """The keys and values of ``payloads`` as words separated by spaces, at most ``MAX_SEARCH_TEXT``
    characters (stops walking once that many are collected)."""
    parts: list[str] = []
    size = 0
    for payload in payloads:
        for word in _words(payload):
            parts.append(word)
            size += len(word) + 1
            if size > MAX_SEARCH_TEXT:
                return " ".join(parts)[:MAX_SEARCH_TEXT]
    return " ".join(parts)


def search_fields(task: Task) -> Document:
    """``search_text`` and ``error_text`` for ``task``, each only when not empty."""
    result = task.last_claimed.result if task.last_claimed is not None else None
    success = result.success if result is not None else None
    failure = result.failure if result is not None else None
    fields: Document = {"search_text": flattened_text(task.args, success, failure)}
    fields["error_text"] = flattened_text(failure)
    return {name: text for name, text in fields.items() if text}


def indexed_task_document(task: Task) -> Document:
    """What the Elasticsearch backend stores for ``task``: the shared document plus the search fields."""
    return {**task_to_document(task), **search_fields(task)}
