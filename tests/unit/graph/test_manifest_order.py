"""Graph facts and findings do not depend on the order of the manifests: every permutation of a small catalog
gives the same facts for every service and the same findings.

The catalog holds what order could change: a cycle (ledger <-> audit, one strongly connected component), a chain
through it, and a soft dependency with a fallback (checkout -> search) whose long RTO must not reach checkout's worst
RTO, nor that of web, which depends on checkout. Issue 14: dropping `not link.blocking` in graph/build.py carried
search's RTO through checkout to web only when search happened to be processed before checkout, so a test of one order
missed it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from shiftleft.engine import Settings, evaluate
from shiftleft.findings import Severity
from shiftleft.graph import build, from_manifest
from shiftleft.manifest import model
from shiftleft.setup import load_config, load_policy
from tests.helpers import NOW, ROOT

CATALOG = {
    "web": """\
metadata: {name: web, owner: team-web}
spec:
  tier: 1
  availability: {slo: 99.9}
  continuity: {rto: 30m, rpo: 5m}
  dependencies:
    - {service: checkout, hard: true}
""",
    "checkout": """\
metadata: {name: checkout, owner: team-checkout}
spec:
  tier: 1
  availability: {slo: 99.95}
  continuity: {rto: 30m, rpo: 5m}
  dependencies:
    - {service: ledger, hard: true}
    - {service: search, hard: false, fallback: serve the cached results}
""",
    "ledger": """\
metadata: {name: ledger, owner: team-ledger}
spec:
  tier: 2
  availability: {slo: 99.9}
  continuity: {rto: 2h, rpo: 15m}
  dependencies:
    - {service: audit, hard: true}
""",
    "audit": """\
metadata: {name: audit, owner: team-ledger}
spec:
  tier: 2
  availability: {slo: 99.9}
  continuity: {rto: 3h, rpo: 1h}
  dependencies:
    - {service: ledger, hard: true}
""",
    "search": """\
metadata: {name: search, owner: team-search}
spec:
  tier: 3
  availability: {slo: 99.0}
  continuity: {rto: 24h, rpo: 24h}
""",
}
PATH = ["web", "checkout", "ledger", "…", "audit"]
"""web's blocking chain to audit; `…` stands for the way round the ledger-audit cycle."""
ORDERS = list(itertools.permutations(CATALOG))
"""All 120 orders of the five manifests."""
SAMPLE = [ORDERS[0], *(o for o in ORDERS if o[0] == "search" or o[-1] == "search")][::4]
"""The orders the (slower) findings test runs: search before everything, or after it, either way round."""


@pytest.fixture(scope="module")
def manifests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, model.Manifest]:
    root = tmp_path_factory.mktemp("catalog")
    (root / ".git").mkdir()
    loaded = {}
    for name, text in CATALOG.items():
        path = root / name / "shiftleft.yaml"
        path.parent.mkdir()
        path.write_text(f"apiVersion: shiftleft/v1\nkind: Service\n{text}", encoding="utf-8")
        loaded[name] = model.load(path, f"{name}/shiftleft.yaml", root)
    return loaded


def all_facts(manifests: dict[str, model.Manifest], order: tuple[str, ...]) -> dict[str, Any]:
    graph = build([from_manifest(manifests[n].raw, manifests[n].name, manifests[n].valid) for n in order])
    return {node.name: graph.facts(i) for i, node in enumerate(graph.nodes)}


def test_soft_dependency_with_a_fallback_does_not_carry_its_rto(manifests: dict[str, model.Manifest]) -> None:
    """search (24h) is behind a fallback: web's worst RTO comes from its blocking chain, audit's 3h."""
    for order in ORDERS:
        facts = all_facts(manifests, order)
        typed, _ = facts["checkout"]
        assert [(d["service"], d["blocking"]) for d in typed["dependencies"]] == [("ledger", True), ("search", False)]
        _, shown = facts["web"]
        assert shown["worst_rto"] == {"value": "3h", "service": "audit", "path": PATH}
        assert shown["worst_rpo"] == {"value": "1h", "service": "audit", "path": PATH}


@pytest.mark.parametrize("order", ORDERS[1:], ids="-".join)
def test_graph_facts_do_not_depend_on_manifest_order(
    manifests: dict[str, model.Manifest], order: tuple[str, ...]
) -> None:
    assert all_facts(manifests, order) == all_facts(manifests, ORDERS[0])


def test_findings_do_not_depend_on_manifest_order(manifests: dict[str, model.Manifest]) -> None:
    root = ROOT
    config = load_config(None, root)
    policy = load_policy(config, root)
    now = dt.datetime.fromisoformat(NOW).replace(tzinfo=dt.UTC)

    def findings(order: tuple[str, ...]) -> list[tuple[str, str, str, int, str]]:
        result = evaluate([manifests[n] for n in order], policy.catalog, policy.tiers,
                          Settings(Severity.HIGH, now, {}, {}, frozenset()))  # fmt: skip
        return [(f.rule, f.service, f.location.file, f.location.line, f.message) for f in result.findings]

    first = findings(ORDERS[0])
    graph_findings = [f for f in first if f[0].startswith("SL7")]
    assert (
        "SL708",
        "audit",
        "audit/shiftleft.yaml",
        9,
        "the hard dependency on ledger closes a cycle: audit → ledger → audit",
    ) in graph_findings
    assert not any(f[1] == "checkout" and "search" in f[4] for f in graph_findings), graph_findings
    for order in SAMPLE[1:]:
        assert findings(order) == first, order
