"""`shiftleft baseline` and `check --baseline`: fingerprints without line numbers, per service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import NOW, good_manifest, run_cli, write

CHECKOUT = "services/checkout/shiftleft.yaml"
SEARCH = "services/search/shiftleft.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root, CHECKOUT, good_manifest().replace("rto: 30m", "rto: 2h"))
    write(root, SEARCH, good_manifest("search", 1))
    return root


def check(repo: Path, capsys, monkeypatch) -> tuple[int, list[tuple[str, str, str, str | None]]]:
    run = run_cli(["check", "--now", NOW, "--baseline", "base.json", "--format", "json"], capsys, monkeypatch, repo)
    doc = json.loads(run.out)
    return run.code, [(f["rule"], f["service"], f"{f['location']['file']}:{f['location']['line']}",
                       f["waiver"]["kind"] if f["waiver"] else None) for f in doc["findings"]]  # fmt: skip


def test_round_trip(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["baseline", "--now", NOW, "-o", "base.json"], capsys, monkeypatch, repo)
    assert (run.code, run.err) == (0, "shiftleft: wrote base.json (1 finding recorded)\n")
    document = json.loads((repo / "base.json").read_text())
    assert document["schema"] == "shiftleft/baseline-v1"
    assert [(e["rule"], e["service"], e["path"]) for e in document["findings"]] == [
        ("SL301", "checkout", "spec.continuity.rto")
    ]
    assert check(repo, capsys, monkeypatch) == (0, [("SL301", "checkout", f"{CHECKOUT}:13", "baseline")])

    # Lines move (a comment block added above): still the same finding, still baselined.
    path = repo / CHECKOUT
    path.write_text("# moved\n# down\n" + path.read_text())
    assert check(repo, capsys, monkeypatch) == (0, [("SL301", "checkout", f"{CHECKOUT}:15", "baseline")])

    # The same rule in another service is new, and fails.
    other = repo / SEARCH
    other.write_text(other.read_text().replace("rto: 30m", "rto: 2h"))
    assert check(repo, capsys, monkeypatch) == (1, [
        ("SL301", "checkout", f"{CHECKOUT}:15", "baseline"),
        ("SL301", "search", f"{SEARCH}:13", None),
    ])  # fmt: skip


def test_baseline_to_stdout_and_bad_baseline_files(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["baseline", "--now", NOW, "-o", "-"], capsys, monkeypatch, repo)
    assert json.loads(run.out)["findings"][0]["rule"] == "SL301"
    write(repo, "base.json", "{not json")
    run = run_cli(["check", "--now", NOW, "--baseline", "base.json"], capsys, monkeypatch, repo)
    assert (run.code, run.err) == (
        2, "shiftleft: error: base.json:1: the baseline is not valid JSON: Expecting property name enclosed in "
           "double quotes\n")  # fmt: skip
    write(repo, "base.json", '{"findings": []}')
    run = run_cli(["check", "--now", NOW, "--baseline", "base.json"], capsys, monkeypatch, repo)
    assert run.code == 2
    assert "not a baseline file (expected schema 'shiftleft/baseline-v1'" in run.err
    run = run_cli(["check", "--now", NOW, "--baseline", "missing.json"], capsys, monkeypatch, repo)
    assert (run.code, run.err) == (2, "shiftleft: error: missing.json: cannot read the baseline: "
                                      "No such file or directory\n")  # fmt: skip
