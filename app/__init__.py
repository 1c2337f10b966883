"""tasques: a stateless, horizontally scaled HTTP task server, wire-compatible with Tasques.

Layers (enforced by import-linter, contracts in pyproject.toml): domain <- storage port <- services <-
{api, maintenance}, where api and maintenance never import each other and see storage through the port
only; storage backends implement ``app.storage.port`` and depend on the domain only; ``app.components``
is the one wiring root and the only module that picks a backend.
"""

__version__ = "0.1.0"
