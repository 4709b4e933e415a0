"""Suite-wide settings: the catalog cache and its key live in temporary folders, never the user's, and
the suite behaves the same on a laptop and in CI.

tests/unit/ mirrors the package and runs in seconds (`python -m pytest tests/unit`, or `-m "not e2e"`);
every test outside it is marked `e2e` here: it installs or runs real tools (pip, pre-commit, chromium,
checkov, bandit, ruff, mypy, the Action's scripts) or is slow by design. A new folder counts as e2e until
its tests move under tests/unit/. `python -m pytest` runs everything."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parent / "unit"


def pytest_configure(config: pytest.Config) -> None:
    del config
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="shiftleft-test-cache-")
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="shiftleft-test-state-")
    # CI=true and GITHUB_ACTIONS=true switch evidence (checkov, bandit) and the github format on by default;
    # tests that want them say so (--evidence, monkeypatch.setenv), so every other test means the same in CI.
    for name in ("CI", "GITHUB_ACTIONS"):
        os.environ.pop(name, None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    del config
    for item in items:
        if not item.path.is_relative_to(UNIT):
            item.add_marker(pytest.mark.e2e)
