"""Pure task model: frozen values, state transitions and the error hierarchy.

Rule: imports nothing of ours and never reads the clock or a random source; every transition takes
``at`` (and any randomness) as arguments and returns a new model.
"""
