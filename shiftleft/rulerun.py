"""Run groups of rules on one manifest: the engine's inner loop, with its cost bounds.

Rules with the same `each` (or none) are one group and, when they can, one
CEL program (`[rule1, rule2, ...]`). Three bounds keep one rule from
taking the run over (DESIGN.md section 10):

- each program that can grow values has its cost estimated on the actual
  input before it runs (`policy/celcost.py`); over the limit, that rule is
  an evaluation-error finding and the others still run;
- an `each:` group gets, per item, only the sections of the manifest and
  of the graph facts its rules name, so a manifest with 9,000 dependencies
  does not hand its whole dependency list to CEL 9,000 times; a group whose
  rules do read a large section for every item is refused the same way;
- a message over the template caps (`policy/messages.py`) is an
  evaluation-error finding of its rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple, Protocol

from shiftleft.findings import Severity
from shiftleft.manifest.model import Manifest
from shiftleft.manifest.schema import Path_, dotted, get_path
from shiftleft.policy import cel, celcost, messages
from shiftleft.policy.catalog import Rule, parse_path
from shiftleft.policy.tiers import Tier

_INDEX = re.compile(r"\bindex\b")
_READ = re.compile(r"\b(spec|metadata|graph)\b(?:\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)(\s*\()?)?")
"""A section and the key read of it; a `(` after the name is a call on the section (`spec.exists(k, ...)`): all."""


class Settings(Protocol):
    """What rules read of the run's settings (engine.Settings)."""

    @property
    def org(self) -> Mapping[str, Any]: ...

    @property
    def now(self) -> dt.datetime: ...


class Pending(NamedTuple):
    """A finding waiting for its line and column."""

    rule: Rule
    message: str
    path: Path_
    key: bool = False
    severity: Severity | None = None
    """The finding's severity when it is not the rule's (SL014 takes the tier's)."""


class Group(NamedTuple):
    """Rules evaluated together: the same `each` (or none), one CEL program for all of them."""

    each: Path_ | None
    rules: tuple[Rule, ...]
    batch: cel.Program | None
    """`[rule1, rule2, ...]` as one list-of-booleans expression (`when ? assert : true` each);
    one evaluation instead of one or two per rule. None: evaluate rule by rule."""
    reads: Mapping[str, frozenset[str] | None]
    """Per section (spec, metadata, graph): the keys the rules read, None for all of it."""
    costly: tuple[Rule, ...]
    """Rules with a program that can grow values: their cost is estimated before each evaluation."""
    whole: cel.Program | None
    """An `each:` group as one program over all items (`item.map(item, [...])`, the list passed as
    `item`): one evaluation per chunk of items instead of one per item, used when no rule is refused
    for its cost. None when a rule reads `index`."""


def groups(rules: list[Rule]) -> list[Group]:
    by_each: dict[Path_ | None, list[Rule]] = {}
    for rule in rules:
        by_each.setdefault(rule.each, []).append(rule)
    out = []
    for each, members in by_each.items():
        parts = _parts(members)
        costly = tuple(r for r in members if _grows(r))
        whole = None
        if each is not None and parts is not None and not any(_INDEX.search(p) for p in parts):
            whole = _program("item.map(item, [\n" + ",\n".join(parts) + "\n])")
        batch = _program("[\n" + ",\n".join(parts) + "\n]") if parts is not None else None
        out.append(Group(each, tuple(members), batch, _reads(members), costly, whole))
    return out


def _grows(rule: Rule) -> bool:
    return any(p is not None and p.grows for p in (rule.when, rule.check))


def _reads(rules: list[Rule]) -> dict[str, frozenset[str] | None]:
    """What the rules' expressions and messages read of spec, metadata and graph (not their `each`)."""
    keys: dict[str, set[str] | None] = {"spec": set(), "metadata": set(), "graph": set()}
    for rule in rules:
        texts = [rule.message, *(p.source for p in (rule.when, rule.check) if p is not None)]
        for text in texts:
            for section, key in section_reads(text):
                known = keys[section]
                if key is None:
                    keys[section] = None  # the whole section (`size(spec)`, `spec["x"]`, `spec.exists(k, ...)`)
                elif known is not None:
                    known.add(key)
    return {k: (frozenset(v) if v is not None else None) for k, v in keys.items()}


