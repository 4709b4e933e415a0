"""Scanner reports recorded once from the real checkov 3.3.30 and bandit 1.9.4, and the shipped catalog.

`data/checkov.json` is checkov's report over the vault service of tests/e2e/evidence/repo.py (main.tf,
broken.tf and k8s/vault/deployment.yaml, checks CKV_AWS_3, CKV_AWS_157, CKV_AWS_16 and the min-replicas
policy for 3); `data/bandit.json` is bandit's over its app.py and broken.py. The recording folder is shown
as /repo.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from shiftleft.evidence.subject import Claim
from shiftleft.findings import Finding, Location
from shiftleft.policy import catalog as catalog_mod
from shiftleft.policy.catalog import Rule
from shiftleft.policy.evidencespec import Spec

DATA = Path(__file__).parent / "data"
TF = "/repo/services/vault/infra/main.tf"
BROKEN_TF = "/repo/services/vault/infra/broken.tf"
DEPLOYMENT = "/repo/k8s/vault/deployment.yaml"
APP = "/repo/services/vault/src/vault/app.py"
BROKEN_PY = "/repo/services/vault/src/vault/broken.py"
MANIFEST = "services/vault/shiftleft.yaml"


@cache
def _loaded(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def report(name: str) -> Any:
    """A fresh copy of a recorded report (`checkov.json`, `bandit.json`), free to edit."""
    return copy.deepcopy(_loaded(name))


@cache
def catalog() -> catalog_mod.Catalog:
    shipped, shown = catalog_mod.shipped_folder()
    return catalog_mod.load([(shipped, shown)])


def rule(rule_id: str) -> Rule:
    found = catalog().get(rule_id)
    assert found is not None
    return found


def show(path: str) -> str:
    return path.removeprefix("/repo/")


def claim(rule_id: str, line: int, col: int, message: str = "claimed", value: int = 0, levels: str = "") -> Claim:
    """A claim of the shipped rule `rule_id`; `levels` ("high/high") overrides a bandit rule's."""
    r = rule(rule_id)
    spec = Spec.of(r.evidence)
    if levels:
        severity, confidence = levels.split("/")
        spec = spec._replace(severity=severity, confidence=confidence)
    return Claim(r, spec, line, col, message, value)


def finding(rule_id: str, where: Location, message: str, extra: tuple[tuple[str, str], ...]) -> Finding:
    r = rule(rule_id)
    return Finding(r.id, r.name, r.severity, r.category, "vault", where, message, r.remediation, extra)
