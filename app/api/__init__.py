"""HTTP API (FastAPI): Tasques' paths, field names, header and operation ids, plus additive extensions.

Rule: the only package that imports FastAPI/Starlette; it calls services and never a store directly,
imports storage types from ``app.storage.port`` only (never a backend) and never imports maintenance.
Wire formats (Go duration strings, RFC 3339 times, omitted-not-null optional fields, nulls preserved
inside free-form payloads) live in ``wire_models``; every error leaves through ``errors`` with one body
shape ``{"message", "error", "details"}``.
"""
