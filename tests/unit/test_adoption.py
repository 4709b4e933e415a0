"""What stopped or misled a first-time user (issue 12): each with the exact message or behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shiftleft.manifest.values import cel_duration, format_seconds, parse_duration
from tests.helpers import NOW, ROOT, good_manifest, run_cli, write


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    ("text", "seconds", "cel", "shown"),
    [
        ("1500ms", 1.5, "1500ms", "1s500ms"),
        ("250ms", 0.25, "250ms", "250ms"),
        ("1s500ms", 1.5, "1500ms", "1s500ms"),
        ("2000ms", 2, "2s", "2s"),
        ("1m30s", 90, "90s", "1m30s"),
        ("15m", 900, "900s", "15m"),
    ],
)
def test_durations_accept_milliseconds(text: str, seconds: float, cel: str, shown: str) -> None:
    value = parse_duration(text)
    assert value == seconds
    assert isinstance(parse_duration("15m"), int)  # whole seconds stay exact integers
    assert cel_duration(value) == cel
    assert format_seconds(value) == shown


def test_latency_in_milliseconds_is_a_valid_threshold(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = good_manifest().replace(
        "major: {error_rate: 5%, duration: 5m}", "major: {latency_p99: 1500ms, duration: 5m}"
    )
    assert "latency_p99: 1500ms" in text
    write(repo, "checkout/shiftleft.yaml", text)
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 0, run.out
    assert run.lines[-1] == "ok: 1 service checked, no findings"


def test_a_fraction_is_still_not_a_duration(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "checkout/shiftleft.yaml", good_manifest().replace("rto: 30m", "rto: 1.5h"))
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 1
    assert (
        "checkout/shiftleft.yaml:13:10: CRITICAL SL007 bad-duration-or-date spec.continuity.rto: '1.5h' is not a "
        "duration; write a number and a unit ms, s, m, h, d or w (250ms, 30s, 15m, 4h, 1h30m, 30d, 2w)"
    ) in run.lines


@pytest.mark.parametrize(("typed", "meant"), [("chek", "check"), ("rule", "rules"), ("raport", "report")])
def test_a_mistyped_command_is_named(
    typed: str, meant: str, repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = run_cli([typed], capsys, monkeypatch, repo)
    assert run.code == 2
    assert run.err == (
        f"shiftleft: error: unknown command {typed!r}; did you mean `shiftleft {meant}`? "
        "(commands: check, schema, config, rules, report, init, catalog, baseline, merge)\n"
    )


def test_a_folder_named_like_a_command_is_still_checked(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "chek/shiftleft.yaml", good_manifest("chek"))
    run = run_cli(["chek", "--now", NOW], capsys, monkeypatch, repo)
    assert (run.code, run.lines[-1]) == (0, "ok: 1 service checked, no findings")


def test_a_word_close_to_no_command_is_a_missing_path(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = run_cli(["services"], capsys, monkeypatch, repo)
    assert (run.code, run.err) == (2, "shiftleft: error: path not found: services\n")


def test_init_creates_the_service_folder(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = run_cli(["init", "services/orders", "--tier", "2"], capsys, monkeypatch, repo)
    assert run.code == 0, run.err
    assert run.lines[0] == "created services/orders/"
    assert run.lines[1].startswith("wrote services/orders/shiftleft.yaml: tier 2 (business-critical), ")
    assert (repo / "services" / "orders" / "shiftleft.yaml").is_file()


def test_init_with_a_bad_tier_creates_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = run_cli(["init", "services/orders", "--tier", "9"], capsys, monkeypatch, repo)
    assert run.code == 2
    assert run.err == "shiftleft: error: --tier: no tier 9 in the tier policy (it has 0, 1, 2, 3, 4)\n"
    assert not (repo / "services").exists()


def test_init_refuses_a_file_in_the_way(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "services/orders", "not a folder\n")
    run = run_cli(["init", "services/orders", "--tier", "2"], capsys, monkeypatch, repo)
    assert (run.code, run.err) == (2, "shiftleft: error: services/orders: not a directory\n")
    assert (repo / "services" / "orders").read_text() == "not a folder\n"


def test_reports_to_files_keep_the_text_on_the_terminal(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "checkout/shiftleft.yaml", good_manifest().replace("rto: 30m", "rto: 2h"))
    run = run_cli(["check", ".", "--now", NOW, "--format", "json=out.json"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines[-1] == "1 finding in 1 of 1 service (1 high); 1 at or above --fail-on high: failed"
    assert json.loads((repo / "out.json").read_text())["run"]["findings"] == 1


def test_quiet_with_reports_to_files_prints_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "checkout/shiftleft.yaml", good_manifest().replace("rto: 30m", "rto: 2h"))
    run = run_cli(["check", ".", "--now", NOW, "--format", "json=out.json", "-q"], capsys, monkeypatch, repo)
    assert (run.code, run.out) == (1, "")


def test_a_pyproject_table_in_shiftleft_toml_says_what_to_do(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "checkout/shiftleft.yaml", good_manifest())
    write(repo, ".shiftleft.toml", '# org policy\n[tool.shiftleft]\nfail_on = "high"\n')
    run = run_cli(["check", "."], capsys, monkeypatch, repo)
    assert run.code == 2
    assert run.err.startswith(
        "shiftleft: error: .shiftleft.toml:2: unknown setting 'tool' (in .shiftleft.toml the settings are at the "
        "top level: drop the [tool.shiftleft] header); known: "
    )


def test_the_summary_counts_one_service_in_the_singular(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "checkout/shiftleft.yaml", good_manifest().replace("rto: 30m", "rto: 2h"))
    run = run_cli(["check", ".", "--now", NOW, "--format", "markdown"], capsys, monkeypatch, repo)
    assert "in **1 of 1 service**" in run.out
    assert "1 services" not in run.out


def test_a_path_outside_names_the_repository_root_it_used(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "checkout/shiftleft.yaml", good_manifest().replace("plan: docs/dr-plan.md", "plan: ../../dr.md"))
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 1
    assert (
        f"checkout/shiftleft.yaml:16:11: CRITICAL SL008 path-outside-repository spec.continuity.plan: '../../dr.md' "
        f"points outside the repository ({repo.resolve()}, the folder holding .git)"
    ) in run.lines


@pytest.mark.parametrize("store", ["kubernetes", "external-secrets", "aws-secrets-manager", "azure-key-vault", "sops"])
def test_secret_stores_real_teams_use_are_accepted(
    store: str, repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = good_manifest().replace("    secrets: vault\n", f"    secrets: {store}\n")
    write(repo, "checkout/shiftleft.yaml", text)
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert (run.code, run.lines[-1]) == (0, "ok: 1 service checked, no findings")


def test_an_unknown_secret_store_is_still_an_error(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = good_manifest().replace("    secrets: vault\n", "    secrets: kubernetess\n")
    write(repo, "checkout/shiftleft.yaml", text)
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines[1].startswith("checkout/shiftleft.yaml:31:14: CRITICAL SL006 invalid-value spec.security.secrets ")
    assert run.lines[1].endswith(", kubernetes, environment, none, not 'kubernetess' (did you mean 'kubernetes'?)")


DEPENDS_ON_PAYMENTS = "  dependencies:\n    - {service: payments, hard: true}\n"


def test_checking_one_folder_keeps_the_whole_catalog_as_context(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "services/checkout/shiftleft.yaml", good_manifest("checkout").replace("rto: 30m", "rto: 45m") + DEPENDS_ON_PAYMENTS)
    write(repo, "services/payments/shiftleft.yaml", good_manifest("payments").replace("slo: 99.95", "slo: 99.995"))
    run = run_cli(["check", "services/checkout", "--now", NOW, "-v"], capsys, monkeypatch, repo)
    assert "SL706" not in run.out  # payments is known, though its folder was not named
    assert (run.code, run.lines[-1]) == (0, "ok: 1 service checked, no findings")


def test_a_folder_check_reports_only_the_services_under_it(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "services/checkout/shiftleft.yaml", good_manifest("checkout").replace("rto: 30m", "rto: 2h"))
    write(repo, "services/payments/shiftleft.yaml", good_manifest("payments").replace("rto: 30m", "rto: 3h"))
    run = run_cli(["check", "services/payments", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 1
    assert [line for line in run.lines if " SL" in line] == [
        "services/payments/shiftleft.yaml:13:10: HIGH SL301 rto-within-tier RTO 3h exceeds the tier 1 "
        "(mission-critical) ceiling of 1h"
    ]


def test_an_unknown_dependency_is_still_unknown_from_a_folder(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "services/checkout/shiftleft.yaml", good_manifest("checkout") + DEPENDS_ON_PAYMENTS)
    run = run_cli(["check", "services/checkout", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 1
    assert any(line.startswith("services/checkout/shiftleft.yaml:36:17: HIGH SL706 ") for line in run.lines), run.out


def test_a_wrong_value_no_longer_hides_the_other_findings(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = good_manifest().replace("  tier: 1\n", "  tier: 1\n  lifecycle: productoin\n").replace("rto: 30m", "rto: 2h")
    write(repo, "checkout/shiftleft.yaml", text)
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines[1:3] == [
        "checkout/shiftleft.yaml:8:14: CRITICAL SL006 invalid-value spec.lifecycle must be one of experimental, "
        "production, deprecated, not 'productoin' (did you mean 'production'?)",
        "checkout/shiftleft.yaml:14:10: HIGH SL301 rto-within-tier RTO 2h exceeds the tier 1 (mission-critical) "
        "ceiling of 1h",
    ]
    assert run.lines[-1] == "2 findings in 1 of 1 service (1 critical, 1 high); 2 at or above --fail-on high: failed"


def test_rules_reading_a_wrong_value_wait_for_it(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # rto is wrong: SL301 (reads spec.continuity.rto) must not claim it is missing or judge it.
    write(repo, "checkout/shiftleft.yaml", good_manifest().replace("rto: 30m", "rto: 30 minutes"))
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert [line.split(" ")[2] for line in run.lines if line.startswith("checkout/")] == ["SL007"]


def test_a_wrong_list_item_takes_its_list_out_but_not_the_rest(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = good_manifest().replace("rto: 30m", "rto: 2h") + "  dependencies:\n    - {service: payments, hard: maybe}\n"
    write(repo, "checkout/shiftleft.yaml", text)
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    rules = [line.split(" ")[2] for line in run.lines if line.startswith("checkout/")]
    assert rules == ["SL006", "SL301"]  # no SL706 for a list that is not valid yet


def test_an_unknown_tier_still_stops_at_the_schema(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "checkout/shiftleft.yaml", good_manifest().replace("tier: 1", "tier: one"))
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert [line.split(" ")[2] for line in run.lines if line.startswith("checkout/")] == ["SL006"]


SHOP = ROOT / "examples" / "shop"


@pytest.fixture(scope="module")
def shop_view() -> object:
    import datetime as dt

    from shiftleft import pipeline
    from shiftleft.formatters import portfolio

    now = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    outcome = pipeline.run(["."], config_file=None, fail_on=None, now=now, cwd=SHOP)
    return portfolio.build(outcome.result)


def test_the_report_shows_people_data_scope_and_review(shop_view: object) -> None:
    services = {s.name: s for s in shop_view.services}  # type: ignore[attr-defined]
    payments = services["payments"]
    assert payments.people == (
        ("Service owner", "maria.santos"),
        ("Process owner", "payments-incident-lead"),
        ("On-call", "payments-primary (24x7)"),
    )
    assert (payments.data, payments.frameworks, payments.reviewed) == (
        "restricted, personal data",
        ("pci-dss", "soc2", "gdpr"),
        "2026-10-15",
    )
    reporting = services["reporting-batch"]
    assert (reporting.oncall, reporting.data, reporting.reviewed) == ("", "confidential", "")


def test_the_summary_names_on_call_and_data_of_failing_services(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = run_cli(["check", ".", "--now", NOW, "--format", "markdown"], capsys, monkeypatch, SHOP)
    assert "| service | tier | owner | on-call | data | findings | most severe |" in run.lines
    row = next(line for line in run.lines if line.startswith("| ❌ checkout |"))
    assert row.startswith(
        "| ❌ checkout | 1 mission-critical | team-checkout | checkout-primary (24x7) | confidential, personal data | 9 |"
    )


def test_graph_edges_leave_high_and_arrive_low(shop_view: object) -> None:
    """An edge out of a box and one into it never share a segment, so neither reads as the other."""
    import re

    from shiftleft.formatters import html

    layout = html.graph(shop_view)  # type: ignore[arg-type]
    mids = {n.y + html.NODE_H // 2 for n in layout["nodes"]}
    assert layout["edges"]
    for edge in layout["edges"]:
        first_y = int(re.match(r"M\d+,(\d+)", edge["d"]).group(1))  # type: ignore[union-attr]
        last_y = int(re.findall(r"V(\d+)", edge["d"])[-1])
        assert first_y + html.PORT in mids  # leaves from the upper half
        assert last_y - html.PORT in mids  # arrives in the lower half


def _promised(name: str, promise: str) -> str:
    return (
        good_manifest(name) + f"  dependencies:\n    - service: payments\n      hard: true\n      promise: {promise}\n"
    )


def _rules_of(run: object, file: str) -> list[str]:
    return [line.split(" ")[2] for line in run.lines if line.startswith(file)]  # type: ignore[attr-defined]


def test_a_promise_lets_one_service_onboard_before_its_dependency(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "checkout/shiftleft.yaml", _promised("checkout", "{tier: 1, slo: 99.995, rto: 15m, rpo: 1m}"))
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 0, run.out
    assert run.lines[1] == (
        "checkout/shiftleft.yaml:38:7: INFO SL721 dependency-judged-on-a-promise payments has no manifest yet: the "
        "dependency rules judged what its owner promised (tier 1), which nothing verifies until payments is onboarded"
    )
    assert _rules_of(run, "checkout/") == ["SL721"]


def test_the_dependency_rules_judge_the_promise(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "checkout/shiftleft.yaml", _promised("checkout", "{tier: 3, slo: 99.5, rto: 24h, rpo: 24h}"))
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 1
    assert _rules_of(run, "checkout/") == ["SL704", "SL701", "SL702", "SL703", "SL705", "SL721"]


def test_the_real_manifest_is_held_to_the_promise(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "checkout/shiftleft.yaml", _promised("checkout", "{tier: 1, slo: 99.995, rto: 15m, rpo: 1m}"))
    write(repo, "payments/shiftleft.yaml", good_manifest("payments").replace("slo: 99.95", "slo: 99.995"))
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 1
    assert (
        "checkout/shiftleft.yaml:38:7: HIGH SL719 dependency-promise-kept payments now declares RTO 30m (promised "
        "15m); RPO 5m (promised 1m): less than was promised while it had no manifest, and this service was designed "
        "against the promise"
    ) in run.lines
    assert "SL721" not in run.out


def test_each_dependent_is_judged_by_its_own_promise(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "checkout/shiftleft.yaml", _promised("checkout", "{tier: 1, slo: 99.995, rto: 15m, rpo: 1m}"))
    write(repo, "orders/shiftleft.yaml", _promised("orders", "{tier: 3, slo: 99.995, rto: 15m, rpo: 1m}"))
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert _rules_of(run, "checkout/") == ["SL721"]
    assert _rules_of(run, "orders/") == ["SL701", "SL721"]


def test_an_external_dependency_belongs_under_suppliers(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = good_manifest() + "  dependencies:\n    - {service: stripe, hard: true, external: true}\n"
    write(repo, "checkout/shiftleft.yaml", text)
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 1
    assert _rules_of(run, "checkout/") == ["SL720"]
    assert run.lines[1].startswith("checkout/shiftleft.yaml:36:47: HIGH SL720 external-dependency-is-a-supplier ")
