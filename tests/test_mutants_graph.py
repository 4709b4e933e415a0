"""Graph facts that surviving mutants showed untested (see tests/mutation/README.md)."""

from __future__ import annotations

import itertools
from typing import Any

from shiftleft.graph import Node, build, from_manifest


def svc(name: str, rto: str | None = "4h", deps: list[dict[str, Any]] | None = None,
        suppliers: list[dict[str, Any]] | None = None, tier: int = 2) -> Node:  # fmt: skip
    spec: dict[str, Any] = {"tier": tier, "availability": {"slo": 99.9}, "continuity": {"rpo": "1h"}}
    if rto is not None:
        spec["continuity"]["rto"] = rto
    spec["dependencies"] = deps or []
    spec["suppliers"] = suppliers or []
    return from_manifest({"metadata": {"name": name, "owner": f"team-{name}"}, "spec": spec}, name, True)


def worst_rto_of(nodes: list[Node], name: str) -> dict[str, Any] | None:
    graph = build(nodes)
    i = next(i for i, n in enumerate(graph.nodes) if n.name == name)
    return graph.facts(i)[1]["worst_rto"]


def test_a_soft_dependency_with_a_fallback_does_not_carry_its_rto_up_the_chain_in_any_order() -> None:
    # a hard-depends on b; b soft-depends on c with a fallback, and c recovers in 72h. b's chain, and so
    # a's, stops at b: c's 72h must not reach a whatever the order of the manifests.
    nodes = [
        svc("a", rto="1h", deps=[{"service": "b", "hard": True}]),
        svc("b", rto="8h", deps=[{"service": "c", "hard": False, "fallback": "cached"}]),
        svc("c", rto="72h"),
    ]
    for order in itertools.permutations(nodes):
        assert worst_rto_of(list(order), "a") == {"value": "8h", "service": "b", "path": ["a", "b"]}, [
            n.name for n in order
        ]
        assert worst_rto_of(list(order), "b") is None


def test_a_hard_dependency_with_a_fallback_does_not_carry_its_rto_either() -> None:
    nodes = [
        svc("a", rto="1h", deps=[{"service": "b", "hard": True}]),
        svc("b", rto="8h", deps=[{"service": "c", "hard": True, "fallback": "queue"}]),
        svc("c", rto="72h"),
    ]
    for order in itertools.permutations(nodes):
        assert worst_rto_of(list(order), "a") == {"value": "8h", "service": "b", "path": ["a", "b"]}


def test_a_blocking_dependency_carries_its_rto_in_any_order() -> None:
    nodes = [
        svc("a", rto="1h", deps=[{"service": "b", "hard": True}]),
        svc("b", rto="8h", deps=[{"service": "c", "hard": False}]),  # soft, no fallback: blocking
        svc("c", rto="72h"),
    ]
    for order in itertools.permutations(nodes):
        assert worst_rto_of(list(order), "a") == {"value": "72h", "service": "c", "path": ["a", "b", "c"]}
