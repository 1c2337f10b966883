"""Bounds on the numbers tasks and workers carry: one per field, used by every entry point (the API's
schemas, search cursors), so a number the stores cannot hold is a 400, never a 500 from the store.

Both stores hold 64-bit integers (SQLite INTEGER, Elasticsearch ``long``); priorities keep Tasques' 32-bit
range, and ``retry_times`` the same so that ``retry_times + 1`` runs can never overflow.
"""

PRIORITY_MIN = -(2**31)
PRIORITY_MAX = 2**31 - 1
RETRY_TIMES_MAX = 2**31 - 1
PUSH_MAX_IN_FLIGHT_MAX = 10_000
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def fits_int64(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX
