"""Suite-wide settings: the catalog cache and its key live in temporary folders, never the user's."""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    del config
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="shiftleft-test-cache-")
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="shiftleft-test-state-")
