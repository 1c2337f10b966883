"""Storage: the port every backend implements, the stored document shape, and the backends.

Rule: backends import the domain and ``app.storage.port``/``documents`` only; nothing outside
``app.components`` picks a backend.
"""
