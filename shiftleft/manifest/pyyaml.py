"""PyYAML, imported without compiling the patterns this loader never uses (`shiftleft.manifest.yamlsafe`).

`import yaml` compiles a dozen regular expressions at once: the YAML 1.1 implicit resolvers (floats, ints,
booleans, timestamps) and the pure-Python reader's printable check, about two thirds of its import time and
some 10 ms of a one-service check. shiftleft's loader uses none of them: libyaml reads, and its composer
replaces the resolvers. While PyYAML's modules load, `re.compile` gives patterns that compile when first used,
so any other use of PyYAML in the process (`shiftleft.workloads` with PyYAML's own loader) works as if nothing
had happened. Those dozen objects are not `re.Pattern` instances: code that hands them to
`re.sub(pattern, ...)` or checks `isinstance(..., re.Pattern)` would see the difference. PyYAML only calls
their methods, and a copy or a pickle of one is the compiled pattern. `re.compile` is always restored.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any


class _LazyPattern:
    """A regular expression compiled when first used (`_lazy_patterns`)."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: Any, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in _LazyPattern.__slots__:  # protocols and an instance not set up
            raise AttributeError(name)
        if self._compiled is None:
            self._compiled = _COMPILE(*self._args)
        return getattr(self._compiled, name)

    def __reduce__(self) -> tuple[Any, tuple[Any, int]]:
        """Copied or pickled as the compiled pattern it stands for."""
        return _COMPILE, self._args


_COMPILE = re.compile


@contextlib.contextmanager
def _lazy_patterns() -> Iterator[None]:
    """`re.compile` gives patterns that compile when first used, while PyYAML's modules load."""
    re.compile = _LazyPattern  # type: ignore[assignment]
    try:
        yield
    finally:
        re.compile = _COMPILE


with _lazy_patterns():
    import yaml

__all__ = ["yaml"]
