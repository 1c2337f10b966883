"""Benchmarks, not tests: ``make bench`` starts real server processes and prints one table per backend.

Every figure that is compared with another is measured in the same run on the same machine, because the
machine is small and shared: ratios (ours / naive baseline, ours / raw store ceiling) are what carry over
between runs, absolute rates do not. pytest never collects this package (``testpaths = ["tests"]``).
"""
