"""Soak and fault injection: ``run_soak`` (``make soak``) drives real servers and worker processes
through SIGKILLs, freezes and failovers and checks that no task is lost or finished twice. Only
``test_soak_short.py`` is a pytest module; everything else here is the harness it shares with the script.
"""
