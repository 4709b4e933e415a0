"""Estimated costs are remembered by the input values they depend on (celcost.reads, Estimate.key, Program.cost).

A remembered cost must be the cost a fresh estimate gives: the key holds every value an estimate reads,
so two inputs with one key cost the same, and a change to a value the expression reads changes the key.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

from shiftleft.manifest import model
from shiftleft.manifest.schema import get_path
from shiftleft.policy import cel, celcost, tiers
from tests.required_helpers import CATALOG

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402  # the benchmark corpus generator (standard library only)


@pytest.mark.parametrize(
    ("source", "paths"),
    [
        ("spec.l.all(x, x > 0)", [("spec", "l")]),
        ("has(spec.compliance) && spec.compliance.data_residency.exists(j, within(item, j))",
         [("item",), ("spec", "compliance", "data_residency")]),
        ("spec.suppliers.exists(s, s.name == item.service)", [("item", "service"), ("spec", "suppliers")]),
        ("spec.l.exists(spec, spec.x)", [("spec", "l")]),  # the loop's own `spec` reads what the range gave
        ("has(spec.l.map(x, x)[0].y)", [("spec", "l")]),  # has() of something else than a chain reads it
        ("size(spec) + size(metadata.a.b) > 0 && [org.x].all(v, v.y == 1)",
         [("metadata", "a", "b"), ("org", "x"), ("spec",)]),
        ("spec.l.map(x, x + tier.suffix).size() > 0", [("spec", "l"), ("tier", "suffix")]),
    ],
)  # fmt: skip
def test_reads_are_the_select_chains_from_variables(source: str, paths: list[tuple[str, ...]]) -> None:
    assert list(celcost.reads(celcost.parse(cel.compile_expression(source).serialize()))) == paths


def test_the_key_changes_with_what_is_read_only() -> None:
    paths = (("item",), ("spec", "compliance", "data_residency"))
    base = {"spec": {"compliance": {"data_residency": ["eu"]}, "tier": 1}, "item": None}
    key = celcost.Estimate(base, candidates={"item": ["eu", "us"]}).key(paths)
    assert key is not None
    other_tier = {**base, "spec": {**base["spec"], "tier": 3}, "metadata": {"name": "x"}}
    assert celcost.Estimate(other_tier, candidates={"item": ["eu", "us"]}).key(paths) == key
    assert celcost.Estimate(base, candidates={"item": ["eu", "uk"]}).key(paths) != key
    assert celcost.Estimate(base, candidates={"item": ["eu"]}).key(paths) != key
    assert celcost.Estimate(base).key(paths) != key  # `item` from the data (None), not the candidates
    residency = {**base, "spec": {"compliance": {"data_residency": ["eu", "ch"]}}}
    assert celcost.Estimate(residency, candidates={"item": ["eu", "us"]}).key(paths) != key
    one, true = celcost.Estimate({"spec": {"l": [1]}}), celcost.Estimate({"spec": {"l": [True]}})
    assert one.key((("spec", "l"),)) != true.key((("spec", "l"),))


def test_a_timestamp_or_a_large_input_is_estimated_each_time() -> None:
    moment = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    assert celcost.Estimate({"now": moment}).key((("now",),)) is None
    assert celcost.Estimate({"spec": {"l": ["x" * celcost.MAX_KEY]}}).key((("spec", "l"),)) is None
    program = cel.compile_expression("spec.l.all(x, x.size() > 0)")
    large = celcost.Estimate({"spec": {"l": ["x" * celcost.MAX_KEY]}})
    assert program.cost(large) == large.cost(celcost.parse(program.serialize())) > 0


def _inputs(folder: Path) -> list[tuple[dict[str, Any], str]]:
    out = []
    for path in sorted(folder.glob("svc-*/shiftleft.yaml")):
        manifest = model.load(path, path.parent.name, folder)
        assert manifest.valid, manifest.problems
        out.append((manifest.typed(), str(path)))
    return out


def test_remembered_costs_are_fresh_estimates_on_a_generated_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate.generate(40, tmp_path, seed=5, fanout=4)
    walks = [0]
    cost = celcost.Estimate.cost

    def counted(self: celcost.Estimate, node: celcost.Node) -> float:
        walks[0] += 1
        return cost(self, node)

    monkeypatch.setattr(celcost.Estimate, "cost", counted)
    policy = tiers.load(ROOT / "rules" / "tiers.yaml", "rules/tiers.yaml").with_dates(dt.datetime(2026, 11, 25))
    typed_tiers = {n: t.typed for n, t in policy.tiers.items()}
    asked = 0
    for typed, _path in _inputs(tmp_path):
        for org in ({}, {"approved_residency": ["eu", "us"]}):
            data = {"spec": typed["spec"], "metadata": typed["metadata"], "tier": typed_tiers[typed["spec"]["tier"]],
                    "org": org, "graph": {}, "item": None, "index": 0}  # fmt: skip
            for rule in CATALOG.rules:
                items = get_path(data, rule.each) if rule.each is not None else None
                candidates = {"item": items} if isinstance(items, list) else None
                for program in (p for p in (rule.when, rule.check) if p is not None and p.grows):
                    fresh = cost(celcost.Estimate(data, candidates=candidates), celcost.parse(program.serialize()))
                    assert program.cost(celcost.Estimate(data, candidates=candidates)) == fresh, rule.id
                    asked += 1
    assert asked >= 300  # 40 manifests, two organisations, every program that is estimated
    assert walks[0] < asked / 2  # most inputs repeat what the expressions read
