"""Suite-wide settings: the catalog cache and its key live in temporary folders, never the user's, and
the suite behaves the same on a laptop and in CI.

tests/unit/ mirrors the package and runs in seconds (`python -m pytest tests/unit`, or `-m "not e2e"`);
every test outside it is marked `e2e` here: it installs or runs real tools (pip, pre-commit, chromium,
checkov, bandit, ruff, mypy, the Action's scripts) or is slow by design. A new folder counts as e2e until
its tests move under tests/unit/. `python -m pytest` runs everything. A run of tests/unit/ alone writes its
temporary files to /dev/shm where that is a tmpfs with room (`_ram_folder`)."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parent / "unit"


RAM = Path("/dev/shm")  # noqa: S108  # as safe as /tmp: tempfile's and pytest's folders are private to the user
RAM_FREE = 1 << 30
"""The free space a RAM-backed folder must have to take a unit run's temporary files (about 60 MB a run; pytest
keeps the folders of the last 3 runs)."""


def _ram_folder(config: pytest.Config) -> Path | None:
    """The RAM-backed `RAM` when this run is of tests in tests/unit/ only and it is a tmpfs with room: there the
    unit tests' repositories (about a thousand tmp_path folders) and the `rules test` examples are written and
    removed.

    On a busy disk creating and removing those files took as long as the tests themselves. Not when the run takes
    in other tests (they install packages, run scanners and browsers) or when the user chose where temporary files
    go (TMPDIR, PYTEST_DEBUG_TEMPROOT, --basetemp)."""
    if config.option.basetemp or os.environ.get("TMPDIR") or os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        return None
    args = [config.invocation_params.dir / arg.split("::")[0] for arg in config.args]
    if not args or not all(arg.resolve().is_relative_to(UNIT) for arg in args):
        return None
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
        free = os.statvfs(RAM).f_bavail * os.statvfs(RAM).f_frsize
    except OSError:
        return None
    tmpfs = any(
        fields[1:3] == [str(RAM), "tmpfs"] and "noexec" not in fields[3].split(",")
        for fields in (line.split() for line in mounts)
        if len(fields) > 3
    )
    return RAM if tmpfs and free >= RAM_FREE and os.access(RAM, os.W_OK | os.X_OK) else None


def pytest_configure(config: pytest.Config) -> None:
    ram = _ram_folder(config)
    if ram is not None:
        tempfile.tempdir = str(ram)  # this process's temporary files, and tmp_path's pytest-of-<user> folder
    folders = [tempfile.mkdtemp(prefix=f"shiftleft-test-{name}-") for name in ("cache", "state")]
    os.environ["XDG_CACHE_HOME"], os.environ["XDG_STATE_HOME"] = folders
    for folder in folders:  # every run made two (each xdist worker, each mutmut mutant): none is left behind
        config.add_cleanup(functools.partial(shutil.rmtree, folder, ignore_errors=True))
    # CI=true and GITHUB_ACTIONS=true switch evidence (checkov, bandit) and the github format on by default;
    # tests that want them say so (--evidence, monkeypatch.setenv), so every other test means the same in CI.
    for name in ("CI", "GITHUB_ACTIONS"):
        os.environ.pop(name, None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    del config
    for item in items:
        if not item.path.is_relative_to(UNIT):
            item.add_marker(pytest.mark.e2e)
