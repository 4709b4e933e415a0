"""`check --shard K/N` and `shiftleft merge`: the shards' merged result is the single run's, finding for finding."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shiftleft import shard
from tests.helpers import NOW, Run, good_manifest, run_cli, write

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("json", "text", "markdown", "sarif", "junit", "html")


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """24 generated services with their findings, plus an unreadable manifest, a duplicate name and
    a dependency on a service that does not exist."""
    out = tmp_path_factory.mktemp("estate") / "repo"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "24", str(out)],
                   check=True, capture_output=True, timeout=120)  # fmt: skip
    write(out, "broken/shiftleft.yaml", "apiVersion: shiftleft/v1\nkind: [unclosed\n")
    shutil.copytree(out / "svc-00003", out / "svc-00003-copy")  # the same metadata.name twice: SL009
    manifest = out / "svc-00005" / "shiftleft.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("  dependencies:\n", "  dependencies:\n    - {service: ghost, hard: true}\n", 1))
    return out


def _check(root: Path, extra: list[str], capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch) -> Run:
    return run_cli(["check", ".", "--now", NOW, "-q", *extra], capsys, mp, root)


def _outputs(folder: Path) -> dict[str, str]:
    """Each format's output; SARIF's automation id is fresh on every render by design (one per run)."""
    out = {name: (folder / f"out.{name}").read_text(encoding="utf-8") for name in FORMATS}
    out["sarif"] = re.sub(r'"shiftleft/\d{8}T\d{6}Z-[0-9a-f]{8}"', '"shiftleft/ID"', out["sarif"])
    return out


def _formats(folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    return [arg for name in FORMATS for arg in ("--format", f"{name}={folder / f'out.{name}'}")]


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_shards_merge_to_the_single_run(
    n: int, estate: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    single = _check(estate, _formats(tmp_path / "single"), capsys, monkeypatch)
    assert single.code == 1
    whole = json.loads((tmp_path / "single" / "out.json").read_text(encoding="utf-8"))
    reports, names = [], []
    for k in range(1, n + 1):
        report = tmp_path / f"shard-{k}.json"
        part = _check(estate, ["--shard", f"{k}/{n}", "--format", f"json={report}"], capsys, monkeypatch)
        doc = json.loads(report.read_text(encoding="utf-8"))
        assert doc["run"]["shard"] == {"index": k, "count": n}
        assert part.code == (0 if doc["run"]["passed"] else 1)
        assert all(shard.of(s["name"], n) == k for s in doc["services"])
        names += [s["name"] for s in doc["services"]]
        reports.append(str(report))
    assert sorted(names) == sorted(s["name"] for s in whole["services"])  # a partition of the whole
    assert len(whole["services"]) == 26
    merged = run_cli(["merge", "-q", *reports, *_formats(tmp_path / "merged")], capsys, monkeypatch, estate)
    assert merged.code == single.code == 1
    got, want = _outputs(tmp_path / "merged"), _outputs(tmp_path / "single")
    assert json.loads(got["json"])["run"]["shard"] is None
    for name in FORMATS:
        assert got[name] == want[name], name


def test_the_graph_sees_every_service_from_every_shard(
    estate: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    k = shard.of("svc-00005", 7)
    report = tmp_path / "part.json"
    _check(estate, ["--shard", f"{k}/7", "--format", f"json={report}"], capsys, monkeypatch)
    findings = json.loads(report.read_text(encoding="utf-8"))["findings"]
    unknown = [(f["service"], f["location"]["path"]) for f in findings if f["rule"] == "SL706"]
    assert unknown == [("svc-00005", "spec.dependencies[0].service")]  # ghost only: its other neighbours are known
    dup = [(f["service"], f["location"]["file"]) for f in findings if f["rule"] == "SL009"]
    assert dup == ([("svc-00003", "svc-00003-copy/shiftleft.yaml")] if shard.of("svc-00003", 7) == k else [])


def test_merge_of_repositories_and_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for repo, name in (("one", "checkout"), ("two", "payment")):
        write(tmp_path / repo, f"{name}/shiftleft.yaml", good_manifest(name, tier=2))
        assert _check(tmp_path / repo, ["--format", f"json={tmp_path / repo}.json"], capsys, monkeypatch).code == 0
    clean = run_cli(["merge", "one.json", "two.json"], capsys, monkeypatch, tmp_path)
    assert clean.code == 0
    assert "2 services" in clean.out
    bad = tmp_path / "two" / "payment" / "shiftleft.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("rto: 30m", "rto: 30d"), encoding="utf-8")
    assert _check(tmp_path / "two", ["--format", f"json={tmp_path / 'two'}.json"], capsys, monkeypatch).code == 1
    failing = run_cli(["merge", "one.json", "two.json", "--format", "json"], capsys, monkeypatch, tmp_path)
    assert failing.code == 1
    doc = json.loads(failing.out)
    assert [s["name"] for s in doc["services"]] == ["checkout", "payment"]
    assert [(f["rule"], f["service"], f["location"]["line"]) for f in doc["findings"] if f["failing"]] == [
        ("SL301", "payment", 13)
    ]
    lenient = run_cli(["merge", "one.json", "two.json", "--fail-on", "critical", "-q"], capsys, monkeypatch, tmp_path)
    assert lenient.code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"schema": "shiftleft/report-v2"}', "bad.json: schema 'shiftleft/report-v2' is not 'shiftleft/report-v1'; "
         "merge reads `check --format json` reports of this version"),
        ("{\n  \"schema\": ,\n}", "bad.json:2:13: not JSON: Expecting value"),
        ('{"schema": "shiftleft/report-v1", "run": {}}',
         "bad.json: not a complete shiftleft/report-v1 report (KeyError: 'findings')"),
    ],
)  # fmt: skip
def test_merge_refuses_what_is_not_a_report(
    content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bad.json").write_text(content, encoding="utf-8")
    refused = run_cli(["merge", "bad.json"], capsys, monkeypatch, tmp_path)
    assert (refused.code, refused.err) == (2, f"shiftleft: error: {message}\n")


def test_merge_refuses_overlaps_and_missing_shards(
    estate: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for k in (1, 2, 3):
        _check(estate, ["--shard", f"{k}/3", "--format", f"json={tmp_path / f'{k}.json'}"], capsys, monkeypatch)
    twice = run_cli(["merge", "1.json", "2.json", "3.json", "2.json"], capsys, monkeypatch, tmp_path)
    first = json.loads((tmp_path / "2.json").read_text(encoding="utf-8"))["services"][0]["name"]
    assert (twice.code, twice.err) == (2, f"shiftleft: error: merge: service {first!r} is in both 2.json and 2.json\n")
    missing = run_cli(["merge", "1.json", "3.json"], capsys, monkeypatch, tmp_path)
    assert (missing.code, missing.err) == (
        2,
        "shiftleft: error: merge: shard 2/3 missing; every shard's report is needed\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shard", "4/3"], "--shard 4/3: K must be between 1 and N (3)"),
        (["--shard", "0/3"], "--shard 0/3: K must be between 1 and N (3)"),
        (["--shard", "2"], "--shard: '2' is not K/N (this job's shard K of N, for example 2/7)"),
        (["--shard", "1/0"], "--shard 1/0: N must be between 1 and 1024"),
        (["--shard", "1/2", "--changed", "a/shiftleft.yaml"],
         "--shard splits a whole catalog between CI jobs; it does not go with --changed"),
    ],
)  # fmt: skip
def test_shard_usage_errors(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "a/shiftleft.yaml", good_manifest("a"))
    refused = run_cli(["check", *args], capsys, monkeypatch, tmp_path)
    assert (refused.code, refused.err) == (2, f"shiftleft: error: {message}\n")


def test_waivers_survive_the_merge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shop carries an inline waiver and an expired one: the merged verdict and every format keep them."""
    shop = tmp_path / "shop"
    shutil.copytree(ROOT / "examples" / "shop", shop)
    (shop / ".git").mkdir()
    single = _check(shop, ["--no-evidence", *_formats(tmp_path / "single")], capsys, monkeypatch)
    whole = json.loads((tmp_path / "single" / "out.json").read_text(encoding="utf-8"))
    assert whole["run"]["waived"] == 1 and whole["waivers"]
    reports = []
    for k in (1, 2):
        report = tmp_path / f"shard-{k}.json"
        _check(shop, ["--no-evidence", "--shard", f"{k}/2", "--format", f"json={report}"], capsys, monkeypatch)
        reports.append(str(report))
    merged = run_cli(["merge", "-q", *reports, *_formats(tmp_path / "merged")], capsys, monkeypatch, shop)
    assert merged.code == single.code == 1
    got, want = _outputs(tmp_path / "merged"), _outputs(tmp_path / "single")
    assert json.loads(got["json"])["run"]["waived"] == 1
    for name in FORMATS:
        assert got[name] == want[name], name


