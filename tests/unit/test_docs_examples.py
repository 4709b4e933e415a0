"""Every TOML and YAML example in README.md and docs/ is accepted by the tool, so the docs cannot drift.

A configuration example is written as `.shiftleft.toml` (or `pyproject.toml`
when it carries a `[tool.shiftleft]` table) into a fresh repository, with the
files it names, and `shiftleft config` must accept it. A manifest example
must load without a validity finding (SL0xx). A rule example must match the
shipped rule it shows. Anything else (workflows, pre-commit configuration)
must at least parse, and name only hooks and inputs that exist.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from shiftleft.policy.catalog import rule_files
from tests.helpers import ROOT, run_cli, write

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(toml|yaml)\n(.*?)^```", re.M | re.S)


def _blocks(lang: str) -> list[Any]:
    out = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            if m.group(1) == lang:
                line = text.count("\n", 0, m.start()) + 2
                out.append(pytest.param(m.group(2), id=f"{doc.relative_to(ROOT)}:{line}"))
    return out


def test_the_docs_have_examples_of_each_kind() -> None:
    # The parametrised tests below must not pass by finding nothing.
    assert len(_blocks("toml")) >= 4
    assert len(_blocks("yaml")) >= 10


def _repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def _provide(repo: Path, settings: dict[str, Any]) -> None:
    """Create the files and folders a configuration example names, so only the example itself is judged."""
    for folder in settings.get("rules", []):
        (repo / folder).mkdir(parents=True, exist_ok=True)
    if "tiers" in settings:
        target = repo / settings["tiers"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "rules" / "tiers.yaml", target)
    for catalog in settings.get("catalogs", []):
        target = (repo / catalog).resolve()
        if target.is_relative_to(repo.resolve()):  # one outside the repository is refused, and so is the example
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps({"shiftleft_catalog": 1, "services": []}), encoding="utf-8")


@pytest.mark.parametrize("text", _blocks("toml"))
def test_configuration_example_is_accepted(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tomllib.loads(text)
    repo = _repo(tmp_path)
    named = re.match(r"# (\.shiftleft\.toml|pyproject\.toml)\b", text)  # the file the example says it is
    in_pyproject = named.group(1) == "pyproject.toml" if named else "tool" in data
    settings = data["tool"]["shiftleft"] if in_pyproject else data
    _provide(repo, settings)
    (repo / ("pyproject.toml" if in_pyproject else ".shiftleft.toml")).write_text(text, encoding="utf-8")
    run = run_cli(["config"], capsys, monkeypatch, repo)
    assert run.code == 0, run.err


def _is_manifest(data: Any) -> bool:
    """A whole manifest; a fragment showing one line (the schema modeline) only has to parse."""
    return isinstance(data, dict) and data.get("apiVersion") == "shiftleft/v1" and "kind" in data


@pytest.mark.parametrize("text", [p for p in _blocks("yaml") if _is_manifest(yaml.safe_load(p.values[0]))])
def test_manifest_example_is_valid(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path)
    write(repo, "svc/shiftleft.yaml", text)
    for name in re.findall(r"\b(docs/[\w./-]+\.md)\b", text):  # the documents it names
        write(repo, f"svc/{name}", "# doc\n")
    for name in re.findall(r"\b(?:code|infrastructure): \[([\w, /-]+)\]", text):
        for folder in name.split(","):
            (repo / "svc" / folder.strip()).mkdir(parents=True, exist_ok=True)
    out = repo / "out.json"
    run = run_cli(["check", "svc", "--now", "2026-11-25", "--format", f"json={out}", "-q"], capsys, monkeypatch, repo)
    assert run.code in (0, 1), run.err
    findings = json.loads(out.read_text())["findings"]
    # SL014 (what the tier requires) is policy, not validity: a short example need not declare everything
    validity = [f"{f['rule']} {f['message']}" for f in findings if f["rule"].startswith("SL0") and f["rule"] != "SL014"]
    assert validity == []


def test_rule_example_matches_the_shipped_rule() -> None:
    (text,) = [p.values[0] for p in _blocks("yaml") if re.match(r"id: SL\d{3}\n", p.values[0])]
    shown = yaml.safe_load(text)
    (path,) = [p for p in rule_files(ROOT / "rules") if p.name.startswith(shown["id"] + "-")]
    shipped = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in shown.items():
        if value in ("...", {"fail": "...", "pass": "..."}):
            continue  # abbreviated in the docs
        if isinstance(value, list):  # the docs show some of the references
            missing = [v for v in value if v not in shipped[key]]
            assert missing == [], f"README's {shown['id']} example shows {key} that {path.name} lacks: {missing}"
        else:
            assert shipped[key] == value, f"README's {shown['id']} example differs from {path.name} in {key!r}"


def _hook_ids() -> set[str]:
    return {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}


def _action_inputs() -> set[str]:
    return set(yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["inputs"])


@pytest.mark.parametrize("text", [p for p in _blocks("yaml") if not _is_manifest(yaml.safe_load(p.values[0]))])
def test_other_yaml_example_parses_and_names_what_exists(text: str) -> None:
    data = yaml.safe_load(text)
    assert data is not None
    for repo in data.get("repos", []) if isinstance(data, dict) else []:
        for hook in repo["hooks"]:
            assert hook["id"] in _hook_ids(), f"hook {hook['id']!r} is not in .pre-commit-hooks.yaml"
    steps = data if isinstance(data, list) else (data.get("steps") or [])
    if isinstance(data, dict) and "jobs" in data:
        steps = [s for job in data["jobs"].values() for s in job.get("steps", [])]
    for step in steps:
        if "shiftleft" in str(step.get("uses", "")) and "codeql" not in str(step.get("uses", "")):
            unknown = set(step.get("with") or {}) - _action_inputs()
            assert unknown == set(), f"action inputs that do not exist: {sorted(unknown)}"
