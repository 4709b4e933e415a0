"""The shared pipeline of `check` and `report`: configuration, discovery, loading, evaluation.

Both commands must see exactly the same result for the same paths, so the
steps live here once (DESIGN.md section 8) and the commands only decide what
to print and which exit code to return.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from shiftleft import deadline, factcache, formatters, parallel, unowned
from shiftleft.config import Config
from shiftleft.discover import Target, discover, display_path, repo_root
from shiftleft.engine import COMPRESS_FROM, Evaluation, Settings
from shiftleft.errors import UsageError
from shiftleft.findings import Severity
from shiftleft.graph import catalogfile
from shiftleft.manifest import model
from shiftleft.paths import real_folder
from shiftleft.results import RunResult
from shiftleft.setup import load_policy
from shiftleft.shard import Shard

if TYPE_CHECKING:
    from shiftleft.governance.session import Session


class Outcome(NamedTuple):
    result: RunResult
    config: Config
    """The effective configuration (for messages such as "no manifests found")."""
    found: int
    """How many manifests discovery found (checked or not)."""
    checked: int
    """How many of them were read and evaluated (the rest are SL012/SL013 findings)."""


def run(
    paths: Sequence[str],
    *,
    config_file: str | None,
    fail_on: str | None,
    now: dt.datetime,
    cwd: Path,
    focus: frozenset[str] | None = None,
    whole_catalog: bool = False,
    shard: Shard | None = None,
    vendored: bool = True,
    base: str | None = None,
    baseline: str | None = None,
    evidence: bool | None = None,
    quiet: bool = False,
    changed: Sequence[str] | None = None,
) -> Outcome:
    """Load configuration and policy, discover manifests, then load and evaluate them one by one.

    `focus` (manifests as displayed) limits evaluation to those services and the
    services depending on them; the others still join the service graph.
    `whole_catalog`: the manifests under `paths` are the focus, and every
    manifest of their repository joins the graph, so checking one folder sees
    the same neighbours as checking the repository. `shard`: report only that shard's services.
    `vendored=False` does not look inside vendor folders (see `discover`).
    `base` (a git revision) takes the whole policy from that commit and adds
    drift findings; `baseline` is a baseline file (see `shiftleft.governance`). `changed` (the hook's
    files): look only at these for deployables no manifest claims; otherwise `paths` are looked through.
    """
    from shiftleft.governance.session import Session

    with Session(base=base, baseline=baseline, config_file=config_file, cwd=cwd) as session:
        return _run(paths, session, fail_on=fail_on, now=now, cwd=cwd, focus=focus, whole_catalog=whole_catalog,
                    vendored=vendored, evidence=evidence, quiet=quiet, shard=shard, changed=changed)  # fmt: skip


def _run(
    paths: Sequence[str], session: Session, *, fail_on: str | None, now: dt.datetime, cwd: Path,
    focus: frozenset[str] | None, whole_catalog: bool, vendored: bool, evidence: bool | None, quiet: bool,
    shard: Shard | None, changed: Sequence[str] | None,
) -> Outcome:  # fmt: skip
    deadline.stage("reading the configuration and the rules")
    real_folder.cache_clear()  # answers about symlinks hold for one run: the next may see another tree
    config = session.config()
    threshold = config.fail_on
    if fail_on is not None:
        try:
            threshold = Severity.parse(fail_on)
        except ValueError as e:
            raise UsageError(f"--fail-on: {e}") from None
    policy = load_policy(config, session.policy_cwd)
    deadline.stage("looking for manifests")
    # Findings of no service (deployables no manifest claims): one shard reports them.
    finder = unowned.Finder(config, cwd) if shard is None or shard.k == 1 else None
    walks = finder is not None and changed is None and bool(finder.kinds)
    # The folders as the walk saw them, for the deployables' walk and the facts cache of a focused run.
    keep = focus is not None or bool(whole_catalog and paths) or walks
    listing: dict[str, list[os.DirEntry[str]]] | None = {} if keep else None
    targets = discover(list(paths), config.manifests, config.exclude, cwd, vendored=vendored, listing=listing)
    found, checked = len(targets), sum(1 for t in targets if t.skip is None)
    if whole_catalog and paths:
        targets, focus = _with_repository(targets, paths, config, cwd, focus, listing)
    deployables: list[unowned.Deployable] | None = None
    if finder is not None:  # now, from discovery's listing, before the catalog's values fill memory
        deadline.stage("looking for deployables no manifest claims")
        finder.manifests = frozenset(str(t.file) for t in targets if t.skip is None)
        deployables = list(finder.look(changed) if changed is not None else _deployables(finder, paths, cwd, listing))
    settings = Settings(
        fail_on=threshold,
        now=now,
        org=config.org,
        severity=config.severity,
        disable=frozenset(config.disable),
        imported=tuple(n for c in config.catalogs for n in catalogfile.load(c, display_path(c, session.policy_cwd))),
    )
    evaluation = Evaluation(policy.catalog, policy.tiers, settings, focus, shard.contains if shard else None)
    evaluation.compress = len(targets) >= COMPRESS_FROM
    collect = _evidence_collector(config, evidence, policy.catalog, policy.tiers, settings)
    # Every core for a large catalog (shiftleft.parallel), also for `check .` in a git repository, where every
    # manifest is in focus and the facts cache would only write the hook's pack; not for a focused run (the hook).
    everything = focus is None or all(t.display in focus for t in targets)
    count = parallel.processes(len(targets)) if everything and collect is None else 1
    facts = _facts(targets, focus, evaluation.keep, config.max_manifest_bytes, listing) if count == 1 else None
    listing = None  # only the facts cache reads it: a large catalog's run must not hold every folder's entries
    names: list[str]
    claims = unowned.Claims()
    with _few_collections():
        if count > 1:
            load = functools.partial(model.load_target, max_bytes=config.max_manifest_bytes)
            result, names = parallel.evaluate(evaluation, targets, load, count, claims.add)
        else:
            for target in targets:
                deadline.stage(f"checking {target.display}")
                cached = None
                if facts is None:
                    manifest = model.load_target(target, max_bytes=config.max_manifest_bytes)
                else:
                    manifest, cached = facts.load(target, focus is None or target.display in focus)
                if collect is not None and (focus is None or manifest.display in focus):
                    if shard is None or shard.contains(manifest.name):  # scan only what this run reports
                        collect(manifest)  # before the engine trims the manifest
                    else:
                        collect.elsewhere(manifest)
                claims.add(manifest)  # every manifest's spec.paths, before the engine trims the manifest
                evaluation.add(manifest, cached)
            deadline.stage(f"evaluating the service graph of {len(targets):,} manifests")
            result = evaluation.finish()
            names = [state.name for state in evaluation.states]
    # What the engine kept of each service (nodes, the manifests without their values) is not read again: let it
    # go before waivers and reports (docs/decisions/0026-memory-at-10000-services.md).
    del evaluation
    if shard is not None:
        result = result._replace(shard=(shard.k, shard.n))
    if facts is not None:
        facts.save()
    if collect is not None and (
        collect.files_elsewhere or any(s.infrastructure or s.code or s.unrendered for s in collect.subjects)
    ):
        # Only when some service has infrastructure or code to look at: otherwise there is nothing to judge,
        # and a CI run over manifests without spec.paths reads as it always did. A shard decides as the whole
        # run would, so that its claims merge into the single run's.
        from shiftleft import evidence as evidence_mod

        deadline.stage("running checkov and bandit (evidence)")
        result = evidence_mod.apply(
            result, collect.subjects, policy.catalog, severity=settings.severity, disable=settings.disable, cwd=cwd,
            timeout=config.evidence_timeout, quiet=quiet,
        )  # fmt: skip
        result = result._replace(evidence=True)
    unclaimed = unowned.judge(deployables, claims, cwd) if deployables is not None else []
    result = unowned.apply(result, unclaimed, policy.catalog, settings.severity, settings.disable, config.unowned)
    known = frozenset(names)
    deadline.stage("applying waivers, baseline and drift")
    result = session.finish(result, config, targets, paths=paths, scoped=focus is not None, known=known,
                            shard=shard.contains if shard else None)  # fmt: skip
    return Outcome(result, config, found, checked)


def _deployables(
    finder: unowned.Finder, paths: Sequence[str], cwd: Path, listing: dict[str, list[os.DirEntry[str]]] | None
) -> Iterator[unowned.Deployable]:
    """The deployables under the folders of `paths` and those the files among them belong to."""
    for arg in paths or ["."]:
        path = cwd / arg
        if path.is_dir():  # a symlinked folder named on the command line is walked, as discovery walks it
            yield from finder.walk(path.absolute(), listing)
        else:
            yield from finder.look([arg])


def _with_repository(
    targets: list[Target], paths: Sequence[str], config: Config, cwd: Path, focus: frozenset[str] | None,
    listing: dict[str, list[os.DirEntry[str]]] | None,
) -> tuple[list[Target], frozenset[str] | None]:  # fmt: skip
    """The repository's whole catalog, with the manifests under `paths` (or `focus`) as the focus; `listing`
    receives the folders walked from the repository's real root (`discover`)."""
    root = repo_root((cwd / paths[0]).resolve())
    if root is None or not targets:
        return targets, focus  # outside git there is no repository to take the neighbours from
    shown = {t.display for t in targets}
    # Only context for the graph: manifests in vendor folders are neither neighbours nor in focus.
    context = discover([str(root)], config.manifests, config.exclude, cwd, vendored=False, listing=listing)
    # The walk's files are real paths (from the resolved root, never through a symlinked folder); a target may
    # be named through `..` or a symlinked folder (`check ..` from a service's folder): it replaces the same file.
    catalog = {str(t.file): t for t in context if t.skip is None}
    catalog.update((_in_real_folder(t.file), t) for t in targets)
    return sorted(catalog.values(), key=lambda t: t.display), frozenset(shown) | (focus or frozenset())