def section_reads(text: str) -> Iterator[tuple[str, str | None]]:
    """Each (section, key) an expression or message reads of spec, metadata and graph; key None: the whole
    section (the bare section, or a macro or function called on it)."""
    for section, key, call in _READ.findall(text):
        yield section, key if key and not call else None


def _parts(rules: list[Rule]) -> list[str] | None:
    """`when ? assert : true` per rule, or None when a rule has no assert."""
    parts = []
    for rule in rules:
        if rule.check is None:
            return None
        check = f"({rule.check.source})"
        parts.append(f"(({rule.when.source}) ? {check} : true)" if rule.when is not None else check)
    return parts


def _program(source: str) -> cel.Program | None:
    from shiftleft.policy import cache

    try:
        return cache.program(source)
    except cel.CelError:  # cannot happen for rules that compiled one by one; stay correct if it does
        return None


def run(
    manifest: Manifest,
    rule_groups: list[Group],
    tier: Tier,
    settings: Settings,
    now: dt.datetime,
    facts: tuple[dict[str, Any], dict[str, Any]] | None,
    values: tuple[dict[str, Any], dict[str, Any]] | None = None,
) -> Iterator[Pending]:
    """Pending findings of the rule groups on one manifest; `facts` is its graph view (None: not needed).

    `values`: the typed and raw values to judge, when not the whole manifest's.
    """
    if not rule_groups:
        return
    typed, raw = values if values is not None else (manifest.typed(), manifest.raw)
    graph_typed, graph_shown = facts if facts is not None else ({}, {})
    data = {
        "spec": typed.get("spec", {}),
        "metadata": typed.get("metadata", {}),
        "tier": tier.typed,
        "org": dict(settings.org),
        "graph": graph_typed,
        "now": now,
        "item": None,
        "index": 0,
    }
    shown = {
        "spec": raw.get("spec", {}),
        "metadata": raw.get("metadata", {}),
        "tier": tier.raw,
        "org": settings.org,
        "graph": graph_shown,
        "now": settings.now.date().isoformat(),  # messages read "as of 2026-11-25"
    }
    cel.set_exists(manifest.exists)
    sizes: dict[int, tuple[Any, int]] = {}  # sizes of this manifest's sections, shared by every estimate
    for group in rule_groups:
        if group.each is None:
            yield from _check_group(group, data, shown, None, sizes)
            continue
        items = get_path(data, group.each)
        if not isinstance(items, list):
            continue
        raw_items = get_path(shown, group.each)
        base = {k: _trim(v, group.reads.get(k, None)) if k in group.reads else v for k, v in data.items()}
        # One estimate for every item (`item` may be any of them): the estimate stays linear in the list,
        # and n evaluations of at most `LIMIT / n` each stay within the limit in all, whether they run one
        # item at a time or a chunk of items in one evaluation of the whole group.
        costs = _costs(group, base, items, sizes)
        rows = _whole(group.whole, base, items) if group.whole is not None and not costs else None
        refused = _too_many(group, base, len(items), sizes) if rows is None else None
        if refused is not None:
            for rule in group.rules:
                yield Pending(rule, f"{rule.id} could not be evaluated: {refused}", group.each)
            continue
        for index, item in enumerate(items):
            row = rows[index] if rows is not None else None
            if row is not None and all(ok is True for ok in row):
                continue
            raw_item = raw_items[index] if isinstance(raw_items, list) and index < len(raw_items) else item
            act = {**base, "item": item, "index": index}
            yield from _check_group(group, act, {**shown, "item": raw_item, "index": index}, index, sizes, row, costs)


_CHUNK = 64
"""Items per evaluation of a whole group: the runtime's `map` copies its result list at every step
(quadratic: 4,000 items took 281 MiB), so long lists go in chunks."""


def _whole(program: cel.Program, base: dict[str, Any], items: list[Any]) -> list[Any] | None:
    """Every item's results, a chunk of items per evaluation; None when some item fails to evaluate."""
    rows: list[Any] = []
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        result, error = program.run(cel.activation({**base, "item": chunk}))
        if error is not None or not isinstance(result, list) or len(result) != len(chunk):
            return None  # evaluate item by item to find out which fails
        rows.extend(result)
    return rows


def _trim(section: Any, keys: frozenset[str] | None) -> Any:
    if keys is None or not isinstance(section, dict):
        return section
    return {k: section[k] for k in keys if k in section}


