from tests.api.conftest import api, components

__all__ = ["api", "components"]
