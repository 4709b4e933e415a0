"""Evaluate the catalog against every loaded manifest and produce findings.

The engine is the only caller of the CEL binding at run time. It never
raises for anything a manifest contains: a manifest that did not load
becomes SL0xx findings, and an expression that fails at run time becomes a
finding of its rule ("fails closed"), so nothing is silently skipped.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from shiftleft import rulerun
from shiftleft.errors import ManifestError
from shiftleft.findings import Finding, Location, Severity, in_file_order
from shiftleft.graph import Graph, Node, build, from_manifest
from shiftleft.manifest.model import Manifest
from shiftleft.manifest.schema import Path_, dotted, get_path
from shiftleft.policy import cel, required
from shiftleft.policy.catalog import Catalog, Rule, parse_path
from shiftleft.policy.tiers import Tier, TierPolicy
from shiftleft.results import Packed, RunResult, ServiceResult
from shiftleft.rulerun import Pending


class Settings(NamedTuple):
    fail_on: Severity
    now: dt.datetime
    org: Mapping[str, Any]
    severity: Mapping[str, Severity]
    disable: frozenset[str]
    imported: tuple[Node, ...] = ()
    """Services of other repositories' exported catalogs: dependencies resolve to them."""


COMPRESS_FROM = 2_000
"""Manifests from which a run compresses what it keeps of each service: at 10,000 that is about 30 MiB less peak
memory (decision 0026); at 1,000, zlib's set-up on every pack and unpack is about 3 % of the run, for 5 MB."""


