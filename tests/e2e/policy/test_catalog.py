"""The shipped rule catalog in fresh interpreters (tests/unit/policy/test_catalog.py holds the in-process tests)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path


def test_freshness_rules_work_from_the_compiled_catalog_cache(tmp_path: Path) -> None:
    """A fresh process that loads every program from the cache still evaluates `now` (cel.py warm-up)."""
    script = textwrap.dedent("""\
        import datetime as dt
        from shiftleft.policy import catalog, cel
        rule = catalog.load([catalog.shipped_folder()]).get("SL306")
        now = cel.timestamp(dt.datetime(2026, 11, 25, tzinfo=dt.UTC))
        spec = {"continuity": {"last_test": {"date": "2026-03-02T00:00:00Z"}}}
        cutoff = {"dr_test": "2026-05-25T00:00:00Z", "future": "2026-11-26T00:00:00Z"}
        data = {"spec": spec, "metadata": {}, "tier": {"cutoff": cutoff}, "org": {}, "graph": {},
                "now": now, "item": None, "index": 0}
        print(rule.check.run(cel.activation(data)))
        """)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]  # fmt: skip
    assert [r.stdout for r in runs] == ["(False, None)\n", "(False, None)\n"]
