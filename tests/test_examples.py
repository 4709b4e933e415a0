"""examples/shop exercises the default catalog: exact findings as of 2026-11-25.

Only rules below SL700 are asserted here; the graph (SL7xx) and evidence
(SL8xx) catalogs have their own expectations.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shiftleft.discover import discover
from shiftleft.engine import Settings, evaluate
from shiftleft.findings import Finding, Severity
from shiftleft.manifest import model
from shiftleft.policy import catalog as catalog_mod
from shiftleft.policy import tiers as tiers_mod

ROOT = Path(__file__).resolve().parent.parent
SHOP = "examples/shop/services"


def _findings(monkeypatch) -> list[Finding]:
    monkeypatch.chdir(ROOT)
    shipped, shown = catalog_mod.shipped_folder()
    catalog = catalog_mod.load([(shipped, shown)])
    tiers = tiers_mod.load(shipped / "tiers.yaml", "tiers.yaml")
    targets = discover(["examples/shop"], ("**/shiftleft.yaml",), (), ROOT)
    manifests = [model.load(t.file, t.display, t.root) for t in targets]
    settings = Settings(Severity.HIGH, dt.datetime(2026, 11, 25, tzinfo=dt.UTC), {}, {}, frozenset())
    return list(evaluate(manifests, catalog, tiers, settings).findings)


def test_shop_findings_below_sl700_are_exactly_the_deliberate_gaps(monkeypatch) -> None:
    found = {(f.rule, f.service, f"{f.location.file}:{f.location.line}") for f in _findings(monkeypatch)
             if f.rule < "SL700"}  # fmt: skip
    assert found == {
        ("SL301", "checkout", f"{SHOP}/checkout/shiftleft.yaml:35"),
        ("SL306", "checkout", f"{SHOP}/checkout/shiftleft.yaml:41"),
        ("SL309", "checkout", f"{SHOP}/checkout/shiftleft.yaml:41"),
        ("SL202", "search", f"{SHOP}/search/shiftleft.yaml:25"),
        ("SL315", "search", f"{SHOP}/search/shiftleft.yaml:38"),
        ("SL402", "search", f"{SHOP}/search/shiftleft.yaml:44"),
        ("SL506", "search", f"{SHOP}/search/shiftleft.yaml:49"),
        ("SL104", "reporting-batch", f"{SHOP}/reporting-batch/shiftleft.yaml:8"),
        ("SL202", "reporting-batch", f"{SHOP}/reporting-batch/shiftleft.yaml:24"),
        ("SL301", "reporting-batch", f"{SHOP}/reporting-batch/shiftleft.yaml:30"),
    }


def test_compliant_services_have_no_finding_and_gaps_span_five_categories(monkeypatch) -> None:
    findings = [f for f in _findings(monkeypatch) if f.rule < "SL700"]
    assert {f.service for f in findings} == {"checkout", "search", "reporting-batch"}
    assert {f.category for f in findings} == {"people", "availability", "continuity", "incident", "security"}
    assert not [f for f in findings if "could not be evaluated" in f.message]
