"""One run's governance: where the policy comes from (the working tree, or `--base REF`) and the
step that applies drift, waivers and the baseline to the engine's result.

The pipeline asks a Session for the configuration and the folder to resolve
policy paths in, evaluates, and hands the result back to `finish`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from shiftleft import config as config_mod
from shiftleft.discover import Target, display_path, glob_regex, repo_root
from shiftleft.errors import ConfigError, ManifestError, ShiftleftError, UsageError
from shiftleft.findings import Finding, Location, Severity
from shiftleft.governance import apply as apply_mod
from shiftleft.governance import waivers as waivers_mod
from shiftleft.manifest import yamlsafe
from shiftleft.results import PolicyChange, RunResult, ServiceResult
from shiftleft.setup import load_config

if TYPE_CHECKING:  # the base policy's modules load only with `--base` (not on the pre-commit hook's path)
    from shiftleft.governance import basepolicy


class Session:
    """Context manager; `base` is the REF of `check --base`, `baseline` a baseline file (command line)."""

    def __init__(self, *, base: str | None, baseline: str | None, config_file: str | None, cwd: Path) -> None:
        self.ref = base
        self.baseline_arg = baseline
        self.config_file = config_file
        self.cwd = cwd
        if base is not None:
            from shiftleft.governance import basepolicy
        self._tmp = basepolicy.temporary() if base is not None else None
        self.base: basepolicy.Base | None = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()

    def config(self) -> config_mod.Config:
        """The configuration that judges: REF's with `--base`, else the working tree's."""
        if self.ref is None or self._tmp is None:
            return load_config(self.config_file, self.cwd)
        from shiftleft.governance import basepolicy

        self.base = basepolicy.load(self.ref, self.config_file, self.cwd, Path(self._tmp.name))
        return self.base.config

    @property
    def policy_cwd(self) -> Path:
        """Where policy paths are shown relative to (the copy of the base, or the working folder)."""
        return self.base.cwd if self.base is not None else self.cwd

    def finish(self, result: RunResult, config: config_mod.Config, targets: Sequence[Target], *,
               paths: Sequence[str], scoped: bool, known: frozenset[str] = frozenset(),
               shard: Callable[[str], bool] | None = None) -> RunResult:  # fmt: skip
        """`scoped`: only some services are reported (a focus); `known`: every service name of the catalog;
        `shard`: the names this shard reports (`check --shard`)."""
        root = repo_root(self.cwd.resolve()) or self.cwd.resolve()
        if self.base is not None:
            waiver_file = config.waivers or (self.base.folder / waivers_mod.DEFAULT_FILE)
            shown = display_path(self.base.root / waiver_file.relative_to(self.base.folder), self.cwd)
        else:
            waiver_file = config.waivers or (root / waivers_mod.DEFAULT_FILE)
            shown = display_path(waiver_file, self.cwd)
        shown_config = display_path(config.file, self.policy_cwd) if config.file else "configuration"
        extra: list[Finding] = []
        removed: list[ServiceResult] = []
        changes: list[PolicyChange] = []
        if self.base is not None:
            extra, removed, changes = self._drift(result, config, targets, paths)
            changes += self._policy_changes(config)
        inputs = apply_mod.Inputs(
            cwd=self.cwd,
            waiver_file=waiver_file,
            waiver_display=shown,
            inline_limit=None if config.inline_waivers == "off" else Severity.parse(config.inline_waivers),
            max_days=waivers_mod.max_days(config.org, shown_config),
            severity=config.severity,
            scoped=scoped,
            known=known,
            baseline=self._baseline(),
            baseline_display=self.baseline_arg or "",
            # The default file is named by no one: it must not lead out (a configured one was confined on load).
            waiver_root=(self.base.folder if self.base is not None else root)
            if config.waivers is None
            else config.root,
            extra=extra,
            removed=removed,
            policy_changes=changes,
            shard=shard,
        )
        return apply_mod.apply(result, inputs)

    def _baseline(self) -> frozenset[str] | None:
        if self.baseline_arg is None:
            return None
        from shiftleft.governance import baseline, gitread

        path = Path(os.path.normpath(self.cwd / self.baseline_arg))
        if self.base is not None and path.is_relative_to(self.base.root):
            # Inside the repository, the pull request could add its own findings to the baseline:
            # with --base, the baseline is the base commit's.
            rel = path.relative_to(self.base.root).as_posix()
            content = gitread.show(self.base.commit, rel, self.base.root)
            if content is None:
                raise ConfigError(f"--baseline: {rel} does not exist at the base commit {self.base.ref}")
            return baseline.read(path, f"{self.base.ref}:{rel}", content)
        return baseline.read(path, self.baseline_arg)

    def _policy_changes(self, config: config_mod.Config) -> list[PolicyChange]:
        if self.base is None:
            return []
        try:
            head = load_config(self.config_file, self.cwd)
        except ShiftleftError as e:
            return [PolicyChange(True, f"the working tree's configuration does not load: {e}")]
        from shiftleft.governance import policydiff

        return policydiff.compare(self.base, config, head, self.cwd)

    def _drift(
        self, result: RunResult, config: config_mod.Config, targets: Sequence[Target], paths: Sequence[str]
    ) -> tuple[list[Finding], list[ServiceResult], list[PolicyChange]]:
        """Downgrade findings, removed services, and inline waivers the pull request adds."""
        base = self.base
        if base is None:
            return [], [], []
        rules = {r.id: r for r in result.catalog}
        from shiftleft.governance import gitread

        changed = set(gitread.changed(base.commit, base.root))
        head_by_path = {_rel(t.file, base.root): t for t in targets}
        head_by_name = {s.name: s for s in result.services}
        file_of = {t.display: t for t in targets}
        extra: list[Finding] = []
        removed: list[ServiceResult] = []
        changes: list[PolicyChange] = []
        for path in _base_manifests(base, config, paths, self.cwd):
            if path not in changed:
                continue
            old = _parse(gitread.show(base.commit, path, base.root), path)
            if not isinstance(old, dict):
                continue
            name = _name(old, path)
            target = head_by_path.get(path)
            if target is None and name in head_by_name:
                target = file_of.get(head_by_name[name].file)
            shown = display_path(base.root / path, self.cwd)
            if target is None:
                message = f"manifest of {name} deleted or moved out of the manifest globs since {base.ref}"
                finding = apply_mod.finding(rules, "SL910", name, Location(shown, 0, 0, ""), message)
                tier = old.get("spec", {}).get("tier") if isinstance(old.get("spec"), dict) else None
                removed.append(ServiceResult(name, shown, tier if isinstance(tier, int) else None, True, (finding,)))
                continue
            found, added = _downgrades(rules, old, target, base.ref)
            extra += found
            changes += [PolicyChange(True, text, target.display) for text in added]
        return extra, removed, changes


def _downgrades(rules: Mapping[str, object], old: object, target: Target, ref: str) -> tuple[list[Finding], list[str]]:
    try:
        text = target.file.read_text(encoding="utf-8").removeprefix("\ufeff")
        new, nodes = yamlsafe.parse_with_nodes(text, target.display)
    except (OSError, UnicodeDecodeError, ManifestError):
        return [], []  # the engine already reports a manifest that does not load
    from shiftleft.governance import drift

    out = []
    name = _name(new, target.display) if isinstance(new, dict) else target.display
    for change in drift.compare(old, new, ref):
        line, col = yamlsafe.locate_in(nodes, change.path)
        where = Location(target.display, line, col, ".".join(str(p) for p in change.path))
        out.append(apply_mod.finding(rules, change.rule, name, where, change.message))
    return out, drift.waivers_added(old, new, name)


def _base_manifests(base: basepolicy.Base, config: config_mod.Config, paths: Sequence[str], cwd: Path) -> list[str]:
    """Manifests at the base commit under the checked paths, matched by the base's globs."""
    from shiftleft.governance import gitread

    include = [glob_regex(g) for g in config.manifests]
    skip = [glob_regex(g) for g in config.exclude]
    out: list[str] = []
    for arg in paths or ["."]:
        top = Path(os.path.normpath(cwd / arg))
        prefix = _rel(top, base.root)
        for entry in gitread.files(base.commit, base.root, prefix):
            rel = entry.path[len(prefix) + 1 :] if prefix else entry.path
            if entry.mode == gitread.SUBMODULE:
                continue  # a pinned commit of another repository, never a manifest
            if any(p.match(rel) for p in include) and not any(p.match(rel) for p in skip):
                out.append(entry.path)
    return sorted(set(out))


def _rel(path: Path, root: Path) -> str:
    try:
        rel = path.resolve().relative_to(root).as_posix()
    except ValueError:
        raise UsageError(f"--base: {path} is outside the repository {root}") from None
    return "" if rel == "." else rel


def _parse(data: bytes | None, shown: str) -> object:
    if data is None:
        return None
    try:
        return yamlsafe.parse(yamlsafe.decode(data, shown), shown)
    except ManifestError:
        return None


def _name(raw: dict[str, object], fallback: str) -> str:
    meta = raw.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    return name if isinstance(name, str) and name else fallback


def changed_files(ref: str, cwd: Path) -> list[str]:
    """Files changed since `ref` (`check --changed --base REF`), relative to `cwd`."""
    from shiftleft.governance import gitread

    root = gitread.toplevel(cwd)
    commit = gitread.resolve(ref, root)
    return [os.path.relpath(root / name, cwd) for name in gitread.changed(commit, root)]
