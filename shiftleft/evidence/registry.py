"""The check ids the installed checkov knows, so that an evidence rule naming an unknown id is an error.

A typo in a rule's `checks:` (CKV_AWS_33 for CKV_AWS_3) would never match a
result, and the claim would look verified or unverified forever. checkov's
registries are Python objects, so they are read by running checkov's own
interpreter (the one its console script names) with a short script, never by
importing checkov into shiftleft. That takes seconds, so the answer is kept in
the user's cache, keyed by checkov's identity (`identity.of`) and protected by
the cache's MAC like every other entry.
"""

from __future__ import annotations

import json
import os
import sys

from shiftleft.evidence import identity, process

FRAMEWORKS = ("terraform", "cloudformation", "kubernetes")
SCRIPT = """\
import json
from checkov.cloudformation.checks.resource.registry import cfn_registry
from checkov.common.checks_infra.registry import get_graph_checks_registry
from checkov.kubernetes.checks.resource.registry import registry as k8s_registry
from checkov.terraform.checks.resource.registry import resource_registry
names = {}
for registry in (resource_registry, cfn_registry, k8s_registry):
    for checks in registry.checks.values():
        for check in checks:
            names[check.id] = check.name
for framework in ("terraform", "cloudformation", "kubernetes"):
    graph = get_graph_checks_registry(framework)
    graph.load_checks()
    for check in graph.checks:
        names.setdefault(check.id, check.name)
print(json.dumps(names))
"""
"""Every check of the frameworks shiftleft runs (checkov.FRAMEWORKS): resource checks and graph checks."""
TIMEOUT = 300.0


class Unavailable(Exception):
    """checkov is not installed, or its registry could not be read: the caller says so (a note, not a pass)."""


class Checks:
    def __init__(self, version: str, names: dict[str, str]) -> None:
        self.version = version
        self.names = names
        """Check id to checkov's name for it."""


def load() -> Checks:
    """The installed checkov's checks; Unavailable when it is not installed or cannot tell."""
    try:
        executable = process.find("checkov")
    except process.ScannerFailure as e:
        raise Unavailable(e.message) from None
    installed = identity.of("checkov", executable)
    from shiftleft.policy import cache

    entry = f"checkov-registry-{installed.digest}.json"
    cached = cache.load_entry(entry)
    if cached is not None and cached.get("digest") == installed.digest and isinstance(cached.get("names"), dict):
        return Checks(installed.version, cached["names"])
    try:
        done = process.run("checkov", [_interpreter(executable), "-I", "-c", SCRIPT], timeout=TIMEOUT)
        names = json.loads(done.stdout) if done.code == 0 else None
    except (process.ScannerFailure, ValueError) as e:
        raise Unavailable(f"could not read checkov's checks: {e}") from None
    if not isinstance(names, dict) or not names:
        raise Unavailable(f"could not read checkov's checks: {process.last_words(done.stderr)}")
    cache.store_entry(entry, {"digest": installed.digest, "names": names})
    return Checks(installed.version, {str(k): str(v) for k, v in names.items()})


def _interpreter(executable: str) -> str:
    """The Python that runs checkov: the one its console script names, else the one beside it, else this one."""
    try:
        with open(executable, "rb") as fh:
            first = fh.readline(4096)
    except OSError:
        first = b""
    words = first[2:].split() if first.startswith(b"#!") else []
    if words and not words[0].endswith(b"/env") and os.access(os.fsdecode(words[0]), os.X_OK):
        return os.fsdecode(words[0])
    beside = os.path.join(os.path.dirname(executable), "python")
    return beside if os.access(beside, os.X_OK) else sys.executable
