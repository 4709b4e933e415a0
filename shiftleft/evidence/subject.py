"""What evidence needs of one manifest, taken while it is loaded: its claims and its files.

The engine trims a manifest to what graph rules and reports read once its
local rules have run, so the evidence layer takes its share first: each
evidence rule whose `when:` holds is a claim (with the claim's manifest line
and rendered message), and `spec.paths` become the files each scanner gets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from shiftleft.evidence import files
from shiftleft.manifest.model import Manifest
from shiftleft.manifest.schema import get_path
from shiftleft.policy import cel, messages
from shiftleft.policy.catalog import Rule, parse_path
from shiftleft.policy.evidencespec import Spec
from shiftleft.policy.tiers import TierPolicy


class Claim(NamedTuple):
    rule: Rule
    spec: Spec
    line: int
    col: int
    message: str
    """The rule's message rendered with the manifest's values."""
    value: int = 0
    """A policy's threshold (min-replicas: the declared replicas)."""
    error: str = ""
    """The claim could not be evaluated (its `when:` failed): fail closed."""


class Subject(NamedTuple):
    service: str
    manifest: str
    """Manifest as displayed."""
    infrastructure: tuple[str, ...]
    """Absolute real paths of the infrastructure files under spec.paths.infrastructure."""
    code: tuple[str, ...]
    """Absolute real paths of the Python files under spec.paths.code."""
    claims: tuple[Claim, ...]
    unrendered: tuple[str, ...] = ()
    """Absolute real paths of the Chart.yaml and kustomization.yaml files heading infrastructure nobody rendered."""


def capture(
    manifest: Manifest, rules: Sequence[Rule], tiers: TierPolicy, org: Mapping[str, Any], now: dt.datetime
) -> Subject | None:
    """The manifest's claims and files; None when it did not load (SL0xx findings say why)."""
    if not manifest.valid:
        return None
    spec = manifest.raw.get("spec")
    tier_number = spec.get("tier") if isinstance(spec, dict) else None
    tier = tiers.get(tier_number) if isinstance(tier_number, int) else None
    if tier is None:
        return None  # SL010 reports the unknown tier; without a tier there is no claim to judge
    typed = manifest.typed()
    data = {
        "spec": typed.get("spec", {}),
        "metadata": typed.get("metadata", {}),
        "tier": tier.typed,
        "org": dict(org),
        "graph": {},
        "now": cel.timestamp(now),
        "item": None,
        "index": 0,
    }
    shown = {
        "spec": manifest.raw.get("spec", {}),
        "metadata": manifest.raw.get("metadata", {}),
        "tier": tier.raw,
        "org": org,
        "now": now.date().isoformat(),
    }
    act = cel.activation(data)
    applying: list[tuple[Rule, str]] = []
    for rule in rules:
        if rule.when is None:
            continue
        applies, error = rule.when.run(act)
        if error is not None:
            applying.append((rule, f"{rule.id} could not be evaluated (when): {error}"))
        elif applies is True:
            applying.append((rule, ""))
    positions = manifest.locate([(parse_path(r.location), False) for r, _ in applying]) if applying else []
    claims = []
    for (rule, error), (line, col) in zip(applying, positions, strict=True):
        spec_ = Spec.of(rule.evidence)
        value = 0
        if spec_.policy:
            raw_value = get_path(manifest.raw, parse_path(spec_.value))
            if not isinstance(raw_value, int) or isinstance(raw_value, bool) or raw_value < 0:
                error = error or f"{rule.id}: {spec_.value} must be a whole number for policy {spec_.policy}"
            else:
                value = raw_value
        message = messages.render(rule.message, shown) if not error else error
        claims.append(Claim(rule, spec_, line, col, message, value, error))
    infra, code, heads = _files(manifest)
    return Subject(manifest.name, manifest.display, tuple(infra), tuple(code), tuple(claims), tuple(heads))


def has_files(manifest: Manifest, tiers: TierPolicy) -> bool:
    """Whether `capture` would give a subject with infrastructure or code (without judging claims)."""
    if not manifest.valid:
        return False
    spec = manifest.raw.get("spec")
    tier_number = spec.get("tier") if isinstance(spec, dict) else None
    if not isinstance(tier_number, int) or tiers.get(tier_number) is None:
        return False
    infra, code, heads = _files(manifest)
    return bool(infra or code or heads)


def _files(manifest: Manifest) -> tuple[list[str], list[str], list[str]]:
    """The infrastructure and code files under the manifest's spec.paths, and the Helm charts and Kustomize
    builds among them (`files.unrendered`; a `Kustomization` without a suffix is not given to checkov)."""
    spec = manifest.raw.get("spec")
    paths = spec.get("paths") if isinstance(spec, dict) else None
    paths = paths if isinstance(paths, dict) else {}
    infra, _ = files.listed(
        manifest.directory, manifest.root, _strings(paths.get("infrastructure")), files.INFRASTRUCTURE, files.RENDERED
    )
    code, _ = files.listed(manifest.directory, manifest.root, _strings(paths.get("code")), files.CODE)
    heads = files.unrendered(infra, manifest.root)
    return [p for p in infra if p.endswith(files.INFRASTRUCTURE)], code, heads


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
