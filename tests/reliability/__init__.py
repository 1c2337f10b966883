"""Reliability tests: the store going away and coming back (in-process servers over a lock-held SQLite
file or a cut TCP proxy to Elasticsearch), and a real server shut down gracefully under load."""
