"""Runtime fields of the tasques data views: what the dashboard computes at search time.

The task mappings index only the fields tasques filters and sorts on; payloads (``args``, results,
failures) are ``enabled: false`` objects that exist only in ``_source``. So:

* ``schedule_to_start_ms``: last claim time minus ``run_at``, the wait of the latest attempt (a failed
  task moves ``run_at`` to its retry time, so it has none until claimed again);
* ``run_duration_ms``: finish time minus claim time of the latest attempt;
* ``failure_error``: the latest failure's ``error`` (else ``message``; "timed out" for the reaper's),
  read from ``_source``; on the events data view the same from each event's ``error``, as
  ``error_message``.

Painless: ``.value`` of a ``date`` or ``date_nanos`` doc value is a ``ZonedDateTime``; scripts check
``size()`` first because tombstones and unclaimed tasks lack the fields.
"""

from typing import Any

Json = Any

_FAILURE_MESSAGE = """
if (failure == null) { return; }
def message = failure;
if (failure instanceof Map) {
  if (failure.containsKey('error')) { message = failure.get('error'); }
  else if (failure.containsKey('message')) { message = failure.get('message'); }
  else if (failure.containsKey('timed_out')) { message = 'timed out'; }
}
String text = String.valueOf(message);
emit(text.length() > 256 ? text.substring(0, 256) : text);
"""

TASK_RUNTIME_FIELDS: dict[str, Json] = {
    "schedule_to_start_ms": {
        "type": "long",
        "script": {
            "source": """
if (doc['last_claimed.claimed_at'].size() == 0 || doc['run_at'].size() == 0) { return; }
long claimed = doc['last_claimed.claimed_at'].value.toInstant().toEpochMilli();
long due = doc['run_at'].value.toInstant().toEpochMilli();
if (claimed >= due) { emit(claimed - due); }
""".strip()
        },
    },
    "run_duration_ms": {
        "type": "long",
        "script": {
            "source": """
if (doc['last_claimed.claimed_at'].size() == 0 || doc['last_claimed.result.at'].size() == 0) { return; }
long claimed = doc['last_claimed.claimed_at'].value.toInstant().toEpochMilli();
emit(doc['last_claimed.result.at'].value.toInstant().toEpochMilli() - claimed);
""".strip()
        },
    },
    "failure_error": {
        "type": "keyword",
        "script": {
            "source": (
                "def claim = params['_source']['last_claimed'];\n"
                "def result = claim instanceof Map ? claim.get('result') : null;\n"
                "def failure = result instanceof Map ? result.get('failure') : null;" + _FAILURE_MESSAGE
            ).strip()
        },
    },
}
EVENT_RUNTIME_FIELDS: dict[str, Json] = {
    "error_message": {
        "type": "keyword",
        "script": {"source": ("def failure = params['_source']['error'];" + _FAILURE_MESSAGE).strip()},
    },
}
_MILLISECONDS = {"id": "duration", "params": {"inputFormat": "milliseconds", "outputFormat": "asSeconds"}}
TASK_FIELD_FORMATS = {"schedule_to_start_ms": _MILLISECONDS, "run_duration_ms": _MILLISECONDS}
