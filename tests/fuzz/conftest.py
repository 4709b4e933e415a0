"""Hypothesis profiles for the fuzzers: a bounded budget in the suite, a deeper run on demand.

- `ci` (default): few examples per property, the whole of tests/fuzz in well under a minute.
- `deep`: `SHIFTLEFT_FUZZ=deep python -m pytest tests/fuzz` or
  `python -m pytest tests/fuzz --hypothesis-profile=deep` (docs/testing.md).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=_QUIET, derandomize=False)
settings.register_profile("deep", max_examples=3000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("SHIFTLEFT_FUZZ", "ci"))
