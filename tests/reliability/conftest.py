"""Real ``tasques serve`` processes for the reliability tests that need them (graceful shutdown): the
acceptance tier's server pools, and its hook that attaches live servers' logs to a failure report."""

from tests.acceptance.conftest import (
    pytest_runtest_makereport,
    start_module_tasques_servers,
    start_tasques_servers,
)

__all__ = ["pytest_runtest_makereport", "start_module_tasques_servers", "start_tasques_servers"]
