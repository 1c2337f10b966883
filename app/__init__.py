"""tasques: a stateless, horizontally scaled HTTP task server, wire-compatible with Tasques.

Layers (enforced by import-linter): domain <- services <- {api, maintenance}; storage backends implement
``app.storage.port`` and depend on the domain only; ``app.components`` is the one wiring root.
"""

__version__ = "0.1.0"
