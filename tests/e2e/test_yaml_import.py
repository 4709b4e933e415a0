"""PyYAML loads without compiling the patterns shiftleft never uses, and still works for everyone else.

In a fresh interpreter: `yaml` is first imported by `shiftleft.manifest.pyyaml`, through `yamlsafe` (the test process has
imported it long before, so this needs its own process).
"""

from __future__ import annotations

import subprocess
import sys

CODE = r"""
import re
import shiftleft.manifest.pyyaml as pyyaml
import shiftleft.manifest.yamlsafe as yamlsafe
import yaml

assert re.compile is pyyaml._COMPILE, "re.compile is restored after the import"
assert isinstance(re.compile("x"), re.Pattern)
lazy = [regexp for resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.values() for _tag, regexp in resolvers]
lazy.append(yaml.reader.Reader.NON_PRINTABLE)
assert lazy and all(type(p).__name__ == "_LazyPattern" and p._compiled is None for p in lazy), "not compiled yet"
# shiftleft's own loader types scalars itself (YAML 1.2 core), no PyYAML pattern is compiled
assert yamlsafe.parse("a: 1.5\nb: true\nc: text\n", "m.yaml") == {"a": 1.5, "b": True, "c": "text"}
assert all(p._compiled is None for p in lazy)
# PyYAML's own loaders still resolve YAML 1.1 scalars and refuse non-printable characters
assert yaml.safe_load("a: 1.5\nb: yes\nc: 0x1F\nd: 2001-12-14\n") == {
    "a": 1.5, "b": True, "c": 31, "d": __import__("datetime").date(2001, 12, 14)}
try:
    yaml.safe_load("a: \x07")
except yaml.reader.ReaderError:
    pass
else:
    raise AssertionError("a control character must be refused")
import copy, pickle
assert all(isinstance(copy.copy(p), re.Pattern) and isinstance(pickle.loads(pickle.dumps(p)), re.Pattern) for p in lazy)
print("ok")
"""


def test_pyyaml_patterns_compile_only_when_used() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok\n", "")