def test_evidence_scans_only_the_shards_services(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = tmp_path / "shop"
    shutil.copytree(ROOT / "examples" / "shop", shop)
    (shop / ".git").mkdir()
    report = tmp_path / "shard.json"
    _check(shop, ["--evidence", "--shard", "1/2", "--format", f"json={report}"], capsys, monkeypatch)
    doc = json.loads(report.read_text(encoding="utf-8"))
    mine = {s["name"] for s in doc["services"]}
    assert mine and all(shard.of(name, 2) == 1 for name in mine)
    assert doc["claims"] and {c["service"] for c in doc["claims"]} <= mine
    assert {f["service"] for f in doc["findings"]} <= mine


@pytest.mark.parametrize("n", [2, 3])
def test_waiver_file_entries_of_no_service_merge_without_a_clash(
    n: int, estate: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A waiver for a service that does not exist is reported under the waiver file (a "service" of no shard's
    catalog): exactly one shard reports it, and a real service's waiver problem stays with its service."""
    repo = tmp_path / "repo"
    shutil.copytree(estate, repo)
    (repo / ".git").mkdir()
    entry = "  - {{rule: SL301, service: {0}, reason: r, approved_by: board, ticket: T-1, expires: '{1}'}}\n"
    write(repo, "shiftleft-waivers.yaml", "waivers:\n" + entry.format("ghost", "2027-01-31")
          + entry.format("svc-00007", "2026-01-01") + "  - {rule: SL301}\n")  # fmt: skip
    single = _check(repo, _formats(tmp_path / "single"), capsys, monkeypatch)
    whole = json.loads((tmp_path / "single" / "out.json").read_text(encoding="utf-8"))
    by_file = [(f["rule"], f["service"], f["location"]["line"]) for f in whole["findings"]
               if f["location"]["file"] == "shiftleft-waivers.yaml"]  # fmt: skip
    assert sorted(by_file) == [("SL901", "shiftleft-waivers.yaml", 4), ("SL902", "ghost", 2), ("SL904", "svc-00007", 3)]
    reports, waiver_file_shards = [], []
    for k in range(1, n + 1):
        report = tmp_path / f"shard-{k}.json"
        _check(repo, ["--shard", f"{k}/{n}", "--format", f"json={report}"], capsys, monkeypatch)
        doc = json.loads(report.read_text(encoding="utf-8"))
        if any(s["name"] == "shiftleft-waivers.yaml" for s in doc["services"]):
            waiver_file_shards.append(k)
        reports.append(str(report))
    assert waiver_file_shards == [shard.of("shiftleft-waivers.yaml", n)]
    merged = run_cli(["merge", "-q", *reports, *_formats(tmp_path / "merged")], capsys, monkeypatch, repo)
    assert merged.code == single.code == 1
    got, want = _outputs(tmp_path / "merged"), _outputs(tmp_path / "single")
    for name in FORMATS:
        assert got[name] == want[name], name
