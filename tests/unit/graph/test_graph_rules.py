"""SL7xx rules (dependencies and suppliers): exact findings on real fixture files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from shiftleft.discover import discover
from shiftleft.engine import Settings, evaluate
from shiftleft.findings import Severity
from shiftleft.manifest import model
from shiftleft.setup import load_config, load_policy
from tests.helpers import NOW, TESTS, good_manifest, run_cli, write

HERE = TESTS
ROOT = HERE.parent
ESTATE = HERE / "fixtures" / "graph" / "estate"
ORG = {"approved_residency": ["eu"], "max_supplier_concentration": 2}


def sl7(folder: Path, org: dict[str, object], cwd: Path = ROOT) -> list[tuple[str, str, str, str]]:
    """(rule, service, file:line, message) of the SL7xx findings of a folder, as of NOW."""
    config = load_config(None, cwd)
    policy = load_policy(config, cwd)
    targets = discover([str(folder)], config.manifests, config.exclude, cwd)
    manifests = [model.load(t.file, t.display, t.root) for t in targets]
    now = dt.datetime.fromisoformat(NOW).replace(tzinfo=dt.UTC)
    result = evaluate(manifests, policy.catalog, policy.tiers, Settings(Severity.HIGH, now, org, {}, frozenset()))
    return [
        (f.rule, f.service, f"{f.location.file}:{f.location.line}", f.message)
        for f in result.findings
        if f.rule.startswith("SL7")
    ]


def test_estate_exact_findings_of_every_graph_and_supplier_rule() -> None:
    e = "tests/fixtures/graph/estate"
    assert sl7(ESTATE, ORG) == [
        ("SL702", "a", f"{e}/a/shiftleft.yaml:9", "b recovers in up to 4h (its RTO), not less than the RTO of 4h "
         "that a promises, which leaves no time to recover a itself; it is a hard dependency"),  # equal is too slow
        ("SL708", "a", f"{e}/a/shiftleft.yaml:9", "the hard dependency on b closes a cycle: a → b → c → a"),
        ("SL715", "api", f"{e}/api/shiftleft.yaml:9",
         "3 tier 0-1 services depend on supplier kyc without a fallback: api, cache, pay "
         "(reported once for the catalog, at the first of them)"),
        ("SL718", "api", f"{e}/api/shiftleft.yaml:9",
         "supplier kyc contracts 99.999%, but a supplier without a fallback of a 99.995% service needs one more nine: 99.9995%"),
        ("SL702", "b", f"{e}/b/shiftleft.yaml:9", "c recovers in up to 4h (its RTO), not less than the RTO of 4h "
         "that b promises, which leaves no time to recover b itself; it is a hard dependency"),
        ("SL708", "b", f"{e}/b/shiftleft.yaml:9", "the hard dependency on c closes a cycle: b → c → a → b"),
        ("SL704", "c", f"{e}/c/shiftleft.yaml:6",
         "SLO 99.9% is above what its dependencies allow: 99.9% x 99.9% = 99.80% < 99.9%"),
        ("SL702", "c", f"{e}/c/shiftleft.yaml:9", "a recovers in up to 4h (its RTO), not less than the RTO of 4h "
         "that c promises, which leaves no time to recover c itself; it is a hard dependency"),
        ("SL708", "c", f"{e}/c/shiftleft.yaml:9", "the hard dependency on a closes a cycle: c → a → b → c"),
        ("SL702", "c", f"{e}/c/shiftleft.yaml:10", "d recovers in up to 4h (its RTO), not less than the RTO of 4h "
         "that c promises, which leaves no time to recover c itself; it is a hard dependency"),
        ("SL718", "cache", f"{e}/cache/shiftleft.yaml:9",
         "supplier kyc contracts 99.999%, but a supplier without a fallback of a 99.999% service needs one more nine: 99.9999%"),
        ("SL716", "legacy", f"{e}/legacy/shiftleft.yaml:8",
         "the fallback for reports is n/a: a placeholder is not a fallback, so the dependency counts as one without"),
        ("SL717", "legacy", f"{e}/legacy/shiftleft.yaml:10",
         "the fallback for supplier printco is TBD: a placeholder is not a fallback, so the supplier counts as one "
         "without"),
        ("SL721", "onboarding", f"{e}/onboarding/shiftleft.yaml:7",
         "not-yet has no manifest yet: the dependency rules judged what its owner promised (tier 3), which "
         "nothing verifies until not-yet is onboarded"),
        ("SL719", "onboarding", f"{e}/onboarding/shiftleft.yaml:8",
         "reports now declares tier 3 (promised 2); RTO 24h (promised 4h): less than was promised while it had "
         "no manifest, and this service was designed against the promise"),
        ("SL720", "onboarding", f"{e}/onboarding/shiftleft.yaml:9",
         "maps is marked external, but spec.suppliers does not declare it: its SLA, recovery time and exit plan "
         "are not on record"),
        ("SL706", "orphan", f"{e}/orphan/shiftleft.yaml:7",
         "dependency ghost is not declared by any manifest in scope or by an imported catalog: "
         "its tier, SLO, RTO and RPO cannot be checked"),
        ("SL707", "orphan", f"{e}/orphan/shiftleft.yaml:8", "orphan lists itself as a dependency"),
        ("SL710", "pay", f"{e}/pay/shiftleft.yaml:19",
         "supplier kyc of tier 0 service pay declares no contracted availability (sla.availability)"),
        ("SL711", "pay", f"{e}/pay/shiftleft.yaml:19",
         "supplier kyc of tier 0 service pay needs an exit plan that exists and was tested in the 12 months up to "
         "2026-11-25 "
         "(exit_plan.ref: (not set), exit_plan.tested: (not set))"),
        ("SL712", "pay", f"{e}/pay/shiftleft.yaml:19",
         "hard supplier kyc of tier 0 service pay needs a fallback that switches within the RTO of 10m "
         "(fallback: (not set), switch_time: (not set))"),
        ("SL713", "pay", f"{e}/pay/shiftleft.yaml:19",
         "supplier kyc needs assurance evidence (SOC 2 type II, ISO 27001, PCI AOC) dated within the 12 months "
         "up to 2026-11-25 "
         "(assurance.type: (not set), assurance.date: (not set))"),
        ("SL714", "pay", f"{e}/pay/shiftleft.yaml:19",
         "supplier kyc keeps data in us; approved residency: eu for this service, eu for the organisation"),
        # no SL711 for sms: a soft supplier with a real fallback needs no tested exit plan
        ("SL713", "pay", f"{e}/pay/shiftleft.yaml:22",
         "supplier sms needs assurance evidence (SOC 2 type II, ISO 27001, PCI AOC) dated within the 12 months "
         "up to 2026-11-25 "
         "(assurance.type: soc2-type2, assurance.date: 2025-01-10)"),
        ("SL712", "pay", f"{e}/pay/shiftleft.yaml:29",
         "hard supplier ledgerco of tier 0 service pay needs a fallback that switches within the RTO of 10m "
         "(fallback: (not set), switch_time: (not set))"),
        ("SL709", "pay", f"{e}/pay/shiftleft.yaml:31",
         "supplier ledgerco contracts RTO 1h and RPO 1h, beyond what pay promises (RTO 10m, RPO 1m), "
         "and no fallback is declared"),
        ("SL704", "web", f"{e}/web/shiftleft.yaml:6",
         "SLO 99.95% is above what its dependencies allow: 99.995% x 99.5% x 99.999% = 99.49% < 99.95%"),
        ("SL701", "web", f"{e}/web/shiftleft.yaml:10",
         "tier 1 service web has a hard dependency on reports, which is only tier 3: it fails whenever reports "
         "fails, so it cannot be more critical in practice"),
        ("SL702", "web", f"{e}/web/shiftleft.yaml:10",
         "reports recovers in up to 24h (its RTO), not less than the RTO of 1h that web promises, which leaves "
         "no time to recover web itself; it is a hard dependency"),
        ("SL703", "web", f"{e}/web/shiftleft.yaml:10",
         "reports may lose up to 24h of data (its RPO), more than the RPO of 15m that web promises; "
         "it is a hard dependency"),
        ("SL705", "web", f"{e}/web/shiftleft.yaml:10",
         "reports offers 99.5%, but a hard dependency of a 99.95% service needs one more nine: 99.995% "
         "or a fallback"),
        ("SL702", "web", f"{e}/web/shiftleft.yaml:11", "cache recovers in up to 1h (its RTO), not less than the RTO "
         "of 1h that web promises, which leaves no time to recover web itself; it is a soft dependency with no "
         "fallback"),
    ]  # fmt: skip


def test_concentration_threshold_defaults_to_3() -> None:
    assert [f for f in sl7(ESTATE, {}) if f[0] == "SL715"] == []


def test_residency_from_the_organisation_alone() -> None:
    findings = sl7(ESTATE, {"approved_residency": ["us"]})
    assert [(f[0], f[2].rsplit("/", 2)[-2:]) for f in findings if f[0] == "SL714"] == [
        ("SL714", ["api", "shiftleft.yaml:9"]),  # kyc: eu is outside the organisation's us
        ("SL714", ["cache", "shiftleft.yaml:9"]),
        ("SL714", ["pay", "shiftleft.yaml:11"]),  # acquirer: eu is outside the organisation's us
        ("SL714", ["pay", "shiftleft.yaml:19"]),  # kyc: us is outside the service's eu
        ("SL714", ["pay", "shiftleft.yaml:22"]),
        ("SL714", ["pay", "shiftleft.yaml:29"]),
    ]


def test_shop_shows_the_checkout_search_problems_and_nothing_on_compliant_services() -> None:
    s = "examples/shop/services/checkout/shiftleft.yaml"
    assert sl7(ROOT / "examples" / "shop", {}) == [
        ("SL704", "checkout", f"{s}:27",
         "SLO 99.95% is above what its dependencies allow: 99.99% x 99.0% = 98.99% < 99.95%"),
        ("SL705", "checkout", f"{s}:68",
         "payments offers 99.99%, but a hard dependency of a 99.95% service needs one more nine: 99.995% "
         "or a fallback"),
        ("SL701", "checkout", f"{s}:69",
         "tier 1 service checkout has a hard dependency on search, which is only tier 3: it fails whenever "
         "search fails, so it cannot be more critical in practice"),
        ("SL702", "checkout", f"{s}:69",
         "search recovers in up to 24h (its RTO), not less than the RTO of 2h that checkout promises, which "
         "leaves no time to recover checkout itself; it is a hard dependency"),
        ("SL703", "checkout", f"{s}:69",
         "search may lose up to 24h of data (its RPO), more than the RPO of 5m that checkout promises; "
         "it is a hard dependency"),
        ("SL705", "checkout", f"{s}:69",
         "search offers 99.0%, but a hard dependency of a 99.95% service needs one more nine: 99.995% "
         "or a fallback"),
    ]  # fmt: skip


def test_shop_cli_run_lists_the_same_sl7xx_lines(capsys, monkeypatch) -> None:
    run = run_cli(["check", "examples/shop", "--now", NOW], capsys, monkeypatch, ROOT)
    ids = [m.group(1) for line in run.lines if (m := re.search(r"\b(SL7\d\d)\b", line))]
    assert ids == ["SL704", "SL705", "SL701", "SL702", "SL703", "SL705"]


def _two_repos(tmp_path: Path) -> tuple[Path, Path]:
    """`platform` exports ledger (tier 0); `shop` depends on it and on a missing service."""
    platform = tmp_path / "platform"
    (platform / ".git").mkdir(parents=True)
    write(platform, "ledger/shiftleft.yaml", good_manifest("ledger", 0).replace("rto: 30m", "rto: 2h"))
    shop = tmp_path / "shop"
    (shop / ".git").mkdir(parents=True)
    write(shop, "checkout/shiftleft.yaml", good_manifest("checkout", 1)
          + "  dependencies:\n    - {service: ledger, hard: true}\n    - {service: nowhere, hard: true}\n")  # fmt: skip
    return platform, shop


def test_cross_repo_catalog_resolves_dependencies(tmp_path: Path, capsys, monkeypatch) -> None:
    platform, shop = _two_repos(tmp_path)
    before = run_cli(["check", "--now", NOW], capsys, monkeypatch, shop)
    assert [line.split(" ", 1)[0] for line in before.lines if " SL70" in line] == [
        "checkout/shiftleft.yaml:36:17:",
        "checkout/shiftleft.yaml:37:17:",
    ]
    # The exported catalog is brought into the repository (configured paths are confined to it).
    assert run_cli(["catalog", "export", "-o", "../shop/platform.json"], capsys, monkeypatch, platform).code == 0
    (shop / ".shiftleft.toml").write_text('catalogs = ["platform.json"]\nseverity = {SL706 = "low"}\n')
    after = run_cli(["check", "--now", NOW], capsys, monkeypatch, shop)
    graph_lines = [line for line in after.lines if " SL70" in line]
    assert [line.split(" ", 3)[:3] for line in graph_lines] == [
        ["checkout/shiftleft.yaml:36:17:", "HIGH", "SL702"],  # ledger (tier 0, RTO 2h) now resolves
        ["checkout/shiftleft.yaml:36:17:", "MEDIUM", "SL705"],  # 99.95% is not one more nine than 99.95%
        ["checkout/shiftleft.yaml:37:17:", "LOW", "SL706"],  # severity lowered for a partial catalog
    ]
    assert (
        "ledger recovers in up to 2h (its RTO), not less than the RTO of 30m that checkout promises" in graph_lines[0]
    )
    config = run_cli(["config"], capsys, monkeypatch, shop)
    assert any(line.startswith("catalogs = [") and "platform.json" in line for line in config.lines)


V1 = '{"shiftleft_catalog": 1, "services": '


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "catalog is not JSON: Expecting value"),
        ('{"services": []}', "not a shiftleft catalog (no shiftleft_catalog version)"),
        ('{"shiftleft_catalog": 2, "services": []}',
         "catalog version 2 is not supported (this shiftleft reads version 1)"),
        (V1 + "{}}", "catalog: services must be a list"),
        (V1 + '[{"name": "Bad Name"}]}', "catalog: services[0].name must be a service name"),
        (V1 + '[{"name": "a", "rto": "soon"}]}', "catalog: services[0]: 'soon' is not a duration"),
        (V1 + '[{"name": "a"}, {"name": "a"}]}', "catalog: services[1]: service 'a' is listed twice"),
    ],
)  # fmt: skip
def test_bad_catalog_file_is_a_one_line_configuration_error(
    tmp_path: Path, capsys, monkeypatch, content: str, message: str
) -> None:
    _, shop = _two_repos(tmp_path)
    (shop / "bad.json").write_text(content)
    (shop / ".shiftleft.toml").write_text('catalogs = ["bad.json"]\n')
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, shop)
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1
    assert "bad.json" in run.err and message in run.err


def test_missing_catalog_file_is_a_configuration_error(tmp_path: Path, capsys, monkeypatch) -> None:
    _, shop = _two_repos(tmp_path)
    (shop / ".shiftleft.toml").write_text('catalogs = ["absent.json"]\n')
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, shop)
    assert run.code == 2 and "catalog file 'absent.json' does not exist" in run.err


def test_every_sl7xx_rule_has_an_exact_fixture_expectation() -> None:
    shipped = sorted(p.name[:5] for p in (ROOT / "rules" / "dependencies").glob("SL7*.yaml"))
    assert shipped == [f"SL7{n:02d}" for n in range(1, 22)]
    assert sorted({f[0] for f in sl7(ESTATE, ORG)}) == shipped