class Evaluation:
    """Evaluates manifests as they are loaded, then the rules that need the whole catalog.

    `add()` runs every rule that reads only the manifest itself, right after it
    is loaded, and keeps just what is still needed: the sections the graph
    rules and the reports read, the service's graph node and its findings.
    `finish()` builds the service graph and runs the rules that read `graph`.
    A 10,000-service catalog therefore never holds 10,000 whole manifests.
    """

    def __init__(
        self,
        catalog: Catalog,
        tiers: TierPolicy,
        settings: Settings,
        focus: frozenset[str] | None = None,
        shard: Callable[[str], bool] | None = None,
    ) -> None:
        """`focus`: manifests (as displayed) to evaluate, with the services that depend on them;
        None evaluates every service. `shard`: of those, evaluate and report only the services whose
        name it accepts (`check --shard`), without their dependents. Every manifest still joins the graph."""
        self.focus = focus
        self.shard = shard
        self.catalog = catalog
        self.tiers = tiers.with_dates(settings.now)
        self.settings = settings
        # Evidence rules (an `evidence:` block, no assert) are judged by the scanners, after the engine.
        rules = [r for r in catalog.rules if not r.builtin and not r.evidence and r.id not in settings.disable]
        self.claimed = required.claimed(r.when.source for r in rules if r.when is not None)
        self.rules_count = len(rules)
        self.graph_rules = rulerun.groups([r for r in rules if _reads_graph(r)])
        self.local_rules = rulerun.groups([r for r in rules if not _reads_graph(r)])
        self.keep = _sections([r for g in self.graph_rules for r in g.rules])
        self.graph_exists = any(_EXISTS.search(text) for g in self.graph_rules for r in g.rules for text in _sources(r))
        self.now = cel.timestamp(settings.now)
        self.first_file: dict[str, str] = {}
        self.states: list[_State] = []
        self._partial_groups: dict[frozenset[str], list[rulerun.Group]] = {}
        """Rule groups without the rules an invalid manifest's wrong values would feed, by those rules."""
        self._layouts: dict[tuple[_Place, ...], dict[_Place, int]] = {}
        """The places graph findings can point at, shared by the services that have the same ones."""
        self.defer_duplicates = False
        """Leave SL009 (a name already used) to `mark_duplicates`: set when processes share the manifests
        (`shiftleft.parallel`), since one process sees only its own part of the catalog."""
        self.compress = True
        """Compress the sections kept of each evaluated service (`results.Packed`): memory for speed, which a
        catalog below `COMPRESS_FROM` manifests does not need (the caller decides, knowing the catalog's size)."""

    def add(self, manifest: Manifest, cached: Known | None = None) -> None:
        """Evaluate the manifest's local rules and keep what the graph and the reports need of it. `cached`: the
        facts cache's node and kept sections of an unchanged manifest outside the focus, whose `raw` then holds
        only its name, tier and paths (`shiftleft.factcache`)."""
        name = manifest.name
        node = cached.node if cached is not None else from_manifest(manifest.raw, name, manifest.valid)
        state = _State(manifest, name, _tier_number(manifest), None, node)
        state.elsewhere = self.shard is not None and not self.shard(name)
        outside = state.elsewhere or (self.focus is not None and manifest.display not in self.focus)
        if cached is not None and not (outside and manifest.valid):
            raise RuntimeError(f"{manifest.display}: cached facts are for valid manifests outside the focus only")
        if outside:
            # Outside the focus: only a graph node, plus what its graph rules need
            # should it turn out to depend on a service in focus.
            if manifest.valid and state.tier_number is not None:
                state.tier = self.tiers.get(state.tier_number)
            state.skipped = True
        elif not manifest.valid:
            known = ", ".join(str(t) for t in sorted(self.tiers.tiers))
            state.findings.extend(
                _from_errors(manifest, self.catalog, manifest.problems, f" (the tier policy has {known})")
            )
            state.findings.extend(self._valid_part(manifest, state.tier_number))
        else:
            pending: list[Pending] = []
            duplicate = self.first_file.get(name)
            if self.defer_duplicates:
                state.name_at = manifest.locate([(_NAME, False)])[0]
            elif duplicate is not None:
                pending.append(Pending(_builtin(self.catalog, "SL009"), _duplicate(name, duplicate), _NAME))
            state.tier = self.tiers.get(state.tier_number) if state.tier_number is not None else None
            if state.tier is None:
                known = ", ".join(str(t) for t in sorted(self.tiers.tiers))
                where = f"the tier policy {self.tiers.source}"
                pending.append(
                    Pending(
                        _builtin(self.catalog, "SL010"),
                        f"tier {state.tier_number} is not in {where} (known tiers: {known})",
                        ("spec", "tier"),
                    )
                )
            else:
                pending.extend(rulerun.run(manifest, self.local_rules, state.tier, self.settings, self.now, None))
                if required.RULE not in self.settings.disable:
                    rule, severity = _builtin(self.catalog, required.RULE), state.tier.requires_severity
                    for need, message in required.missing(manifest.raw, state.tier, self.claimed):
                        pending.append(Pending(rule, message, need.path, severity=severity))
            state.findings.extend(_place(manifest, pending))
            if manifest.nodes is not None and self.graph_rules:
                state.positions = self._positions(manifest)
            state.waivers_at = _waivers_at(manifest)
        if manifest.placeholders and not state.skipped:
            state.findings.extend(_placeholders(manifest, self.catalog))
        self.first_file.setdefault(name, manifest.display)
        manifest.raw = _trim(manifest.raw, self.keep)
        if not self.graph_exists:
            manifest.files.clear()  # only exists() in graph rules would read it again
        manifest.release()
        # Until finish(), the state keeps the kept sections packed (about a quarter of the size) on a copy of
        # the manifest without them; the caller's manifest is left as it was. Another shard's service is never
        # read again; one outside the focus only if it depends on the focus (`services`), so it skips zlib.
        if not state.elsewhere:
            compress = self.compress and not state.skipped
            state.packed = Packed.marshalled(cached.packed) if cached else Packed(manifest.raw, compress=compress)
        state.manifest = _without_values(manifest)
        self.states.append(state)

    def _positions(self, manifest: Manifest) -> _Positions:
        keys, found = _positions(manifest, [r for g in self.graph_rules for r in g.rules])
        layout = self._layouts.get(keys)
        if layout is None:
            layout = self._layouts[keys] = {key: i for i, key in enumerate(keys)}
        return _Positions(layout, tuple(n for pair in found for n in pair))

    def _valid_part(self, manifest: Manifest, tier_number: int | None) -> list[Finding]:
        """Findings of the rules that read only the valid part of an invalid manifest.

        One wrong value should not hide every other finding of the manifest,
        so the author fixes everything in one go. A rule runs only if neither
        its expressions, its message nor its location name a value that was
        left out; the graph rules wait for a valid manifest.
        """
        part = manifest.valid_part()
        tier = self.tiers.get(tier_number) if tier_number is not None else None
        if part is None or tier is None or manifest.invalid is None:
            return []
        left_out = [re.compile(rf"\b{re.escape(dotted(p))}\b") for p in manifest.invalid]
        unread = frozenset(
            r.id for g in self.local_rules for r in g.rules if any(p.search(t) for p in left_out for t in _sources(r))
        )
        groups = self._partial_groups.get(unread)
        if groups is None:
            groups = self._partial_groups[unread] = rulerun.groups(
                [r for g in self.local_rules for r in g.rules if r.id not in unread]
            )
        typed, raw = part
        pending = list(rulerun.run(manifest, groups, tier, self.settings, self.now, None, (typed, raw)))
        return _place(manifest, pending)

    def finish(self) -> RunResult:
        graph = self.graph([s.node for s in self.states])
        return self.result(self.services(graph, 0, {s.name for s in self.states if not s.skipped}))

    def summary(self) -> list[Summary]:
        """What the whole catalog needs of each service added so far (`shiftleft.parallel`)."""
        return [Summary(s.name, s.manifest.display, s.name_at is not None, s.skipped, s.node) for s in self.states]

    def mark_duplicates(self, first: Mapping[int, str]) -> None:
        """SL009 for the services at these positions (of `states`), whose name the given file used first."""
        for position, duplicate in first.items():
            state = self.states[position]
            line, col = state.name_at or (1, 1)
            where = Location(state.manifest.display, line, col, _dotted(_NAME))
            rule = _builtin(self.catalog, "SL009")
            state.findings.insert(0, _finding(rule, state.name, where, _duplicate(state.name, duplicate)))

    def graph(self, nodes: list[Node]) -> Graph:
        """The service graph of the catalog's nodes (in catalog order) and the imported services."""
        return build(nodes + list(self.settings.imported))

    def services(self, graph: Graph, start: int, focused: set[str]) -> list[ServiceResult]:
        """The results of the services added so far: their graph rules run on `graph`, where the first of them
        is at `start`; `focused` names the services evaluated in the whole catalog."""
        services = []
        for position, state in enumerate(self.states, start):
            manifest = state.manifest
            if state.skipped and (state.elsewhere or not any(link.name in focused for link in state.node.dependencies)):
                continue  # neither in focus nor depending on it: not evaluated, not reported
            manifest.raw = state.packed.unpack()
            if state.tier is not None and self.graph_rules:
                facts = graph.facts(position)
                pending = list(rulerun.run(manifest, self.graph_rules, state.tier, self.settings, self.now, facts))
                state.findings.extend(_place(manifest, pending, state.positions))
            findings = [_adjust(f, self.settings) for f in state.findings if f.rule not in self.settings.disable]
            findings.sort(key=Finding.service_key)
            services.append(
                ServiceResult(
                    state.name,
                    manifest.display,
                    state.tier_number,
                    manifest.valid,
                    tuple(findings),
                    Packed(_trim(manifest.raw, _REPORTED), compress=self.compress),
                    state.waivers_at,
                )
            )
            # One service's sections unpacked at a time; what only this loop reads is dropped as it goes.
            manifest.raw, state.packed, state.positions, state.findings = {}, _NOTHING, None, []
        return services

    def result(self, services: list[ServiceResult]) -> RunResult:
        """The run's result from the catalog's service results, in catalog order."""
        every = in_file_order([s.findings for s in services])
        return RunResult(
            tuple(services),
            every,
            self.settings.fail_on,
            self.settings.now,
            self.rules_count,
            tiers={n: t.raw for n, t in self.tiers.tiers.items()},
            # Evidence rules (SL8xx) join the reported catalog only when evidence runs (shiftleft.evidence.apply):
            # otherwise reports would count them as checked and passed.
            catalog=tuple(
                r for r in self.catalog.rules if r.id not in self.settings.disable and r.category != "evidence"
            ),
        )