def _too_many(group: Group, base: dict[str, Any], count: int, sizes: dict[int, tuple[Any, int]]) -> str | None:
    """Why handing the sections the group reads to CEL once per item would cost too much, or None."""
    if count <= 16:  # a few items: linear in the manifest whatever they read
        return None
    estimate = celcost.Estimate(base, sizes)
    per_item = sum(estimate.size_of(base[k]) for k in ("spec", "metadata", "graph", "org", "tier"))
    if count * per_item <= celcost.LIMIT:
        return None
    return (f"its rules read {per_item:,} bytes of the manifest and graph facts for each of the {count:,} items of "
            f"{dotted(group.each or ())}, over the limit of {celcost.LIMIT:,} in all")  # fmt: skip


def _check_group(
    group: Group,
    data: dict[str, Any],
    shown: dict[str, Any],
    index: int | None,
    sizes: dict[int, tuple[Any, int]],
    row: Any = None,
    costs: dict[str, str] | None = None,
) -> Iterator[Pending]:
    """Findings of one evaluation of the group; `row`: its results when the whole list was evaluated at once;
    `costs`: the rules refused for their cost, when already known."""
    refused: dict[str, str] = costs if costs is not None else {}
    if group.costly and costs is None:
        estimate = celcost.Estimate(data, sizes)
        refused = {rule.id: why for rule in group.costly if (why := _too_costly(rule, estimate)) is not None}
    act: Any = None
    results, error = row, None
    if not isinstance(results, list) or len(results) != len(group.rules):
        act = cel.activation(data)
        results, error = (None, "no batch") if group.batch is None or refused else group.batch.run(act)
    for position, rule in enumerate(group.rules):
        if rule.id not in refused and error is None and isinstance(results, list) and results[position] is True:
            continue  # the common case first: the rule holds
        path = _path(rule, index)
        if rule.id in refused:
            yield Pending(rule, f"{rule.id} could not be evaluated: {refused[rule.id]}", path)
            continue
        if error is not None or not isinstance(results, list):
            # One rule failed to evaluate (or there is no batch): find out which, one by one.
            yield from _check(rule, act if act is not None else cel.activation(data), shown, path)
            continue
        ok = results[position]
        if ok is False:
            yield _failed(rule, shown, path)
        else:
            yield Pending(rule, f"{rule.id} assert must be true or false, not {ok!r}", path)


def _path(rule: Rule, index: int | None) -> Path_:
    if rule.each is None or index is None:
        return parse_path(rule.location)
    return parse_path(rule.location, index) if rule.location else (*rule.each, index)


def _too_costly(rule: Rule, estimate: celcost.Estimate, times: int = 1) -> str | None:
    for program in (rule.when, rule.check):
        why = program.too_costly(estimate, times) if program is not None else None
        if why is not None:
            return why
    return None


def _costs(group: Group, base: dict[str, Any], items: list[Any], sizes: dict[int, tuple[Any, int]]) -> dict[str, str]:
    """The group's rules refused for their cost over all `items` (estimated once, `item` any of them)."""
    if not group.costly:
        return {}
    estimate = celcost.Estimate({**base, "index": 0}, sizes, candidates={"item": items})
    return {r.id: why for r in group.costly if (why := _too_costly(r, estimate, len(items))) is not None}


def _check(rule: Rule, act: Any, shown: dict[str, Any], path: Path_) -> Iterator[Pending]:
    if rule.when is not None:
        applies, error = rule.when.run(act)
        if error is not None:
            yield Pending(rule, f"{rule.id} could not be evaluated (when): {error}", path)
            return
        if applies is not True:
            return
    if rule.check is None:  # builtin rules are never run here; the loader guarantees it
        return
    ok, error = rule.check.run(act)
    if error is not None:
        yield Pending(rule, f"{rule.id} could not be evaluated: {error}", path)
    elif not isinstance(ok, bool):
        yield Pending(rule, f"{rule.id} assert must be true or false, not {ok!r}", path)
    elif not ok:
        yield _failed(rule, shown, path)


def _failed(rule: Rule, shown: dict[str, Any], path: Path_) -> Pending:
    """The rule's finding, with its message; a message over the template caps fails closed the same way."""
    try:
        return Pending(rule, messages.render(rule.message, shown), path)
    except messages.TooCostly as e:
        return Pending(rule, f"{rule.id} could not be evaluated (message): {e}", path)
