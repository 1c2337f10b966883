"""``python -m bench``: see ``bench.run``."""

from bench.run import main

if __name__ == "__main__":  # spawned client processes import this module again under another name
    main()
