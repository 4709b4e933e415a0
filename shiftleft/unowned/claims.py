"""Which deployables some manifest claims: every loaded manifest's `spec.paths`, confined as the loader
confines them, and the findings of no service (SL822-SL824) for the rest."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shiftleft.config import Unowned
from shiftleft.discover import display_path
from shiftleft.findings import Finding, Location, Severity, in_file_order
from shiftleft.paths import confine, real_folder
from shiftleft.unowned.finder import RULES

if TYPE_CHECKING:
    from shiftleft.manifest.model import Manifest
    from shiftleft.policy.catalog import Catalog
    from shiftleft.results import RunResult
    from shiftleft.unowned.finder import Deployable


class Claims:
    """Every loaded manifest's `spec.paths`, resolved (once, when first asked) to real absolute paths."""

    def __init__(self) -> None:
        self._declared: list[tuple[str, str, list[str], list[str]]] = []
        self._sets: tuple[frozenset[str], frozenset[str], frozenset[str]] | None = None

    def add(self, manifest: Manifest) -> None:
        """Take the manifest's paths (valid or not: an invalid manifest still says what it owns)."""
        spec = manifest.raw.get("spec")
        paths = spec.get("paths") if isinstance(spec, dict) else None
        if isinstance(paths, dict):
            infra, code = _strings(paths.get("infrastructure")), _strings(paths.get("code"))
            if infra or code:
                self._declared.append((str(manifest.directory), str(manifest.root), infra, code))
                self._sets = None

    def owns(self, kind: str, real: str, holds: bool = False) -> bool:
        """Whether a claim of `kind`'s paths (infrastructure, or code for python) contains the real path;
        `holds`: or lies inside it (a Python project holding claimed code)."""
        infra, code, around = self._resolved()
        claimed = code if kind == "python" else infra
        if holds and real in around:
            return True
        path = real
        while True:
            if path in claimed:
                return True
            parent = os.path.dirname(path)
            if parent == path:
                return False
            path = parent

    def _resolved(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        if self._sets is None:
            infra: set[str] = set()
            code: set[str] = set()
            for folder, root, infra_values, code_values in self._declared:
                base, root_real = real_folder(os.path.normpath(os.path.abspath(folder))), os.path.realpath(root)
                for values, into in ((infra_values, infra), (code_values, code)):
                    for value in values:
                        if confine(base, root_real, value)[0] is None:  # SL008 reports the others
                            into.add(os.path.realpath(os.path.join(base, value)))
            around = {a for c in code for a in _ancestors(c)}
            self._sets = frozenset(infra), frozenset(code), frozenset(around)
        return self._sets


def judge(found: Iterable[Deployable], claims: Claims, cwd: Path) -> list[tuple[str, Location, str]]:
    """(rule, where, message) of every deployable no claim covers; a Terraform root once, at its first file."""
    out: list[tuple[str, Location, str]] = []
    roots: set[str] = set()
    for d in found:
        if claims.owns(d.kind, d.owned, d.holds):
            continue
        if d.kind == "terraform":
            folder = os.path.dirname(d.owned)
            if folder in roots:
                continue
            roots.add(folder)
        shown = display_path(Path(d.file), cwd)
        where = shown.rsplit("/", 1)[0] + "/" if "/" in shown else "./"
        paths = "code" if d.kind == "python" else "infrastructure"
        subject = f"{d.what} in {shown}" if not d.folder else f"{d.what} {where} ({shown.rsplit('/', 1)[-1]})"
        message = (
            f"{subject} is in no service's spec.paths.{paths}: run `shiftleft init` for its service, "
            f"or add its folder to the spec.paths.{paths} of the manifest that owns it"
        )
        out.append((RULES[d.kind], Location(shown, d.line, d.col), message))
    return out


def apply(result: RunResult, found: list[tuple[str, Location, str]], catalog: Catalog,
          severity: Mapping[str, Severity], disable: Collection[str], scope: Unowned) -> RunResult:  # fmt: skip
    """`result` with the findings of no service, and the rules of the kinds looked for (`scope`) in its catalog."""
    from shiftleft.policy.catalog import Rule

    rules = []
    for kind, rule_id in RULES.items():
        rule = catalog.get(rule_id) or Rule(rule_id, "unowned", Severity.HIGH, "evidence", "", "", "", "", builtin=True)
        if rule_id not in disable and getattr(scope, kind):
            rules.append(rule)
    by_id = {r.id: r for r in rules}
    made = (
        Finding(r.id, r.name, severity.get(r.id, r.severity), r.category, "", where, message, r.remediation)
        for rule_id, where, message in found
        if (r := by_id.get(rule_id)) is not None
    )
    findings = tuple(sorted(made, key=Finding.sort_key))
    known = {r.id for r in result.catalog}
    catalog_ = (*result.catalog, *(r for r in rules if r.id not in known))
    every = in_file_order([result.findings, findings]) if findings else result.findings
    return result._replace(findings=every, unowned=findings, catalog=catalog_)


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _ancestors(path: str) -> Iterator[str]:
    while True:
        yield path
        parent = os.path.dirname(path)
        if parent == path:
            return
        path = parent
