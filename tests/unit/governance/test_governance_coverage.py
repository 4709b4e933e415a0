"""Honest framework coverage: only services in a framework's scope count; below the gate is not satisfied."""

from __future__ import annotations

from shiftleft import pipeline
from shiftleft.formatters import portfolio
from tests.formatters.results import run_result
from tests.helpers import ROOT


def rows(controls: tuple[portfolio.Control, ...]) -> dict[tuple[str, str], tuple[int, ...]]:
    """(framework, control): (satisfy, fail, below, waive, not assessed, out of scope)."""
    return {(c.framework, c.control): (c.satisfy, c.fail, c.below, c.waive, c.not_assessed, c.out_of_scope)
            for c in controls}  # fmt: skip


def test_fixture_counts_scope_and_findings_below_the_gate() -> None:
    assert rows(portfolio.build(run_result()).controls) == {
        ("nist-800-53", "CP-2"): (1, 1, 0, 0, 0, 2),  # checkout fails SL301; payments satisfies; 2 out of scope
        ("nist-800-53", "CP-10"): (1, 1, 0, 0, 0, 2),
        ("nist-800-53", "IR-8"): (1, 0, 1, 0, 0, 2),  # checkout's SL401 is medium: below the gate, not satisfied
        ("iso-27001", "8.14"): (0, 0, 0, 0, 0, 4),  # nobody declares ISO 27001
        ("soc2", "A1.1"): (1, 1, 0, 0, 0, 2),
        ("iso-22301", "8.4"): (1, 0, 1, 0, 0, 2),  # search's SL701 is low
        ("dora", "Art. 11"): (0, 1, 0, 0, 0, 3),
    }


def test_a_waived_finding_counts_as_waived_not_satisfied() -> None:
    from shiftleft.findings import Waiver

    result = run_result()
    waiver = Waiver("SL301", "checkout", "r", "board", "T-1", None, "w.yaml:2")
    services = tuple(s._replace(findings=tuple(f._replace(waiver=waiver) if f.rule == "SL301" else f
                                               for f in s.findings)) for s in result.services)  # fmt: skip
    controls = rows(portfolio.build(run_result(services)).controls)
    assert controls[("nist-800-53", "CP-2")] == (1, 0, 0, 1, 0, 2)


def test_exact_coverage_on_the_shop(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    outcome = pipeline.run(["examples/shop"], config_file=None, fail_on=None, now=pipeline.parse_now("2026-11-25"),
                           cwd=ROOT)  # fmt: skip
    controls = rows(portfolio.build(outcome.result).controls)
    # PCI DSS: only checkout and payments declare it; both have an SBOM and pass SL511.
    assert controls[("pci-dss", "6.3.2")] == (2, 0, 0, 0, 0, 4)
    # SOC 2 A1.1 (SLO): search and reporting-batch fail SL202; checkout does not declare SOC 2.
    assert controls[("soc2", "A1.1")] == (3, 2, 0, 0, 0, 1)
    # Nobody in the shop declares NIST 800-53: nothing is counted as satisfying it.
    assert {v for (fw, _c), v in controls.items() if fw == "nist-800-53"} == {(0, 0, 0, 0, 0, 6)}


def test_services_sharing_a_name_are_each_counted_with_their_own_findings() -> None:
    """Two manifests named `checkout` (SL009): the failing one fails CP-2, the clean copy satisfies it. (Counted by
    name, both took the last one's findings: a fail hidden, or counted twice.)"""
    result = run_result()
    checkout = next(s for s in result.services if s.name == "checkout")
    clean = checkout._replace(file="services/checkout2/shiftleft.yaml", findings=())
    assert rows(portfolio.build(run_result((*result.services, clean))).controls)[("nist-800-53", "CP-2")] == (
        2, 1, 0, 0, 0, 2,
    )  # fmt: skip
