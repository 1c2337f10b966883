"""HTTP API (FastAPI): Tasques' paths, field names, header and operation ids, plus additive extensions.

Rule: the only package that imports FastAPI/Starlette; it calls services and never a store directly,
takes its entities and query types from the domain (it imports nothing of ``app.storage``, at most the
port) and never imports maintenance.
Wire formats (Go duration strings, RFC 3339 times, omitted-not-null optional fields, nulls preserved
inside free-form payloads) live in ``wire_models``; every error leaves through ``errors`` with one body
shape ``{"message", "error", "details"}``, and ``errors.error_responses`` documents them per route.

Routes live in ``*_routes`` modules as plain handler functions on a module-level router; a handler gets
its services as parameters through ``Depends`` on the providers in ``dependencies`` (which read the one
``ApiDependencies`` the app keeps in its state), so it can be read, and called in a test, on its own.
Handlers translate HTTP to a service call and back: defaults and rules belong to the services. Tasks are
rendered in one place (``rendering`` over ``task_json``): single tasks, claims, search pages, bulk
samples and pushed tasks read the same.
"""
