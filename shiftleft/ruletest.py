"""`shiftleft rules test`: run every rule against its examples and fixtures.

In the spirit of `conftest verify`. Each case is a manifest and an
expectation about one rule:

- `examples.fail` of a rule must produce a finding of that rule;
  `examples.pass` must produce none. A pass example sees every path it
  declares as present; a fail example sees none (so `exists()` rules can be
  shown both ways without files on disk).
- Fixtures are real files beside the rules: `fixtures/<RULE>/fail-*.yaml` and
  `fixtures/<RULE>/pass-*.yaml` under any rule folder, evaluated where they
  are (their declared paths resolve on disk, relative to the fixture).
- In a fail example or fixture, a line with a comment starting with the rule
  id (`rto: 2h  # SL301: tier 1 allows 1h`) marks where a finding must point:
  the lines of the rule's findings must be exactly the marked lines.
- Examples are evaluated as of the rule's `examples.now` and with its
  `examples.org`; fixtures as of a `# now: YYYY-MM-DD` comment line. Otherwise
  the run's date (`--now`, default today) applies.
- `x-catalog` in a rule file lists other services of the catalog for its
  examples (name, tier, slo, rto, rpo, owner, dependencies, suppliers), so
  graph rules (SL7xx) can be shown without a second manifest.
- Governance rules (SL9xx) are not run here: their examples are waiver files
  and changes since a base commit, tested in tests/unit/governance/ and tests/e2e/governance/.
- SL009 (duplicate service name) needs two manifests: its fail case is
  evaluated as two copies of the snippet, the finding points at the second.
- SL012 and SL013 are decided by discovery: their fail case is written inside
  a vendor folder (`node_modules/`) or an excluded one (`vendor/`, with
  `exclude = ["vendor/**"]`), their pass case in `services/`, and discovered.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shiftleft.engine import Settings, evaluate
from shiftleft.findings import Severity
from shiftleft.manifest import model, yamlsafe
from shiftleft.policy.catalog import Catalog, Rule
from shiftleft.policy.required import RULE as required_rule
from shiftleft.policy.tiers import TierPolicy

_FIXTURE = re.compile(r"(pass|fail)-[A-Za-z0-9_.-]+\.ya?ml\Z")
_NOW = re.compile(r"^#\s*now:\s*([0-9]{4}-[0-9]{2}-[0-9]{2})\s*$", re.M)
_TWO_MANIFESTS = frozenset({"SL009"})
_DISCOVERED = {"SL012": ("node_modules", ()), "SL013": ("vendor", ("vendor/**",))}
"""Rule: (folder of the fail case, exclude globs)."""


@dataclass(frozen=True)
class Broken:
    """One expectation that did not hold."""

    where: str
    """file:line of the example line or fixture line concerned."""
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.rule}: {self.message}"


@dataclass
class Report:
    rules: int = 0
    cases: int = 0
    broken: list[Broken] = field(default_factory=list)
    untested: list[str] = field(default_factory=list)
    """Rules with neither a fail example nor a fail fixture."""
    evidence: list[str] = field(default_factory=list)
    """Evidence rules (SL8xx): judged by checkov and bandit, not by manifest examples; not run here."""
    checkov: str = ""
    """What `verify_checks` found out about the evidence rules' checkov check ids, for a note."""

    @property
    def passed(self) -> bool:
        return not self.broken


@dataclass(frozen=True)
class _Case:
    rule: Rule
    kind: str
    """pass or fail"""
    text: str
    shown: str
    """Where the case is, for messages (rule file or fixture file)."""
    first_line: int
    """Line in `shown` of the snippet's line 1."""
    now: str
    org: Mapping[str, Any]
    others: tuple[Any, ...] = ()
    """Graph nodes of the other services (`x-catalog`)."""
    file: Path | None = None
    """A fixture file evaluated in place; None for an example."""
    root: Path | None = None


def run(
    catalog: Catalog,
    tiers: TierPolicy,
    now: dt.datetime,
    folders: Sequence[tuple[Path, str]] = (),
    only: frozenset[str] | None = None,
) -> Report:
    """Test every rule of `catalog` (or the ids in `only`) and the fixtures in `folders`."""
    report = Report()
    cases: list[_Case] = []
    # Governance rules (SL9xx) judge waiver files and changes since a base commit, which a single
    # manifest cannot show; the governance tests (tests/unit/governance/, tests/e2e/governance/) exercise them.
    selected = [
        r for r in catalog.rules if (only is None or r.id in only) and not (r.builtin and r.category == "governance")
    ]
    report.evidence = [r.id for r in selected if is_evidence(r)]
    selected = [r for r in selected if not is_evidence(r)]
    for rule in selected:
        cases.extend(_examples(rule))
    for folder, display in folders:
        cases.extend(_fixtures(folder, display, catalog, only, report))
    report.rules = len(selected)
    with_fail = {c.rule.id for c in cases if c.kind == "fail"}
    report.untested = [r.id for r in selected if r.id not in with_fail]
    with tempfile.TemporaryDirectory(prefix="shiftleft-rules-test-") as tmp:
        for number, case in enumerate(cases):
            report.cases += 1
            report.broken.extend(_check(case, tiers, now, Path(tmp) / str(number)))
    return report


