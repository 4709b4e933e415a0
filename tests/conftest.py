"""Suite-wide settings: the catalog cache and its key live in temporary folders, never the user's, and
the suite behaves the same on a laptop and in CI."""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    del config
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="shiftleft-test-cache-")
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="shiftleft-test-state-")
    # CI=true and GITHUB_ACTIONS=true switch evidence (checkov, bandit) and the github format on by default;
    # tests that want them say so (--evidence, monkeypatch.setenv), so every other test means the same in CI.
    for name in ("CI", "GITHUB_ACTIONS"):
        os.environ.pop(name, None)