def evaluate(manifests: list[Manifest], catalog: Catalog, tiers: TierPolicy, settings: Settings) -> RunResult:
    """Evaluate already loaded manifests (see `Evaluation` for the streaming form)."""
    evaluation = Evaluation(catalog, tiers, settings)
    for manifest in manifests:
        evaluation.add(manifest)
    return evaluation.finish()


class _State:
    """What is kept of one service between `add()` and `finish()`.

    `positions`: where the graph rules' findings can point, found while the
    node tree was at hand.
    """

    __slots__ = (
        "elsewhere", "findings", "manifest", "name", "name_at", "node", "packed", "positions", "skipped", "tier",
        "tier_number", "waivers_at",
    )  # fmt: skip

    def __init__(
        self,
        manifest: Manifest,
        name: str,
        tier_number: int | None,
        tier: Tier | None,
        node: Node,
        findings: list[Finding] | None = None,
        positions: _Positions | None = None,
    ) -> None:
        self.manifest = manifest
        self.name = name
        self.tier_number = tier_number
        self.tier = tier
        self.node = node
        self.findings: list[Finding] = [] if findings is None else findings
        self.positions = positions
        self.packed = _NOTHING
        """The manifest sections kept for the graph rules and reports, packed, until `finish()`."""
        self.skipped = False
        """Outside the focus of a `--changed` run: its local rules were not evaluated."""
        self.elsewhere = False
        """In another shard (`check --shard`): never evaluated nor reported here."""
        self.name_at: tuple[int, int] | None = None
        """Line and column of `metadata.name` of an evaluated valid manifest, while SL009 waits
        (`Evaluation.defer_duplicates`)."""
        self.waivers_at: tuple[tuple[int, int], ...] | None = None
        """`ServiceResult.waivers_at`: found by `add` for an evaluated manifest."""


