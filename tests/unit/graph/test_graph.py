"""The service graph: resolution, cycles, chains, composite availability, concentration."""

from __future__ import annotations

import time
from typing import Any

import pytest

from shiftleft.graph import Graph, Node, build, from_manifest
from shiftleft.graph.catalogfile import entries
from shiftleft.manifest import model
from tests.helpers import ROOT

SHOP = ROOT / "examples" / "shop"


def svc(name: str, tier: int = 2, slo: float | None = 99.9, rto: str | None = "4h", rpo: str | None = "1h",
        deps: list[dict[str, Any]] | None = None, suppliers: list[dict[str, Any]] | None = None) -> Node:  # fmt: skip
    spec: dict[str, Any] = {"tier": tier, "availability": {}, "continuity": {}}
    if slo is not None:
        spec["availability"]["slo"] = slo
    if rto is not None:
        spec["continuity"]["rto"] = rto
    if rpo is not None:
        spec["continuity"]["rpo"] = rpo
    spec["dependencies"] = deps or []
    spec["suppliers"] = suppliers or []
    return from_manifest({"metadata": {"name": name, "owner": f"team-{name}"}, "spec": spec}, name, True)


def hard(name: str) -> dict[str, Any]:
    return {"service": name, "hard": True}


def facts(graph: Graph, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return graph.facts(next(i for i, n in enumerate(graph.nodes) if n.name == name))


def test_shop_checkout_facts_are_aligned_with_its_dependencies() -> None:
    files = sorted((SHOP / "services").glob("*/shiftleft.yaml"))
    manifests = [model.load(f, f.as_posix(), SHOP) for f in files]
    graph = build([from_manifest(m.raw, m.name, m.valid) for m in manifests])
    typed, shown = facts(graph, "checkout")
    assert [d["service"] for d in typed["dependencies"]] == ["payments", "search", "catalog", "notifications"]
    search = typed["dependencies"][1]
    assert (search["known"], search["tier"], search["slo"]) == (True, 3, 99.0)
    assert (search["rto"], search["rpo"]) == ("86400s", "86400s")
    assert (search["hard"], search["fallback"], search["blocking"], search["self"]) == (True, False, True, False)
    assert shown["dependencies"][1]["rto"] == "24h"
    assert [d["blocking"] for d in typed["dependencies"]] == [True, True, False, False]
    assert typed["composite_slo"] == 98.9901
    assert typed["composite"]["factors"] == [
        {"name": "payments", "availability": 99.99},
        {"name": "search", "availability": 99.0},
    ]
    assert shown["composite"]["arithmetic"] == "99.99% x 99.0% = 98.99%"
    assert typed["worst_rto"] == {"value": "86400s", "service": "search", "path": ["checkout", "search"]}
    assert shown["worst_rpo"] == {"value": "24h", "service": "search", "path": ["checkout", "search"]}
    payments, _ = facts(graph, "payments")
    assert payments["dependents"] == [
        {"service": "checkout", "tier": 1, "blocking": True},
        {"service": "reporting-batch", "tier": 4, "blocking": False},
    ]
    assert payments["composite_slo"] == 99.99  # stripe's SLA, hard with a fallback: still in the product


def test_a_line_of_10000_services_needs_no_recursion_and_little_time() -> None:
    n = 10_000
    nodes = [svc(f"s{i}", rto=f"{i + 1}m", deps=[hard(f"s{i + 1}")] if i + 1 < n else []) for i in range(n)]
    start = time.perf_counter()
    graph = build(nodes)
    first, _ = graph.facts(0)
    last, _ = graph.facts(n - 1)
    elapsed = time.perf_counter() - start
    assert elapsed < 5, elapsed  # about 0.2 s; generous for a loaded CI machine
    assert first["worst_rto"]["value"] == f"{n * 60}s"
    assert first["worst_rto"]["service"] == f"s{n - 1}"
    path = first["worst_rto"]["path"]
    assert path[:3] == ["s0", "s1", "s2"] and path[-2:] == ["…", f"s{n - 1}"] and len(path) <= 13
    assert last["worst_rto"] is None and not first["on_cycle"]


def test_a_ring_of_10000_services_is_one_cycle() -> None:
    n = 10_000
    graph = build([svc(f"s{i}", deps=[hard(f"s{(i + 1) % n}")]) for i in range(n)])
    typed, _ = graph.facts(0)
    assert typed["on_cycle"] and typed["cycle_size"] == n
    assert typed["cycle"][-2:] == ["…", "(10000 in all)"]
    assert typed["dependencies"][0]["cycle"].startswith("a cycle of 10000 services: ")


def test_diamond_counts_the_shared_dependency_once_in_each_chain() -> None:
    graph = build([
        svc("a", deps=[hard("b"), hard("c")]),
        svc("b", rto="1h", deps=[hard("d")]),
        svc("c", rto="2h", deps=[hard("d")]),
        svc("d", rto="8h", slo=99.5),
    ])  # fmt: skip
    a, _ = facts(graph, "a")
    assert a["worst_rto"] == {"value": "28800s", "service": "d", "path": ["a", "b", "d"]}
    assert a["composite_slo"] == 99.8001  # direct dependencies only: b and c (their SLOs answer for d)
    d, _ = facts(graph, "d")
    assert [x["service"] for x in d["dependents"]] == ["b", "c"]
    assert not a["on_cycle"]


def test_cycles_among_blocking_dependencies_and_a_fallback_that_breaks_one() -> None:
    graph = build([
        svc("a", deps=[hard("b")]),
        svc("b", deps=[hard("c")]),
        svc("c", deps=[hard("a"), hard("d")]),
        svc("d", deps=[{"service": "a", "hard": False, "fallback": "snapshot"}]),
    ])  # fmt: skip
    a, _ = facts(graph, "a")
    c, _ = facts(graph, "c")
    d, _ = facts(graph, "d")
    assert a["on_cycle"] and a["cycle"] == ["a", "b", "c"] and a["cycle_size"] == 3
    assert a["dependencies"][0]["cycle"] == "a → b → c → a"
    assert c["dependencies"][0]["cycle"] == "c → a → b → c"
    assert [x["on_cycle"] for x in c["dependencies"]] == [True, False]
    assert not d["on_cycle"] and not d["dependencies"][0]["on_cycle"]


def test_hard_dependency_with_a_fallback_is_not_blocking_but_still_in_the_product() -> None:
    graph = build([svc("a", deps=[{"service": "b", "hard": True, "fallback": "queue"}]), svc("b", slo=99.0)])
    a, _ = facts(graph, "a")
    entry = a["dependencies"][0]
    assert (entry["blocking"], entry["in_composite"], entry["on_cycle"]) == (False, True, False)
    assert a["composite_slo"] == 99.0 and a["worst_rto"] is None


def test_soft_dependencies_with_and_without_a_fallback() -> None:
    graph = build([
        svc("a", deps=[{"service": "b", "hard": False}, {"service": "c", "hard": False, "fallback": "cache"}]),
        svc("b", slo=99.5, rto="24h"),
        svc("c", slo=95.0, rto="72h"),
    ])  # fmt: skip
    a, shown = facts(graph, "a")
    assert [(d["blocking"], d["in_composite"]) for d in a["dependencies"]] == [(True, True), (False, False)]
    assert shown["dependencies"][0]["dependency"] == "soft dependency with no fallback"
    assert shown["dependencies"][1]["dependency"] == "soft dependency"
    assert a["composite_slo"] == 99.5
    assert a["worst_rto"]["service"] == "b"


def test_unknown_targets_are_reported_and_left_out_of_the_product() -> None:
    graph = build([svc("a", deps=[hard("ghost"), hard("b"), hard("a")]), svc("b", slo=None, rto=None)])
    a, shown = facts(graph, "a")
    ghost, b, me = a["dependencies"]
    assert (ghost["known"], ghost["tier"], ghost["slo"], ghost["rto"]) == (False, None, None, None)
    assert (b["known"], b["slo"]) == (True, None)
    assert me["self"] and not me["on_cycle"] and not a["on_cycle"]
    assert a["composite"] == {"value": 100.0, "factors": [], "unknown": ["ghost", "b"], "complete": False}
    assert shown["composite"]["arithmetic"] == "no blocking dependency: 100%"


def test_an_invalid_manifest_is_known_by_name_without_targets() -> None:
    graph = build([svc("a", deps=[hard("b")]), from_manifest({}, "b", False)])
    entry = facts(graph, "a")[0]["dependencies"][0]
    assert (entry["known"], entry["valid"], entry["tier"]) == (True, False, None)


def test_duplicate_names_resolve_to_the_first_valid_manifest() -> None:
    graph = build([from_manifest({}, "b", False), svc("b", tier=1), svc("b", tier=3), svc("a", deps=[hard("b")])])
    assert facts(graph, "a")[0]["dependencies"][0]["tier"] == 1


def test_suppliers_in_the_product_and_their_chain() -> None:
    graph = build([
        svc("a", slo=99.9, rto="1h", suppliers=[
            {"name": "s1", "hard": True, "sla": {"availability": 99.95, "rto": "8h"}},
            {"name": "s2", "hard": False, "fallback": "other", "sla": {"availability": 90.0}},
            {"name": "s3", "hard": True},
        ]),
    ])  # fmt: skip
    a, shown = graph.facts(0)
    assert [s["name"] for s in a["suppliers"]] == ["s1", "s2", "s3"]
    assert a["suppliers"][0]["rto"] == "28800s" and shown["suppliers"][0]["rto"] == "8h"
    assert a["composite"]["factors"] == [{"name": "s1", "availability": 99.95}]
    assert a["composite"]["unknown"] == ["s3"]
    assert a["worst_rto"] == {"value": "28800s", "service": "s1", "path": ["a", "s1"]}


def test_concentration_counts_tier_0_1_users_without_a_fallback_and_reports_once() -> None:
    use = [{"name": "cloud", "hard": True}]
    graph = build([
        svc("zeta", tier=1, suppliers=use),
        svc("beta", tier=0, suppliers=use + use),
        svc("gamma", tier=1, suppliers=[{"name": "cloud", "hard": True, "fallback": "other cloud"}]),
        svc("delta", tier=2, suppliers=use),
        *entries([{"name": "alpha", "tier": 1, "suppliers": [{"name": "cloud", "hard": True}]}]),
    ])  # fmt: skip
    reports = []
    for i in range(4):
        for k, s in enumerate(graph.facts(i)[0]["suppliers"]):
            assert s["concentration"]["count"] == 3 and s["concentration"]["services"] == ["alpha", "beta", "zeta"]
            if s["concentration"]["report"]:
                reports.append((graph.nodes[i].name, k))
    assert reports == [("beta", 0)]  # the first local service by name; alpha is imported


def test_imported_services_resolve_but_local_manifests_win() -> None:
    imported = entries([
        {"name": "ledger", "tier": 0, "slo": "99.99%", "rto": "5m", "rpo": "0s"},
        {"name": "a", "tier": 4},
    ])  # fmt: skip
    graph = build([svc("a", deps=[hard("ledger")]), *imported])
    entry, shown = graph.facts(0)
    dep = entry["dependencies"][0]
    assert (dep["known"], dep["local"], dep["tier"], dep["slo"], dep["rto"]) == (True, False, 0, 99.99, "300s")
    assert shown["dependencies"][0]["slo"] == "99.99%"
    assert shown["composite"]["arithmetic"] == "99.99% = 99.99%"
    assert graph.index["a"] == 0


def test_composite_display_keeps_enough_decimals_to_show_the_gap() -> None:
    graph = build([svc("a", slo=99.95, deps=[hard("b"), hard("c")]), svc("b", slo=99.99), svc("c", slo=99.9599)])
    _, shown = graph.facts(0)
    assert shown["composite"]["arithmetic"] == "99.99% x 99.9599% = 99.9499%"


# -- the same facts whatever the order of the manifests ---------------------------------------


def soft(name: str) -> dict[str, Any]:
    return {"service": name, "hard": False, "fallback": "cached"}


SMALL_GRAPHS = {
    # a ring of three with a tail, equal RTOs everywhere (ties decide the path)
    "ring": [svc("a", deps=[hard("b")]), svc("b", deps=[hard("c")]), svc("c", deps=[hard("a"), hard("d")]),
             svc("d", rto="24h", rpo="24h"), svc("e", deps=[hard("a")])],
    # a diamond whose two sides recover equally slowly, a supplier with the same RTO, and a soft edge
    "diamond": [svc("top", rto="1h", deps=[hard("left"), hard("right"), soft("side")]),
                svc("left", rto="8h", deps=[hard("bottom")]), svc("right", rto="8h", deps=[hard("bottom")]),
                svc("bottom", rto="8h", rpo="8h", suppliers=[{"name": "cloud", "hard": True,
                                                              "sla": {"availability": 99.9, "rto": "8h"}}]),
                svc("side", rto="72h")],
    # two cycles joined by an edge, a self-dependency and an unknown name
    "cycles": [svc("p", deps=[hard("q")]), svc("q", deps=[hard("p"), hard("x")]), svc("x", deps=[hard("y"), hard("x")]),
               svc("y", rto="12h", deps=[hard("x"), hard("ghost")])],
}  # fmt: skip


def all_facts(nodes: list[Node]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    graph = build(nodes)
    return {n.name: graph.facts(i) for i, n in enumerate(graph.nodes)}


def test_facts_do_not_depend_on_the_order_of_the_manifests() -> None:
    import itertools
    import random

    for name, nodes in SMALL_GRAPHS.items():
        expected = all_facts(nodes)
        orders = list(itertools.permutations(nodes)) if len(nodes) <= 5 else []
        orders += [random.Random(seed).sample(nodes, len(nodes)) for seed in range(20)]  # noqa: S311 (shuffles)
        for order in orders:
            assert all_facts(list(order)) == expected, (name, [n.name for n in order])


def test_ties_are_decided_by_name() -> None:
    facts_by_name = all_facts(SMALL_GRAPHS["diamond"])
    top = facts_by_name["top"][1]
    # left, right, bottom and the supplier all declare 8h: the chain names the alphabetically first way.
    assert top["worst_rto"] == {"value": "8h", "service": "bottom", "path": ["top", "left", "bottom"]}
    assert [d["service"] for d in facts_by_name["bottom"][0]["dependents"]] == ["left", "right"]


def test_a_node_in_plain_tuples_comes_back_equal() -> None:
    """The facts cache marshals nodes as plain tuples (`to_plain`): `from_plain` must give back the same node,
    promise, supplier targets and flags included, and refuse anything else."""
    import marshal

    from shiftleft.graph.nodes import from_manifest, from_plain, to_plain

    raw = {
        "metadata": {"name": "api", "owner": "team-a"},
        "spec": {
            "tier": 1,
            "availability": {"slo": 99.95},
            "continuity": {"rto": "1h", "rpo": "15m"},
            "dependencies": [
                {"service": "db", "hard": True},
                {"service": "cache", "hard": False, "fallback": "serve stale"},
                {"service": "legacy", "promise": {"tier": 2, "slo": 99.5, "rto": "4h", "owner": "team-b"}},
                {"service": "saas", "external": True},
            ],
            "suppliers": [{"name": "pay", "sla": {"availability": 99.9, "rto": "30m", "rpo": "0s"}, "hard": False}],
        },
    }
    node = from_manifest(raw, "api", True)
    assert node.dependencies[2].promise is not None and node.suppliers[0].rto is not None
    back = from_plain(marshal.loads(marshal.dumps(to_plain(node))))  # noqa: S302  # our own bytes
    assert back == node
    assert type(back.dependencies[2].promise) is type(node.dependencies[2].promise)
    assert back.suppliers[0].rto == node.suppliers[0].rto and type(back.slo.value) is float  # type: ignore[union-attr]
    invalid = from_manifest({}, "broken", False)
    assert from_plain(to_plain(invalid)) == invalid
    with pytest.raises(ValueError):
        from_plain(to_plain(node)[:-1])
