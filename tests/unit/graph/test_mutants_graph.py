"""Graph facts that surviving mutants showed untested (see tests/mutation/README.md)."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from shiftleft.graph import Node, build, from_manifest, nodes
from shiftleft.graph.build import _extra_nine, _percent, _percent_text
from shiftleft.graph.nodes import Target
from shiftleft.graph.scc import components


def svc(name: str, rto: str | None = "4h", deps: list[dict[str, Any]] | None = None,
        suppliers: list[dict[str, Any]] | None = None, tier: int = 2, slo: float = 99.9) -> Node:  # fmt: skip
    spec: dict[str, Any] = {"tier": tier, "availability": {"slo": slo}, "continuity": {"rpo": "1h"}}
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


def test_a_promise_stands_in_with_each_of_its_targets() -> None:
    promise = {"tier": 2, "slo": 99.9, "rto": "4h", "rpo": "30m", "owner": "team-ghost"}
    graph = build([svc("a", tier=1, deps=[{"service": "ghost", "hard": True, "promise": promise}])])
    typed, shown = graph.facts(0)
    entry = typed["dependencies"][0]
    assert (entry["known"], entry["promised"], entry["local"], entry["valid"]) == (True, True, False, True)
    assert (entry["tier"], entry["owner"], entry["slo"], entry["rto"], entry["rpo"]) == (
        2, "team-ghost", 99.9, "14400s", "1800s")  # fmt: skip
    assert (shown["dependencies"][0]["rto"], shown["dependencies"][0]["rpo"]) == ("4h", "30m")
    assert typed["worst_rpo"] == {"value": "1800s", "service": "ghost", "path": ["a", "ghost"]}
    assert typed["composite"]["factors"] == [{"name": "ghost", "availability": 99.9}]


def test_a_partial_promise_leaves_the_rest_unknown() -> None:
    graph = build([svc("a", deps=[{"service": "ghost", "hard": True, "promise": {"rto": "4h"}}])])
    entry = graph.facts(0)[0]["dependencies"][0]
    assert (entry["tier"], entry["owner"], entry["slo"], entry["rto"], entry["rpo"]) == (
        None,
        None,
        None,
        "14400s",
        None,
    )


def test_supplier_facts_typed_and_as_written() -> None:
    graph = build(
        [svc("a", tier=1, suppliers=[{"name": "cloud", "sla": {"availability": 99.95, "rto": "2h", "rpo": "15m"}}])]
    )
    typed, shown = graph.facts(0)
    assert typed["suppliers"][0] == {
        "name": "cloud", "hard": True, "fallback": False, "blocking": True, "in_composite": True,
        "concentration": {"count": 1, "services": ["a"], "report": True}, "extra_nine": 99.99,
        "availability": 99.95, "rto": "7200s", "rpo": "900s",
    }  # fmt: skip
    assert (shown["suppliers"][0]["availability"], shown["suppliers"][0]["rto"], shown["suppliers"][0]["rpo"]) == (
        "99.95", "2h", "15m")  # fmt: skip
    assert shown["suppliers"][0]["extra_nine"] == "99.99%"
    assert typed["worst_rpo"] == {"value": "900s", "service": "cloud", "path": ["a", "cloud"]}


def test_concentration_lists_up_to_20_services_then_shortens() -> None:
    for count, services in (
        (20, [f"s{i:02d}" for i in range(20)]),
        (21, [*(f"s{i:02d}" for i in range(19)), "…", "(21 in all)"]),
    ):
        nodes = [
            svc(f"s{i:02d}", tier=1, suppliers=[{"name": "cloud", "sla": {"availability": 99.9}}]) for i in range(count)
        ]
        graph = build(nodes)
        assert graph.facts(0)[0]["suppliers"][0]["concentration"] == {
            "count": count,
            "services": services,
            "report": True,
        }
        assert graph.facts(1)[0]["suppliers"][0]["concentration"]["report"] is False


def ring(n: int) -> list[Node]:
    return [svc(f"s{i:02d}", deps=[{"service": f"s{(i + 1) % n:02d}"}]) for i in range(n)]  # no `hard`: hard


def test_a_cycle_of_up_to_20_services_is_spelled_out_and_a_larger_one_summarised() -> None:
    twenty = build(ring(20)).facts(0)[0]
    assert twenty["dependencies"][0]["cycle"] == " → ".join([*(f"s{i:02d}" for i in range(20)), "s00"])
    assert twenty["dependencies"][0]["hard"] is True and twenty["cycle_size"] == 20
    twenty_one = build(ring(21)).facts(0)[0]
    assert twenty_one["dependencies"][0]["cycle"] == (
        "a cycle of 21 services: s00, s01, s02, s03, s04, s05, s06, s07, s08, …, (21 in all)"
    )
    assert twenty_one["cycle"] == [*(f"s{i:02d}" for i in range(9)), "…", "(21 in all)"]


@pytest.mark.parametrize(("top", "middle"), [("a", "y"), ("m", "0d")])
def test_a_tie_between_a_supplier_and_a_service_of_the_same_name_goes_to_the_supplier_in_any_order(
    top: str, middle: str
) -> None:
    # top's supplier x and the service x that top reaches through middle both recover in 8h: the direct
    # way wins, whatever the names of the services on the longer way and the order of the manifests.
    nodes = [
        svc(top, rto="1h", deps=[{"service": middle, "hard": True}],
            suppliers=[{"name": "x", "sla": {"availability": 99.9, "rto": "8h"}}]),
        svc(middle, rto="2h", deps=[{"service": "x", "hard": True}]),
        svc("x", rto="8h"),
        svc("zz", rto="1h"),
    ]  # fmt: skip
    for order in itertools.permutations(nodes):
        assert worst_rto_of(list(order), top) == {"value": "8h", "service": "x", "path": [top, "x"]}


def test_a_promise_does_not_replace_a_service_that_has_a_manifest_even_the_first() -> None:
    nodes = [
        svc("b", tier=3, rto="24h"),
        svc("a", deps=[{"service": "b", "hard": True, "promise": {"tier": 1, "rto": "1h"}}]),
    ]
    graph = build(nodes)
    entry = graph.facts(1)[0]["dependencies"][0]
    assert (entry["promised"], entry["tier"], entry["rto"], len(graph.nodes)) == (False, 3, "86400s", 2)


def test_two_ways_to_the_same_slowest_service_are_decided_by_name_not_by_the_order_of_dependencies() -> None:
    for deps in (["q", "p"], ["p", "q"]):
        nodes = [
            svc("top", rto="1h", deps=[{"service": d, "hard": True} for d in deps]),
            svc("p", rto="2h", deps=[{"service": "x", "hard": True}]),
            svc("q", rto="2h", deps=[{"service": "x", "hard": True}]),
            svc("x", rto="8h"),
        ]
        assert worst_rto_of(nodes, "top") == {"value": "8h", "service": "x", "path": ["top", "p", "x"]}, deps


def manifest_node(name: str, spec: dict[str, Any], valid: bool = True) -> Node:
    return from_manifest({"metadata": {"name": name, "owner": "team"}, "spec": spec}, name, valid)


def promise_broken(real: Node, promise: dict[str, Any]) -> list[str]:
    graph = build([real, svc("a", deps=[{"service": real.name, "hard": True, "promise": promise}])])
    entry = graph.facts(1)[0]["dependencies"][0]
    assert (entry["cycle"], entry["on_cycle"]) == ("", False)
    broken: list[str] = entry["promise_broken"]
    return broken


PROMISE = {"tier": 1, "slo": 99.9, "rto": "1h", "rpo": "1h"}
TARGETS = {"tier": 1, "availability": {"slo": 99.9}, "continuity": {"rto": "1h", "rpo": "1h"}}


def test_each_way_a_manifest_declares_less_than_was_promised_is_listed() -> None:
    worse = {"tier": 3, "availability": {"slo": 99.0}, "continuity": {"rto": "24h", "rpo": "24h"}}
    assert promise_broken(manifest_node("b", worse), PROMISE) == [
        "tier 3 (promised 1)", "SLO 99.0 (promised 99.9)", "RTO 24h (promised 1h)", "RPO 24h (promised 1h)",
    ]  # fmt: skip
    assert promise_broken(manifest_node("b", {}), PROMISE) == [
        "tier not declared (promised 1)", "SLO not declared (promised 99.9)", "RTO not declared (promised 1h)",
        "RPO not declared (promised 1h)",
    ]  # fmt: skip


def test_a_manifest_that_keeps_the_promise_exactly_breaks_nothing() -> None:
    assert promise_broken(manifest_node("b", TARGETS), PROMISE) == []
    assert promise_broken(manifest_node("b", {}), {}) == []
    better = {"tier": 0, "availability": {"slo": 99.99}, "continuity": {"rto": "30m", "rpo": "1m"}}
    assert promise_broken(manifest_node("b", better), PROMISE) == []


def test_an_invalid_manifest_or_the_stand_in_itself_is_not_judged_against_the_promise() -> None:
    assert promise_broken(manifest_node("b", {"tier": 3}, valid=False), PROMISE) == []
    graph = build([svc("a", deps=[{"service": "ghost", "hard": True, "promise": PROMISE}])])
    assert graph.facts(0)[0]["dependencies"][0]["promise_broken"] == []


def test_a_dependencys_supplier_carries_its_rto_up_the_chain() -> None:
    nodes = [
        svc("a", rto="1h", deps=[{"service": "b", "hard": True}]),
        svc("b", rto="2h", suppliers=[{"name": "cloud", "sla": {"availability": 99.9, "rto": "72h"}}]),
    ]
    typed, shown = build(nodes).facts(0)
    assert shown["worst_rto"] == {"value": "72h", "service": "cloud", "path": ["a", "b", "cloud"]}
    assert typed["worst_rto"] == {"value": "259200s", "service": "cloud", "path": ["a", "b", "cloud"]}


def test_dependents_with_the_same_name_keep_the_order_of_their_manifests() -> None:
    graph = build([
        svc("d", tier=1, deps=[{"service": "x", "hard": True}]),
        svc("d", tier=2, deps=[{"service": "x", "hard": False}]),
        svc("x"),
    ])  # fmt: skip
    assert graph.facts(2)[0]["dependents"] == [
        {"service": "d", "tier": 1, "blocking": True},
        {"service": "d", "tier": 2, "blocking": True},
    ]


def test_two_services_that_depend_on_each_other_are_a_cycle() -> None:
    typed = build(
        [svc("a", deps=[{"service": "b", "hard": True}]), svc("b", deps=[{"service": "a", "hard": True}])]
    ).facts(0)[0]
    assert (typed["on_cycle"], typed["cycle"], typed["cycle_size"]) == (True, ["a", "b"], 2)
    assert typed["dependencies"][0]["cycle"] == "a → b → a"
    alone = build([svc("a")]).facts(0)[0]
    assert (alone["on_cycle"], alone["cycle"], alone["cycle_size"]) == (False, [], 0)


def test_a_dependency_left_out_does_not_stop_the_ones_after_it() -> None:
    nodes = [
        svc("a", rto="1h", deps=[{"service": "c", "hard": False, "fallback": "f"}, {"service": "b", "hard": True}]),
        svc("b", slo=99.95, rto="8h"),
        svc("c", slo=95.0, rto="72h"),
    ]
    typed = build(nodes).facts(0)[0]
    assert typed["worst_rto"] == {"value": "28800s", "service": "b", "path": ["a", "b"]}
    assert typed["composite"]["factors"] == [{"name": "b", "availability": 99.95}]
    for order in itertools.permutations([*nodes, svc("z", rto="30m", deps=[{"service": "a", "hard": True}])]):
        assert worst_rto_of(list(order), "z") == {"value": "8h", "service": "b", "path": ["z", "a", "b"]}


def test_the_composite_is_rounded_to_six_decimals() -> None:
    nodes = [svc("a", deps=[{"service": n, "hard": True} for n in "bcd"]),
             svc("b", slo=99.9), svc("c", slo=99.95), svc("d", slo=99.5)]  # fmt: skip
    assert build(nodes).facts(0)[0]["composite_slo"] == 99.3508  # 99.35079975 unrounded: 99.3507998 at 7


@pytest.mark.parametrize(
    ("value", "below", "shown"),
    [
        (99.5, None, "99.50%"),
        (99.123456, None, "99.12%"),
        (100.0, None, "100.00%"),
        (99.5, 99.0, "99.50%"),
        (99.95, 99.95, "99.95%"),
        (99.9, 99.95, "99.90%"),
        (99.949, 99.95, "99.949%"),  # two decimals would show 99.95, as if it met 99.95
        (99.9499, 99.95, "99.9499%"),
        (99.94999, 99.95, "99.94999%"),
        (99.949999, 99.95, "99.949999%"),
        (99.9499999, 99.95, "99.949999%"),  # past six decimals: cut, never rounded up to the target
        (99.999999, 99.9999995, "99.999999%"),
        (99.99995, 99.99996, "99.9999%"),
        (99.956, 99.956, "99.96%"),  # exactly at the target: two decimals, even rounded up
        (0.4999, 0.5, "0.4999%"),  # the leading zero stays
        # the float just below 11.04779: times 10**6 in floats it rounds up to 11047790, which showed the target
        (math.nextafter(11.04779, 0), 11.04779, "11.047789%"),
    ],
)
def test_a_composite_is_shown_with_enough_decimals_to_stay_below_its_target(
    value: float, below: float | None, shown: str
) -> None:
    assert _percent(value, below) == shown


def test_percent_text_and_the_extra_nine() -> None:
    shown = [_percent_text(v) for v in (99.9, "99.95", 99.0, 99.123456789, "100", 0.5)]
    assert shown == ["99.9%", "99.95%", "99%", "99.123457%", "100%", "0.5%"]
    nines = [_extra_nine(Target(v, str(v))) for v in (99.95, 99.9, 99.0, 99.999999)]
    assert nines == [99.995, 99.99, 99.9, 100.0]
    assert _extra_nine(None) is None


@pytest.mark.parametrize(
    ("succ", "comp", "members"),
    [
        ([], [], []),
        ([[1], [2], [0]], [0, 0, 0], [[2, 1, 0]]),  # a ring: one component, members as popped
        ([[1, 2], [], [1]], [2, 0, 1], [[1], [2], [0]]),  # 2 -> 1 crosses into a finished component
        ([[], [2], [1], []], [0, 1, 1, 2], [[0], [2, 1], [3]]),  # a later root on a cycle; a root visited already
        ([[1], [2], [1]], [1, 0, 0], [[2, 1], [0]]),  # a cycle below the root
        ([[1], [0, 2], [3], [2]], [1, 1, 0, 0], [[3, 2], [1, 0]]),  # a cycle that depends on another
    ],
)
def test_components_are_numbered_dependencies_first(
    succ: list[list[int]], comp: list[int], members: list[list[int]]
) -> None:
    assert components(succ) == (comp, members)


def test_a_manifest_without_spec_or_metadata_is_a_node_with_no_targets() -> None:
    assert from_manifest({}, "a", True) == Node("a", None, None, None, None, None)
    assert from_manifest({"spec": {"tier": 1}}, "b", True) == Node("b", 1, None, None, None, None)


def test_a_target_that_is_not_a_scalar_is_refused_by_its_parser() -> None:
    with pytest.raises(ValueError) as caught:
        nodes.percent([99.9])
    assert str(caught.value) == "[99.9] is not a percentage; write a number like 99.9 or a string like 5%"


def test_targets_are_shared_up_to_the_cache_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    cache: dict[Any, Any] = {}
    monkeypatch.setattr(nodes, "_TARGETS", cache)
    first = nodes.percent(99.9)
    assert nodes.percent(99.9) is first and first == Target(99.9, "99.9")
    assert nodes.percent(99) == Target(99.0, "99") and nodes.percent(99.0) == Target(99.0, "99.0")
    assert nodes.duration("4h") == Target(14400, "4h") and nodes.percent("4%") == Target(4.0, "4%")
    assert len(cache) == 5
    cache.update((("filler", i), None) for i in range(nodes._TARGETS_MAX - 6))
    last = nodes.duration("1m")
    assert nodes.duration("1m") is last and len(cache) == nodes._TARGETS_MAX
    over = nodes.duration("2m")
    assert over == Target(120, "2m") and nodes.duration("2m") is not over and len(cache) == nodes._TARGETS_MAX


def test_an_unknown_dependency_carries_no_rto_whatever_service_comes_last() -> None:
    # a depends on a service with no manifest; the last node, l, is slower than anything and belongs to an
    # earlier component (b reaches it). x, through a, must see a's own 1h, never l's 72h.
    nodes = [
        svc("b", rto="2h", deps=[{"service": "l", "hard": True}]),
        svc("x", rto="30m", deps=[{"service": "a", "hard": True}]),
        svc("a", rto="1h", deps=[{"service": "ghost", "hard": True}]),
        svc("l", rto="72h"),
    ]
    for order in itertools.permutations(nodes):
        assert worst_rto_of(list(order), "x") == {"value": "1h", "service": "a", "path": ["x", "a"]}


def test_the_composite_slo_as_written_is_its_text() -> None:
    nodes = [svc("a", deps=[{"service": n, "hard": True} for n in "bcd"]),
             svc("b", slo=99.9), svc("c", slo=99.95), svc("d", slo=99.5)]  # fmt: skip
    typed, shown = build(nodes).facts(0)
    assert (typed["composite_slo"], shown["composite_slo"]) == (99.3508, "99.35%")


def test_two_suppliers_of_one_service_that_recover_alike_are_decided_by_name() -> None:
    sla = {"availability": 99.9, "rto": "8h"}
    for names in (["s2", "s1"], ["s1", "s2"]):
        graph = build([svc("a", rto="1h", suppliers=[{"name": n, "sla": sla} for n in names])])
        assert graph.facts(0)[1]["worst_rto"] == {"value": "8h", "service": "s1", "path": ["a", "s1"]}


def line(count: int, last: Node | None = None) -> list[Node]:
    """s00 -> s01 -> ... hard, each recovering in 1h but the last (72h, or `last`)."""
    names = [f"s{i:02d}" for i in range(count)]
    chain = [svc(n, rto="1h", deps=[{"service": names[k + 1], "hard": True}]) for k, n in enumerate(names[:-1])]
    return [*chain, last or svc(names[-1], rto="72h")]


def rotations(nodes: list[Node]) -> list[list[Node]]:
    """Each service of `nodes` once first: a node index 0 anywhere along the chain."""
    return [nodes[k:] + nodes[:k] for k in range(len(nodes))]


NAMES = [f"s{i:02d}" for i in range(13)]


def test_a_path_of_twelve_services_is_shown_whole_and_a_longer_one_shortened_before_its_end() -> None:
    # past 10 names the path is cut, and "…" stands for what is left out; when only the last service,
    # the one that declares the worst RTO, is left, it is shown instead: nothing is left out
    for order in rotations(line(12)):
        assert worst_rto_of(order, "s00") == {"value": "72h", "service": "s11", "path": NAMES[:12]}
    for order in rotations(line(13)):
        assert worst_rto_of(order, "s00") == {"value": "72h", "service": "s12", "path": [*NAMES[:11], "…", "s12"]}
    cloud = svc("s11", rto="1h", suppliers=[{"name": "cloud", "sla": {"availability": 99.9, "rto": "72h"}}])
    for order in rotations(line(12, cloud)):
        assert worst_rto_of(order, "s00") == {"value": "72h", "service": "cloud", "path": [*NAMES[:12], "cloud"]}
    for order in rotations(line(11)):
        assert worst_rto_of(order, "s00") == {"value": "72h", "service": "s10", "path": NAMES[:11]}


def test_a_path_through_a_cycle_names_the_member_it_leaves_by() -> None:
    # a reaches d through the cycle b <-> c, which it enters at b and leaves at c
    nodes = [
        svc("a", rto="1h", deps=[{"service": "b", "hard": True}]),
        svc("b", rto="1h", deps=[{"service": "c", "hard": True}]),
        svc("c", rto="1h", deps=[{"service": "b", "hard": True}, {"service": "d", "hard": True}]),
        svc("d", rto="72h"),
    ]
    for order in itertools.permutations(nodes):
        assert worst_rto_of(list(order), "a") == {"value": "72h", "service": "d", "path": ["a", "b", "…", "c", "d"]}