def _in_real_folder(file: Path) -> str:
    """The file in its folder's real path (a symlinked file itself is left as it is: the loader judges it)."""
    folder, name = os.path.split(file)
    return os.path.join(os.path.realpath(folder), name)


def _facts(
    targets: list[Target], focus: frozenset[str] | None, keep: Mapping[str, frozenset[str] | None], max_bytes: int,
    listing: dict[str, list[os.DirEntry[str]]] | None,
) -> factcache.Facts | None:  # fmt: skip
    """The facts cache, for a run with a focus (the hook) in one repository; None: load every manifest."""
    roots = {t.root for t in targets}
    if focus is None or len(roots) != 1:
        return None
    return factcache.Facts(roots.pop(), keep, max_bytes, listing)


class _Collector:
    """Takes each manifest's claims and files for evidence (see `shiftleft.evidence.subject`)."""

    def __init__(self, rules: list[Any], tiers: Any, settings: Settings) -> None:
        self.rules = rules
        self.tiers = tiers
        self.settings = settings
        self.subjects: list[Any] = []
        self.files_elsewhere = False
        """Whether a service of another shard has infrastructure or code (evidence runs for the whole run)."""

    def __call__(self, manifest: model.Manifest) -> None:
        from shiftleft.evidence import subject

        found = subject.capture(manifest, self.rules, self.tiers, self.settings.org, self.settings.now)
        if found is not None:
            self.subjects.append(found)

    def elsewhere(self, manifest: model.Manifest) -> None:
        """A manifest another shard reports: only whether it has files (checked until one has)."""
        if not self.files_elsewhere:
            from shiftleft.evidence import subject

            self.files_elsewhere = subject.has_files(manifest, self.tiers)