def _examples(rule: Rule) -> Iterator[_Case]:
    if not rule.examples:
        return
    path = Path(rule.file)
    text = _read(path)
    others = _others(text, rule.file) if text is not None and "x-catalog" in text else ()
    for kind in ("fail", "pass"):
        snippet = rule.examples.get(kind)
        if snippet is None:
            continue
        line = 0
        if text is not None:
            line, _col = yamlsafe.locate(text, ("examples", kind), key=True)
        yield _Case(rule, kind, snippet, rule.file, line + 1 if line else 0, rule.examples_now, rule.examples_org,
                    others)  # fmt: skip


def _others(text: str, shown: str) -> tuple[Any, ...]:
    """Graph nodes from the rule file's `x-catalog` list."""
    from shiftleft.graph import from_manifest

    data = yamlsafe.parse(text, shown)
    out = []
    for entry in data.get("x-catalog") or [] if isinstance(data, dict) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        spec: dict[str, Any] = {"tier": entry.get("tier")}
        spec["availability"] = {"slo": entry["slo"]} if "slo" in entry else {}
        spec["continuity"] = {k: entry[k] for k in ("rto", "rpo") if k in entry}
        spec["dependencies"] = entry.get("dependencies") or []
        spec["suppliers"] = entry.get("suppliers") or []
        out.append(from_manifest({"metadata": {"owner": entry.get("owner")}, "spec": spec}, entry["name"], True))
    return tuple(out)


def _others_of(rule: Rule) -> tuple[Any, ...]:
    text = _read(Path(rule.file))
    return _others(text, rule.file) if text is not None and "x-catalog" in text else ()


def _read(path: Path) -> str | None:
    from shiftleft.policy.catalog import shipped_folder

    candidates = [path]
    folder, display = shipped_folder()
    if path.as_posix().startswith(display + "/"):
        candidates.append(folder / path.as_posix()[len(display) + 1 :])
    for candidate in candidates:
        try:
            return candidate.read_text(encoding="utf-8")
        except OSError:
            continue
    return None


def _fixtures(
    folder: Path, display: str, catalog: Catalog, only: frozenset[str] | None, report: Report
) -> Iterator[_Case]:
    for rule_dir in sorted(folder.rglob("fixtures/*")):
        if not rule_dir.is_dir():
            continue
        rule_id = rule_dir.name
        if only is not None and rule_id not in only:
            continue
        shown_dir = f"{display.rstrip('/')}/{rule_dir.relative_to(folder).as_posix()}"
        rule = catalog.get(rule_id)
        if rule is None:
            report.broken.append(Broken(shown_dir, rule_id, "fixtures for a rule that is not in the catalog"))
            continue
        for file in sorted(rule_dir.iterdir()):
            if not file.is_file():
                continue
            shown = f"{shown_dir}/{file.name}"
            if not _FIXTURE.match(file.name):
                report.broken.append(Broken(shown, rule_id, "fixture names start with pass- or fail- and end in .yaml"))
                continue
            text = file.read_text(encoding="utf-8")
            m = _NOW.search(text)
            now = m.group(1) if m else rule.examples_now
            kind = file.name.split("-", 1)[0]
            yield _Case(rule, kind, text, shown, 1, now, rule.examples_org, _others_of(rule), file=file, root=folder)