class Known(NamedTuple):
    """What the facts cache remembers of an unchanged valid manifest outside the focus (`shiftleft.factcache`)."""

    node: Node
    """`graph.nodes.from_manifest` of its values."""
    packed: bytes
    """`marshal.dumps` of its sections the graph rules read (`Evaluation.keep`, as `_trim` keeps them)."""


class Summary(NamedTuple):
    """What the whole catalog needs of one service: its name and file, whether it can be a duplicate (an
    evaluated valid manifest: SL009), whether it was skipped (outside the focus or the shard), its graph node."""

    name: str
    display: str
    named: bool
    skipped: bool
    node: Node


_Place = tuple[Path_, bool]
_NOTHING = Packed({})
_NAME: Path_ = ("metadata", "name")


def _duplicate(name: str, first: str) -> str:
    return f"service name {name!r} is already used by {first}; names are unique across the catalog"


class _Positions:
    """Lines and columns of the places a service's graph findings can point at, two small ints each; the
    places themselves (`layout`, place to index) are shared by every service that has the same ones."""

    __slots__ = ("layout", "values")

    def __init__(self, layout: dict[_Place, int], values: tuple[int, ...]) -> None:
        self.layout = layout
        self.values = values

    def get(self, place: _Place) -> tuple[int, int] | None:
        index = self.layout.get(place)
        return None if index is None else (self.values[2 * index], self.values[2 * index + 1])


def _waivers_at(manifest: Manifest) -> tuple[tuple[int, int], ...]:
    """Where each `spec.waivers` entry of a valid manifest is, from the node tree while it is at hand."""
    spec = manifest.raw.get("spec")
    entries = spec.get("waivers") if isinstance(spec, dict) else None
    if not isinstance(entries, list) or not entries:
        return ()
    return tuple(manifest.locate([(("spec", "waivers", i), False) for i in range(len(entries))]))


def _without_values(manifest: Manifest) -> Manifest:
    light = Manifest(manifest.file, manifest.display, manifest.root, None, manifest.files, manifest.problems)
    light.invalid, light.placeholders = manifest.invalid, manifest.placeholders
    return light


def _positions(manifest: Manifest, rules: list[Rule]) -> tuple[tuple[_Place, ...], list[tuple[int, int]]]:
    """Positions of every place a graph rule may point at, so `finish()` need not re-read the file.

    An `each:` rule points at an index of its list, for each item of that list in the manifest: a graph list
    has the items of the manifest's list of its name (`graph.dependencies`, `spec.dependencies`); one that has
    no such list (`graph.dependents`) is placed at `finish()`, from the file.
    """
    paths: set[Path_] = set()
    for rule in rules:
        if rule.each is None or (rule.location and "{index}" not in rule.location):
            paths.add(parse_path(rule.location))
            continue
        listed = ("spec", *rule.each[1:]) if rule.each[0] == "graph" else rule.each
        items = get_path(manifest.raw, listed)
        for index in range(len(items) if isinstance(items, list) else 0):
            paths.add(parse_path(rule.location, index) if rule.location else (*rule.each, index))
    keys = tuple((p, False) for p in sorted(paths, key=str))
    return keys, manifest.locate(list(keys))


_REPORTED: dict[str, frozenset[str] | None] = {
    "metadata": frozenset({"name", "owner", "description", "people", "reviewed"}),
    "spec": frozenset(
        {"tier", "lifecycle", "continuity", "availability", "dependencies", "data", "compliance", "waivers"}
    ),
}
"""What reports show of a manifest (targets, people, data and scope, dependencies), and its inline waivers
for governance."""

