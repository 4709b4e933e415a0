"""Where shiftleft keeps its own files, defined once: the cache folder (compiled catalogs, evidence, the crash
log) and the state folder (the cache's MAC key, kept apart so that restoring a cache does not bring a key along)."""

from __future__ import annotations

import os
from pathlib import Path


def cache() -> Path:
    """`$XDG_CACHE_HOME/shiftleft`, or `~/.cache/shiftleft`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "shiftleft"


def state() -> Path:
    """`$XDG_STATE_HOME/shiftleft`, or `~/.local/state/shiftleft`."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "shiftleft"