def _check(case: _Case, tiers: TierPolicy, run_now: dt.datetime, tmp: Path) -> list[Broken]:
    rule = case.rule
    manifests = _manifests(case, tmp)
    now = run_now
    if case.now:
        now = dt.datetime.combine(dt.date.fromisoformat(case.now), dt.time(), tzinfo=dt.UTC)
    # Examples are snippets: the tier's required sections (SL014) are only judged in SL014's own cases.
    required = frozenset() if rule.id == required_rule else frozenset({required_rule})
    settings = Settings(Severity.INFO, now, case.org, {}, required, imported=case.others)
    result = evaluate(manifests, Catalog([rule]), tiers, settings)
    target = manifests[-1].display
    mine = [f for f in result.findings if f.rule == rule.id and f.location.file == target]
    where = _where(case)
    if case.kind == "pass":
        return [Broken(where(f.location.line), rule.id, f"pass case has a finding: {f.message}") for f in mine]
    if not mine:
        others = [f for f in result.findings if f.location.file == target]
        hint = f"; the manifest has other problems: {others[0].rule} {others[0].message}" if others else ""
        return [Broken(where(0), rule.id, f"fail case produced no finding of {rule.id}{hint}")]
    marked = _marked(case.text, rule.id)
    if not marked:
        return []
    broken = []
    found = {f.location.line for f in mine}
    for line in sorted(marked - found):
        broken.append(Broken(where(line), rule.id, f"expected a finding of {rule.id} on this line, got none"))
    for f in mine:
        if f.location.line not in marked:
            broken.append(Broken(where(f.location.line), rule.id, f"unexpected finding of {rule.id}: {f.message}"))
    return broken


def _manifests(case: _Case, tmp: Path) -> list[model.Manifest]:
    if case.file is not None and case.root is not None:
        return [model.load(case.file, case.shown, case.root)]
    if case.rule.id in _DISCOVERED:
        return [_discovered(case, tmp)]
    copies = 2 if case.kind == "fail" and case.rule.id in _TWO_MANIFESTS else 1
    out = []
    for n in range(copies):
        path = tmp / f"service-{n}" / "shiftleft.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(case.text, encoding="utf-8")
        manifest = model.load(path, f"{case.shown}#examples.{case.kind}/{n}", tmp)
        if case.kind == "pass":
            manifest.files = dict.fromkeys(manifest.files, True)
        out.append(manifest)
    return out


def _discovered(case: _Case, tmp: Path) -> model.Manifest:
    """The example where discovery decides: in the rule's folder (fail) or in `services/` (pass)."""
    from shiftleft.config import DEFAULT_MANIFESTS
    from shiftleft.discover import discover

    folder, exclude = _DISCOVERED[case.rule.id]
    path = tmp / (folder if case.kind == "fail" else "services") / "checkout" / "shiftleft.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(case.text, encoding="utf-8")
    (target,) = discover([str(tmp)], DEFAULT_MANIFESTS, exclude, tmp)
    manifest = model.load_target(target._replace(display=f"{case.shown}#examples.{case.kind}"))
    manifest.files = dict.fromkeys(manifest.files, True)
    return manifest


def _marked(text: str, rule_id: str) -> set[int]:
    marker = re.compile(rf"#\s*{re.escape(rule_id)}\b")
    return {n for n, line in enumerate(text.splitlines(), 1) if marker.search(line)}


def _where(case: _Case) -> Any:
    def where(line: int) -> str:
        if not case.first_line:
            return case.shown
        if line <= 0:
            return f"{case.shown}:{case.first_line - 1}" if case.file is None else case.shown
        return f"{case.shown}:{case.first_line + line - 1}"

    return where


def verify_checks(rules: Sequence[Rule], report: Report) -> None:
    """Each checkov check id the evidence rules name must exist in the installed checkov: a broken expectation
    at the id's line otherwise. Without checkov the ids stay unverified, which `report.checkov` says."""
    mapped = [r for r in rules if r.evidence.get("checks")]
    if not mapped:
        return
    from shiftleft.evidence import registry

    try:
        known = registry.load()
    except registry.Unavailable as e:
        report.checkov = f"their checkov check ids were not verified: {e}"
        return
    ids = 0
    for rule in mapped:
        text = _read(Path(rule.file))
        for i, check in enumerate(rule.evidence["checks"]):
            ids += 1
            if check in known.names:
                continue
            line = yamlsafe.locate(text, ("evidence", "checks", i))[0] if text is not None else 0
            report.broken.append(
                Broken(f"{rule.file}:{line}" if line else rule.file, rule.id,
                       f"{check} is not a check of the installed checkov {known.version} "
                       f"({', '.join(registry.FRAMEWORKS)})")
            )  # fmt: skip
    report.checkov = f"their {ids} checkov check ids exist in the installed checkov {known.version}"


def is_evidence(rule: Rule) -> bool:
    """An evidence rule: an `evidence:` block, or one of the builtin SL8xx findings (scanners, unowned files)."""
    return bool(rule.evidence) or (rule.builtin and rule.category == "evidence")


def marked_lines(text: str, rule_id: str) -> set[int]:
    """Lines of `text` marked `# <rule_id>`: where a fail case's findings must point."""
    return _marked(text, rule_id)