def _evidence_collector(
    config: Config, flag: bool | None, catalog: Any, tiers: Any, settings: Settings
) -> _Collector | None:
    """A collector when evidence is on: `--evidence/--no-evidence`, else `evidence` in configuration, else CI."""
    on = flag if flag is not None else config.evidence
    if on is None:  # on in CI, off on a laptop and in the fast hook (decided without importing evidence code)
        on = os.environ.get("CI", "").lower() == "true" or os.environ.get("GITHUB_ACTIONS") == "true"
    if not on:
        return None
    from shiftleft import evidence as evidence_mod

    return _Collector(evidence_mod.rules(catalog, settings.disable), tiers, settings)


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Let the cyclic garbage collector run rarely while manifests load.

    Loading allocates hundreds of thousands of small acyclic objects (YAML
    nodes, dicts, strings), which reference counting frees; with the default
    thresholds the collector re-scans every live object again and again,
    which measured as two thirds of the time on 1,000 manifests.
    """
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def parse_now(text: str | None) -> dt.datetime:
    """`--now`: a date or an RFC 3339 timestamp, or the current time (UTC, whole seconds)."""
    if text is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=dt.UTC)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now: {text!r} is not a date (YYYY-MM-DD) or an RFC 3339 timestamp") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def write_report(name: str, result: RunResult, options: formatters.Options, target: Path | None) -> None:
    """Write the report in format `name` to `target` (None: standard output) as it is built, so a large
    report is never one string in memory; a file that cannot be created or written is a usage error (exit 2)."""
    write = formatters.writer(name)
    if target is None:
        write(result, options, sys.stdout)
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as fh:
            write(result, options, fh)
    except OSError as e:
        raise UsageError(f"cannot write {target}: {e.strerror or e}") from None


def write_file(path: Path, text: str, append: bool = False) -> None:
    """Write (or append to) an output file, creating its folder; a failure is a usage error (exit 2)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a" if append else "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from None
