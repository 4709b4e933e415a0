"""tests/mutation/equivalent.md, read as scripts/mutation.py reads it to tell listed survivors from open ones."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from tests.helpers import ROOT


@pytest.fixture(scope="module")
def mutation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_script", ROOT / "scripts" / "mutation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_script"] = module
    spec.loader.exec_module(module)
    return module


def test_the_reviewed_file_parses_with_every_heading_a_module_and_every_number_after_a_name(mutation) -> None:
    listed = mutation.listed(mutation.EQUIVALENT.read_text(encoding="utf-8"))
    assert "x_still__mutmut_21" in listed["shiftleft/paths.py"]
    assert {"xǁProgramǁ__init____mutmut_4", "xǁProgramǁ__init____mutmut_6"} <= listed["shiftleft/policy/cel.py"]
    assert "x_key__mutmut_37" in listed["shiftleft/evidence/cache.py"]  # a "(continued)" heading
    assert sum(len(names) for names in listed.values()) > 350


def test_short_numbers_belong_to_the_last_full_name_of_their_cell(mutation) -> None:
    text = """## shiftleft/paths.py

| mutant | diff | why equivalent |
|---|---|---|
| `x_a__mutmut_1`, `_2`; `xǁCǁb__mutmut_7`, `_9` | `x_c__mutmut_5` in the diff column is not listed | reason |
"""
    assert mutation.listed(text) == {
        "shiftleft/paths.py": {"x_a__mutmut_1", "x_a__mutmut_2", "xǁCǁb__mutmut_7", "xǁCǁb__mutmut_9"}
    }


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("## shiftleft/nope.py\n", "equivalent.md:1: heading names no module of the package: shiftleft/nope.py"),
        ("## docs/mutation.md\n", "equivalent.md:1: heading names no module of the package: docs/mutation.md"),
        ("## shiftleft/paths.py\n\n| `_3` | d | r |\n", "equivalent.md:3: _3 follows no full mutant name"),
    ],
)
def test_a_heading_or_a_number_that_names_nothing_is_an_error(mutation, text: str, error: str) -> None:
    with pytest.raises(ValueError) as caught:
        mutation.listed(text)
    assert str(caught.value) == error