_GRAPH = re.compile(r"\bgraph\b")
_EXISTS = re.compile(r"\bexists\s*\(")
"""A call of `exists(path)`, however spaced (or of the `.exists(` macro, which needs no listing but is harmless)."""


def _sources(rule: Rule) -> list[str]:
    out = [rule.message, rule.location, ".".join(str(p) for p in rule.each or ())]
    out += [p.source for p in (rule.when, rule.check) if p is not None]
    return out


def _reads_graph(rule: Rule) -> bool:
    return any(_GRAPH.search(text) for text in _sources(rule))


def _sections(rules: list[Rule]) -> dict[str, frozenset[str] | None]:
    """The manifest sections `rules` read, plus what reports show; None means the whole section."""
    keep: dict[str, set[str] | None] = {k: set(v or ()) for k, v in _REPORTED.items()}
    for rule in rules:
        for text in _sources(rule):
            for section, key in rulerun.section_reads(text):
                if section not in keep:
                    continue  # graph: derived, not kept
                if key is None:  # the bare section (`size(spec)`) or a macro on it: keep all of it
                    keep[section] = None
                elif keep[section] is not None:
                    keep[section].add(key)  # type: ignore[union-attr]
    return {k: (frozenset(v) if v is not None else None) for k, v in keep.items()}


def _trim(raw: dict[str, Any], keep: Mapping[str, frozenset[str] | None]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for section, keys in keep.items():
        values = raw.get(section)
        if isinstance(values, dict):
            # In the manifest's own order (a frozenset's order changes from run to run with hash seeds).
            out[section] = dict(values) if keys is None else {k: v for k, v in values.items() if k in keys}
    return out


def _tier_number(manifest: Manifest) -> int | None:
    spec = manifest.raw.get("spec")
    tier = spec.get("tier") if isinstance(spec, dict) else None
    return tier if isinstance(tier, int) and not isinstance(tier, bool) else None


def _place(manifest: Manifest, pending: list[Pending], known: _Positions | None = None) -> list[Finding]:
    if not pending:
        return []
    wanted = [(p.path, p.key) for p in pending]
    found = [known.get(w) for w in wanted] if known is not None else [None]
    if None in found:
        positions = manifest.locate(wanted)
    else:
        positions = found  # type: ignore[assignment]
    places: dict[Location, Location] = {}  # findings at the same place share one Location
    return [
        _finding(p.rule, manifest.name, places.setdefault(loc, loc), p.message, p.severity)
        for p, (line, col) in zip(pending, positions, strict=True)
        for loc in (Location(manifest.display, line, col, _dotted(p.path)),)
    ]


def _placeholders(manifest: Manifest, catalog: Catalog) -> list[Finding]:
    rule = _builtin(catalog, "SL015")
    return [
        _finding(rule, manifest.name, Location(manifest.display, line, col), f"placeholder not filled in: {text}")
        for line, col, text in manifest.placeholders
    ]


def _from_errors(manifest: Manifest, catalog: Catalog, errors: list[ManifestError], tiers: str) -> list[Finding]:
    """SL0xx findings; a wrong `spec.tier` also lists the policy's tiers (`tiers`), as SL010 does."""
    return [
        _finding(
            _builtin(catalog, e.rule),
            manifest.name,
            Location(manifest.display, e.line, e.col),
            e.message + tiers if e.message.startswith("spec.tier ") else e.message,
        )
        for e in errors
    ]


def _finding(rule: Rule, service: str, location: Location, message: str, severity: Severity | None = None) -> Finding:
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=severity or rule.severity,
        category=rule.category,
        service=service,
        location=location,
        # Interned: on a generated 10,000-service catalog two thirds of the messages repeat another's text
        # (the same gap in many services), and findings are held until the reports are written.
        message=sys.intern(message),
        remediation=rule.remediation,
    )


def _builtin(catalog: Catalog, rule_id: str) -> Rule:
    rule = catalog.get(rule_id)
    if rule is None:  # the shipped catalog documents every builtin; a stripped catalog still reports
        return Rule(rule_id, "manifest-invalid", Severity.CRITICAL, "manifest", "", "", "", "", builtin=True)
    return rule


def _adjust(finding: Finding, settings: Settings) -> Finding:
    override = settings.severity.get(finding.rule)
    return finding._replace(severity=override) if override is not None else finding


def _dotted(path: Path_) -> str:
    # Interned: the same few hundred paths recur across every service's findings.
    return sys.intern(dotted(path)) if path else ""
