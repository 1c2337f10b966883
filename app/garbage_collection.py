"""How often the server process's cyclic garbage collector runs (``server.gc_threshold``).

Set where a process starts serving (``tasques serve`` and the worker processes' app factory), not per
app: the collector is the process's, and tests run many apps in one process.
"""

import gc


def apply_gc_threshold(threshold: tuple[int, int, int]) -> None:
    gc.set_threshold(*threshold)
