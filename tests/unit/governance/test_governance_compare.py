"""`report --compare PREVIOUS.json`: new, fixed, waived and expired since a previous run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import NOW, good_manifest, run_cli, write

CHECKOUT = "services/checkout/shiftleft.yaml"
SEARCH = "services/search/shiftleft.yaml"
WAIVER = ("waivers:\n  - {rule: SL301, service: checkout, reason: r, approved_by: board, ticket: T-1, "
          "expires: 2027-01-31}\n")  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root, CHECKOUT, good_manifest().replace("rto: 30m", "rto: 2h").replace("retention: 35d", "retention: 14d"))
    write(root, SEARCH, good_manifest("search", 1))
    return root


def changes(repo: Path, capsys, monkeypatch) -> list[str]:
    run = run_cli(["report", "--now", NOW, "--compare", "previous.json", "--format", "markdown", "-o", "-"],
                  capsys, monkeypatch, repo)  # fmt: skip
    assert run.code == 0, run.err
    section = run.out.split("### Since the previous run\n\n", 1)[1].split("\n### ", 1)[0]
    return [line for line in section.splitlines() if line]


def test_new_fixed_waived_and_expired(repo: Path, capsys, monkeypatch) -> None:
    write(repo, "shiftleft-waivers.yaml", WAIVER)
    assert run_cli(["check", "--now", NOW, "--format", "json=previous.json"], capsys, monkeypatch, repo).code == 0
    # Since then: the waiver is gone (SL301 fails again), retention fixed, search's RPO loosened.
    (repo / "shiftleft-waivers.yaml").unlink()
    checkout = repo / CHECKOUT
    checkout.write_text(checkout.read_text().replace("retention: 14d", "retention: 35d"))
    search = repo / SEARCH
    search.write_text(search.read_text().replace("rpo: 5m", "rpo: 30m"))
    assert changes(repo, capsys, monkeypatch) == [
        "Compared with previous.json (2026-11-25): **1 new**, 1 expired waiver, 0 newly waived, 1 fixed.",
        "| change | service | rule | message |",
        "|---|---|---|---|",
        "| new | search | SL302 | RPO 30m exceeds the tier 1 (mission-critical) ceiling of 15m |",
        "| expired | checkout | SL301 | RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h |",
        "| fixed | checkout | SL315 | backup retention 14d is below the tier 1 (mission-critical) floor of 35d |",
    ]
    write(repo, "shiftleft-waivers.yaml", WAIVER)
    assert changes(repo, capsys, monkeypatch)[3:] == [
        "| new | search | SL302 | RPO 30m exceeds the tier 1 (mission-critical) ceiling of 15m |",
        "| fixed | checkout | SL315 | backup retention 14d is below the tier 1 (mission-critical) floor of 35d |",
    ]


def test_newly_waived_and_per_framework_in_html(repo: Path, capsys, monkeypatch) -> None:
    assert run_cli(["check", "--now", NOW, "--format", "json=previous.json"], capsys, monkeypatch, repo).code == 1
    write(repo, "shiftleft-waivers.yaml", WAIVER)
    assert changes(repo, capsys, monkeypatch)[0] == (
        "Compared with previous.json (2026-11-25): **0 new**, 0 expired waivers, 1 newly waived, 0 fixed."
    )
    run = run_cli(["report", "--now", NOW, "--compare", "previous.json", "-o", "-"], capsys, monkeypatch, repo)
    assert ('<tr><td class="svc">checkout</td><td class="num">0</td><td class="num">0</td><td class="num">1</td>'
            '<td class="num">0</td></tr>') in run.out  # fmt: skip
    assert ('<tr><td>nist-800-53</td><td class="num">0</td><td class="num">0</td><td class="num">1</td>'
            '<td class="num">0</td></tr>') in run.out  # fmt: skip


def test_a_previous_file_that_is_not_a_report_is_exit_2(repo: Path, capsys, monkeypatch) -> None:
    write(repo, "previous.json", json.dumps({"schema": "shiftleft/baseline-v1", "findings": []}))
    run = run_cli(["report", "--now", NOW, "--compare", "previous.json", "-o", "-"], capsys, monkeypatch, repo)
    assert (run.code, run.err) == (2, "shiftleft: error: previous.json: --compare: not a shiftleft/report-v1 report "
                                      "(write one with `shiftleft check --format json=FILE`)\n")  # fmt: skip
