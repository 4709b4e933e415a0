"""What a pull request changes in the policy: base configuration, rules, tiers and waivers against the
working tree's, each edit said in one line and marked when it loosens the gate.

These edits do not apply to the run that lists them (`check --base` judges
with the base policy); they are listed so the reviewers see them, loosenings
first. When it cannot be told whether an edit loosens (a rule's logic, an org
setting), it is counted as a loosening: a reviewer must look.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shiftleft import config as config_mod
from shiftleft.discover import display_path
from shiftleft.errors import ShiftleftError
from shiftleft.findings import Waiver
from shiftleft.governance import basepolicy
from shiftleft.governance import waivers as waivers_mod
from shiftleft.manifest import values
from shiftleft.policy.catalog import Catalog
from shiftleft.policy.tiers import TierPolicy
from shiftleft.results import PolicyChange
from shiftleft.setup import load_policy
from shiftleft.vocabulary import STRATEGIES

_HIGHER_IS_LOOSER = ("max_rto", "max_rpo", "dr_test_every", "restore_test_every")
_LOWER_IS_LOOSER = ("slo_floor", "min_zones", "min_regions")


def compare(base: basepolicy.Base, old: config_mod.Config, new: config_mod.Config, cwd: Path) -> list[PolicyChange]:
    changes = list(_config(base, old, new, cwd))
    try:
        before, after = load_policy(old, base.cwd), load_policy(new, cwd)
    except ShiftleftError as e:
        changes.append(PolicyChange(True, f"the working tree's rules or tiers do not load: {e}"))
    else:
        changes += _catalog(before.catalog, after.catalog)
        changes += _tiers(before.tiers, after.tiers)
    changes += _waivers(base, old, new, cwd)
    return sorted(changes, key=lambda c: not c.loosening)


def _config(base: basepolicy.Base, old: config_mod.Config, new: config_mod.Config, cwd: Path) -> Iterator[PolicyChange]:
    shown = display_path(new.file, cwd) if new.file else ""
    if new.file is not None:
        rel = (
            new.file.resolve().relative_to(base.root).as_posix() if new.file.resolve().is_relative_to(base.root) else ""
        )
        if rel != base.config_path:
            table = "[tool.shiftleft] table" if new.file.name == "pyproject.toml" else "configuration file"
            yield PolicyChange(True, f"{table} added in {shown}" + (f" (the base reads {base.config_path})"
                                                                     if base.config_path else ""), shown)  # fmt: skip
    elif base.config_path:
        yield PolicyChange(True, f"configuration {base.config_path} removed", base.config_path)
    if old.fail_on != new.fail_on:
        looser = new.fail_on.rank > old.fail_on.rank
        yield PolicyChange(looser, f"fail_on {old.fail_on.value} → {new.fail_on.value}", shown)
    for rule in sorted(set(new.disable) - set(old.disable)):
        yield PolicyChange(True, f"{rule} disabled", shown)
    for rule in sorted(set(old.disable) - set(new.disable)):
        yield PolicyChange(False, f"{rule} enabled again", shown)
    for rule in sorted(set(old.severity) | set(new.severity)):
        a, b = old.severity.get(rule), new.severity.get(rule)
        if a != b:
            looser = a is None or b is None or b.rank < a.rank
            was_text, now_text = a.value if a else "the rule's own", b.value if b else "the rule's own"
            yield PolicyChange(looser, f"{rule} severity {was_text} → {now_text}", shown)
    for key, looser_when_removed in (("manifests", True), ("exclude", False)):
        before, after = getattr(old, key), getattr(new, key)
        for glob in [g for g in before if g not in after]:
            yield PolicyChange(looser_when_removed, f"{key} glob {glob!r} removed", shown)
        for glob in [g for g in after if g not in before]:
            yield PolicyChange(not looser_when_removed, f"{key} glob {glob!r} added", shown)
    yield from _unowned(old.unowned, new.unowned, shown)
    if old.inline_waivers != new.inline_waivers:
        yield PolicyChange(True, f"inline_waivers {old.inline_waivers} → {new.inline_waivers}", shown)
    for key in ("rules", "tiers", "catalogs", "waivers"):
        was, now = _paths(getattr(old, key), base.folder), _paths(getattr(new, key), base.root)
        if was != now:
            yield PolicyChange(True, f"{key} {was or 'default'} → {now or 'default'}", shown)
    for key in sorted(set(old.org) | set(new.org)):
        if old.org.get(key) != new.org.get(key):
            yield PolicyChange(True, f"org.{key} {old.org.get(key)!r} → {new.org.get(key)!r}", shown)


def _unowned(old: config_mod.Unowned, new: config_mod.Unowned, shown: str) -> Iterator[PolicyChange]:
    """`[unowned]`: a kind switched off, a glob of a kind removed or an `exclude` glob added lets more through."""
    for kind in ("kubernetes", "terraform", "python"):
        before, after = getattr(old, kind), getattr(new, kind)
        if before and not after:
            yield PolicyChange(True, f"unowned.{kind} switched off (was {', '.join(map(repr, before))})", shown)
            continue
        for glob in [g for g in before if g not in after]:
            yield PolicyChange(True, f"unowned.{kind} glob {glob!r} removed", shown)
        for glob in [g for g in after if g not in before]:
            yield PolicyChange(False, f"unowned.{kind} glob {glob!r} added", shown)
    for glob in [g for g in new.exclude if g not in old.exclude]:
        yield PolicyChange(True, f"unowned.exclude glob {glob!r} added", shown)
    for glob in [g for g in old.exclude if g not in new.exclude]:
        yield PolicyChange(False, f"unowned.exclude glob {glob!r} removed", shown)


def _paths(value: Any, root: Path) -> str:
    items = value if isinstance(value, tuple) else (value,) if value is not None else ()
    return ", ".join(Path(p).relative_to(root).as_posix() if Path(p).is_relative_to(root) else str(p) for p in items)


def _catalog(old: Catalog, new: Catalog) -> Iterator[PolicyChange]:
    for rule in old.rules:
        other = new.get(rule.id)
        if other is None:
            yield PolicyChange(True, f"rule {rule.id} removed ({rule.file})", rule.file)
        elif other.severity != rule.severity:
            text = f"{rule.id} severity {rule.severity.value} → {other.severity.value}"
            yield PolicyChange(other.severity.rank < rule.severity.rank, text, other.file)
        elif _logic(other) != _logic(rule):
            yield PolicyChange(True, f"{rule.id} logic changed (when, assert or each)", other.file)
    for rule in new.rules:
        if old.get(rule.id) is None:
            yield PolicyChange(False, f"rule {rule.id} added ({rule.file})", rule.file)


def _logic(rule: Any) -> tuple[str, str, Any]:
    return (rule.when.source if rule.when else "", rule.check.source if rule.check else "", rule.each)


def _tiers(old: TierPolicy, new: TierPolicy) -> Iterator[PolicyChange]:
    for number, tier in sorted(old.tiers.items()):
        other = new.get(number)
        if other is None:
            yield PolicyChange(True, f"tier {number} removed", new.source)
            continue
        for key in sorted(set(tier.raw) | set(other.raw)):
            a, b = tier.raw.get(key), other.raw.get(key)
            if a != b:
                yield PolicyChange(_looser(key, a, b), f"tier {number} {key} {a} → {b}", new.source)


def _looser(key: str, a: Any, b: Any) -> bool:
    try:
        if key in _HIGHER_IS_LOOSER:
            return bool(values.parse_duration(b) > values.parse_duration(a))
        if key in _LOWER_IS_LOOSER:
            return bool(float(b) < float(a))
        if key == "min_strategy":
            return STRATEGIES.index(b) < STRATEGIES.index(a)
        if key == "offsite_backup":
            return a is True and b is not True
        return key != "name"
    except (ValueError, TypeError):
        return True


def _waivers(
    base: basepolicy.Base, old: config_mod.Config, new: config_mod.Config, cwd: Path
) -> Iterator[PolicyChange]:
    before = _read(old.waivers or base.folder / waivers_mod.DEFAULT_FILE, "base")
    after_file = new.waivers or base.root / waivers_mod.DEFAULT_FILE
    after = _read(after_file, display_path(after_file, cwd))
    for key, waiver in after.items():
        was = before.get(key)
        what = f"{waiver.rule} on {waiver.service}" + (f" at {waiver.path}" if waiver.path else "")
        until = waiver.expires.isoformat() if waiver.expires else "?"
        if was is None:
            yield PolicyChange(True, f"waiver added: {what} until {until}, approved by {waiver.approved_by or '?'}",
                               waiver.source)  # fmt: skip
        elif was.expires != waiver.expires:
            looser = was.expires is None or waiver.expires is None or waiver.expires > was.expires
            shown = was.expires.isoformat() if was.expires else "?"
            yield PolicyChange(looser, f"waiver for {what} expiry {shown} → {until}", waiver.source)
    for key, waiver in before.items():
        if key not in after:
            yield PolicyChange(False, f"waiver removed: {waiver.rule} on {waiver.service}", "")


def _read(path: Path, shown: str) -> dict[tuple[str, str, str], Waiver]:
    if not path.is_file():
        return {}
    declared, _problems = waivers_mod.read_file(path, shown)
    return {(d.waiver.rule, d.waiver.service, d.waiver.path): d.waiver for d in declared}
