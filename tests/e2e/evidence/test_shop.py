"""examples/shop with evidence on, as the README's first command runs it: exact SL8xx findings,
claim statuses, and the README's summary lines true."""

from __future__ import annotations

import json

import pytest

from tests.e2e.evidence.test_scanners import check
from tests.helpers import ROOT

SHOP = "examples/shop/services"
K8S = "examples/shop/kubernetes-manifests"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("shop") / "report.json"
    code, _err = check(ROOT, "examples/shop", "--evidence", "--format", f"json={out}")
    report: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    report["exit"] = code
    return report


def test_shop_claims_contradicted_by_infrastructure_and_by_code(shop: dict[str, object]) -> None:
    findings = shop["findings"]
    assert isinstance(findings, list)
    found = sorted(
        (f["rule"], f["service"], f"{f['location']['file']}:{f['location']['line']}")
        for f in findings
        if f["rule"].startswith("SL8")
    )
    assert found == sorted([
        ("SL813", "checkout", f"{SHOP}/checkout/infra/database.tf:14"),
        ("SL813", "checkout", f"{SHOP}/checkout/infra/database.tf:42"),
        ("SL814", "checkout", f"{K8S}/checkout/deployment.yaml:1"),
        ("SL815", "checkout", f"{K8S}/checkout/deployment.yaml:1"),
        ("SL820", "checkout", f"{SHOP}/checkout/src/checkout/orders.py:39"),
        ("SL810", "search", f"{SHOP}/search/infra/opensearch.tf:1"),
        ("SL810", "reporting-batch", f"{SHOP}/reporting-batch/infra/warehouse.tf:5"),
        ("SL820", "reporting-batch", f"{SHOP}/reporting-batch/src/reporting/extract.py:24"),
        ("SL820", "reporting-batch", f"{SHOP}/reporting-batch/src/reporting/extract.py:30"),
        ("SL820", "reporting-batch", f"{SHOP}/reporting-batch/src/reporting/publish.py:15"),
    ])  # fmt: skip
    assert shop["exit"] == 1


def test_compliant_services_are_verified_where_evidence_exists(shop: dict[str, object]) -> None:
    claims = shop["claims"]
    assert isinstance(claims, list)
    for service in ("payments", "catalog", "notifications"):
        assert {c["status"] for c in claims if c["service"] == service} <= {"verified", "unverified"}
    payments = {c["rule"]: c["status"] for c in claims if c["service"] == "payments"}
    assert payments == {
        "SL810": "verified", "SL811": "verified", "SL812": "verified", "SL813": "verified", "SL814": "verified",
        "SL815": "verified", "SL816": "verified", "SL817": "unverified", "SL820": "verified",
    }  # fmt: skip


def test_readme_shows_the_run_as_it_is(shop: dict[str, object]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    claims = shop["claims"]
    run = shop["run"]
    assert isinstance(claims, list) and isinstance(run, dict)
    counts = run["evidence"]["claims"]
    line = (
        f"evidence: {len(claims)} claims: {counts['verified']} verified, {counts['contradicted']} contradicted, "
        f"{counts['unverified']} unverified"
    )
    assert line in readme
    severities = run["counts"]
    summary = f"{run['findings']} findings in 3 of 6 services ({severities['high']} high, {severities['medium']} medium)"
    accepted = f", {run['waived']} accepted by waivers or the baseline" if run["waived"] else ""
    assert f"\n{summary}{accepted}; {run['failing']} at or above --fail-on high: failed" in readme
    assert f"among {run['findings']} findings" in readme
    first = "pip install '.[evidence]' && .venv/bin/shiftleft check examples/shop --evidence --now 2026-11-25"
    assert first in readme
