"""Every case of the corpus, in one list."""

from __future__ import annotations

from tests.hostile import cases_input, cases_policy

CASES = [*cases_input.CASES, *cases_policy.CASES]
