"""``tasques``: the command line. ``serve``, ``setup`` and ``openapi`` act on this process and its store;
``tasks``, ``recurring`` and ``admin`` talk to a running server over HTTP (``--server`` or ``TASQUES_SERVER_URL``);
``archive run`` runs the archiver once against the configured store; ``kibana`` exports or imports the
dashboards.

Rule: the HTTP commands use only the wire format (plain JSON), never the API's models, so they work
against any server version that speaks the same paths; store commands build the store through
``app.components`` like the server does.
"""

from app.cli.root import cli, main

__all__ = ["cli", "main"]
