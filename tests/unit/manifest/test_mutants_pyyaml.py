"""The lazy patterns of `shiftleft.manifest.pyyaml`, in this process (docs/mutation.md, group `manifest`).

tests/e2e/test_yaml_import.py checks the real import in a fresh interpreter; mutmut only counts the tests that call
the code in its own process, so these pin the same behaviour on patterns made here.
"""

from __future__ import annotations

import copy
import pickle
import re

import pytest

from shiftleft.manifest import pyyaml


def test_while_pyyaml_loads_re_compile_gives_lazy_patterns_and_is_restored_after() -> None:
    with pyyaml._lazy_patterns():
        pattern = re.compile("a+")
        assert type(pattern) is pyyaml._LazyPattern
        assert pattern._compiled is None
    assert re.compile is pyyaml._COMPILE
    assert type(re.compile("a+")) is re.Pattern


def test_re_compile_is_restored_when_the_import_fails() -> None:
    with pytest.raises(ImportError), pyyaml._lazy_patterns():
        raise ImportError("yaml")
    assert re.compile is pyyaml._COMPILE


def test_a_lazy_pattern_compiles_once_when_first_used_with_its_flags() -> None:
    pattern = pyyaml._LazyPattern("A+", re.IGNORECASE)
    assert pattern._args == ("A+", re.IGNORECASE) and pattern._compiled is None
    match = pattern.match("aaA!")
    assert match is not None and match.group() == "aaA"
    compiled = pattern._compiled
    assert compiled is re.compile("A+", re.IGNORECASE)  # re's own cache: the same compiled object
    assert pattern.search("xa") is not None and pattern._compiled is compiled  # not compiled again


def test_a_lazy_pattern_without_flags_has_none() -> None:
    pattern = pyyaml._LazyPattern("A")
    assert pattern.match("a") is None
    assert pattern.flags == re.compile("A").flags


def test_protocols_and_unset_slots_are_not_looked_up_on_the_compiled_pattern() -> None:
    """`__len__` or `__deepcopy__` must not compile (nor reach) the pattern; an instance never set up must not
    recurse looking for `_compiled` or `_args`."""
    pattern = pyyaml._LazyPattern("a")
    assert not hasattr(pattern, "__len__")
    assert pattern._compiled is None
    with pytest.raises(AttributeError, match=r"^__fspath__$"):
        pattern.__fspath__  # noqa: B018
    blank = object.__new__(pyyaml._LazyPattern)
    with pytest.raises(AttributeError, match=r"^_compiled$"):
        blank._compiled  # noqa: B018
    with pytest.raises(AttributeError, match=r"^_args$"):
        blank._args  # noqa: B018


def test_a_copy_or_a_pickle_of_a_lazy_pattern_is_the_compiled_pattern() -> None:
    pattern = pyyaml._LazyPattern("x[0-9]", re.MULTILINE)
    expected = re.compile("x[0-9]", re.MULTILINE)
    assert pattern.__reduce__() == (pyyaml._COMPILE, ("x[0-9]", re.MULTILINE))
    assert copy.copy(pattern) is expected
    assert copy.deepcopy(pattern) is expected
    assert pickle.loads(pickle.dumps(pattern)) is expected  # noqa: S301 (our own bytes)
    assert pattern._compiled is None  # copying does not compile the original
