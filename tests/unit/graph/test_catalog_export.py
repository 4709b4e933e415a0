"""`shiftleft catalog export`: the versioned JSON catalog, and reading it back."""

from __future__ import annotations

import json
from pathlib import Path

from shiftleft.graph import catalogfile
from tests.helpers import ROOT, run_cli, write


def test_export_shop_to_stdout(capsys, monkeypatch) -> None:
    run = run_cli(["catalog", "export", "examples/shop"], capsys, monkeypatch, ROOT)
    assert run.code == 0
    data = json.loads(run.out)
    assert data["shiftleft_catalog"] == 1 and data["generated_by"] == "shiftleft"
    names = [s["name"] for s in data["services"]]
    assert names == ["catalog", "checkout", "notifications", "payments", "reporting-batch", "search"]
    checkout = data["services"][1]
    assert {k: checkout[k] for k in ("tier", "slo", "rto", "rpo", "owner")} == {
        "tier": 1, "slo": 99.95, "rto": "2h", "rpo": "5m", "owner": "team-checkout"
    }  # fmt: skip
    assert checkout["dependencies"][:2] == [
        {"service": "payments", "hard": True, "fallback": False},
        {"service": "search", "hard": True, "fallback": False},
    ]
    payments = data["services"][3]
    assert payments["suppliers"] == [
        {"name": "stripe", "hard": True, "fallback": True, "sla": {"availability": 99.99, "rto": "5m", "rpo": "1m"}}
    ]


def test_export_to_a_file_reads_back_as_graph_nodes(tmp_path: Path, capsys, monkeypatch) -> None:
    out = tmp_path / "out" / "shop.json"
    run = run_cli(["catalog", "export", "examples/shop", "-o", str(out)], capsys, monkeypatch, ROOT)
    assert run.code == 0 and run.out == ""
    nodes = {n.name: n for n in catalogfile.load(out, "shop.json")}
    search = nodes["search"]
    assert (search.tier, search.slo.value, search.rto.value, search.rto.text) == (3, 99.0, 86400, "24h")
    assert not search.local
    assert [(d.name, d.hard, d.fallback) for d in nodes["checkout"].dependencies][:2] == [
        ("payments", True, False),
        ("search", True, False),
    ]
    assert nodes["payments"].suppliers[0].availability.value == 99.99


def test_invalid_manifests_are_named_and_left_out(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    head = "apiVersion: shiftleft/v1\nkind: Service\n"
    write(tmp_path, "good/shiftleft.yaml", head + "metadata: {name: good}\nspec: {tier: 2}\n")
    write(tmp_path, "bad/shiftleft.yaml", head + "metadata: {name: bad}\nspec: {tier: two}\n")
    run = run_cli(["catalog", "export"], capsys, monkeypatch, tmp_path)
    assert run.code == 1
    assert [s["name"] for s in json.loads(run.out)["services"]] == ["good"]
    assert run.err.strip() == (
        "shiftleft: bad/shiftleft.yaml: not exported, the manifest has problems (run shiftleft check)"
    )


def test_catalog_needs_an_action(capsys, monkeypatch) -> None:
    run = run_cli(["catalog"], capsys, monkeypatch, ROOT)
    assert run.code == 2
