"""Formatters in a fresh interpreter (tests/unit/formatters/test_formatters.py holds the in-process tests)."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT


def test_only_the_chosen_formatter_is_imported() -> None:
    code = (
        "import sys; from shiftleft import formatters; formatters.get('json'); "
        "print(sorted(m for m in sys.modules if m.startswith(('shiftleft.formatters', 'jinja2'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    # `safe` is the shared escaping module every formatter uses (plain `re`, no jinja2).
    assert out.stdout.strip() == "['shiftleft.formatters', 'shiftleft.formatters.json', 'shiftleft.formatters.safe']"
