"""Liveness check for the worker: the heartbeat file must be fresh."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

HEARTBEAT = Path(os.environ.get("HEARTBEAT_FILE", "/var/run/notifications/heartbeat"))
MAX_AGE_S = 120


def main() -> int:
    try:
        age = time.time() - HEARTBEAT.stat().st_mtime
    except FileNotFoundError:
        return 1
    return 0 if age < MAX_AGE_S else 1


if __name__ == "__main__":
    sys.exit(main())
