"""examples/shop exercises the default catalog: exact findings as of 2026-11-25.

Only rules below SL700 are asserted here; the graph (SL7xx) and evidence
(SL8xx) catalogs have their own expectations.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from shiftleft.discover import discover
from shiftleft.engine import Settings, evaluate
from shiftleft.findings import Finding, Severity
from shiftleft.manifest import model
from shiftleft.policy import catalog as catalog_mod
from shiftleft.policy import tiers as tiers_mod
from tests.helpers import ROOT

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


# -- governance: the shop's waivers and a downgrade, through the CLI ---------------------------------------


def test_shop_waivers_through_the_cli(capsys, monkeypatch) -> None:
    from tests.helpers import run_cli

    run = run_cli(["check", "examples/shop", "--now", "2026-11-25", "--format", "json"], capsys, monkeypatch, ROOT)
    import json

    document = json.loads(run.out)
    governed = [
        (f["rule"], f["service"], f"{f['location']['file']}:{f['location']['line']}", f["failing"],
         f["waiver"]["source"] if f["waiver"] else None)
        for f in document["findings"] if f["rule"] in ("SL315", "SL104") or f["rule"] >= "SL900"
    ]  # fmt: skip
    assert governed == [
        ("SL104", "reporting-batch", f"{SHOP}/reporting-batch/shiftleft.yaml:8", False, None),
        ("SL904", "reporting-batch", f"{SHOP}/reporting-batch/shiftleft.yaml:60", True, None),
        ("SL315", "search", f"{SHOP}/search/shiftleft.yaml:38", False, f"{SHOP}/search/shiftleft.yaml:58"),
    ]
    assert (run.code, document["run"]["findings"], document["run"]["failing"], document["run"]["waived"]) == (
        1, 17, 13, 1)  # fmt: skip


def test_readme_quotes_the_shop_run_as_it_is(capsys, monkeypatch) -> None:
    from tests.helpers import run_cli

    # As the README's first command runs it: with evidence (warm when tests/evidence ran first).
    run = run_cli(["check", "examples/shop", "--evidence", "--now", "2026-11-25"], capsys, monkeypatch, ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quoted = re.split(r"You will\s+see, among\s+\d+ findings:\n\n```\n", readme, maxsplit=1)[1].split("```", 1)[0]
    for line in quoted.splitlines():
        if line != "...":
            assert any(out.startswith(line.removesuffix("...")) for out in run.lines), line


def test_readme_downgrade_walkthrough(tmp_path: Path, capsys, monkeypatch) -> None:
    """README: lower checkout to tier 3 and let `--base HEAD` judge: fewer findings, but SL911 at the tier."""
    import shutil

    from tests.e2e.governance.test_governance_base import commit, git
    from tests.helpers import run_cli

    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", repo / "examples")
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "shop")
    manifest = repo / SHOP / "checkout" / "shiftleft.yaml"
    manifest.write_text(manifest.read_text().replace("\n  tier: 1\n", "\n  tier: 3\n"))
    run = run_cli(["check", "examples/shop", "--now", "2026-11-25", "--base", "HEAD"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert (
        f"{SHOP}/checkout/shiftleft.yaml:15:9: HIGH SL911 tier-lowered tier lowered from 1 to 3 since HEAD" in run.lines
    )
    assert run.lines[0] == f"checkout (tier 3, {SHOP}/checkout/shiftleft.yaml): 4 findings"
