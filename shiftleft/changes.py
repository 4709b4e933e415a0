"""Which services a set of changed files puts in scope (`shiftleft check --changed FILE...`).

This is the pre-commit hook's selection. The hook passes the staged files;
reporting only on their owners keeps the answer short, but some files change
the verdict for every service, and a service's neighbours read it through
graph rules:

- configuration (`.shiftleft.toml`, a `pyproject.toml` with `[tool.shiftleft]`),
  a rule file (YAML under the shipped or a configured rule folder), the tier
  policy or the waiver file: every service is reported;
- otherwise the services owning the files (a manifest, any file under a
  service's folder: the nearest manifest above it, or a file in a folder a
  manifest names in `spec.paths`, such as a shared `kubernetes-manifests/`),
  plus their dependents:
  services whose `spec.dependencies[].service` names one of them.

Deleted files are ignored, and so is a file no service owns unless it is a
deployable (a Kubernetes workload, Terraform, a Python package: then the run
judges whether some manifest claims it, `shiftleft.unowned`); no files at
all is a clean run. `check --changed` loads the whole catalog, so that graph
rules see every neighbour (a dependency outside the selection is not
"unknown", supplier concentration counts every service); the engine then
evaluates and reports only the owners, and the graph rules of their
dependents (`engine.Evaluation`'s `focus`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from shiftleft import config as config_mod
from shiftleft.discover import discover
from shiftleft.policy.catalog import shipped_folder
from shiftleft.setup import load_config

CONFIG_FILES = frozenset({".shiftleft.toml", "shiftleft-waivers.yaml"})
_RULE_SUFFIXES = (".yaml", ".yml")


class Selection(NamedTuple):
    """What to report after a change."""

    everything: bool
    """Configuration, a rule or the tier policy changed: every service."""
    owners: frozenset[str] = frozenset()
    """Manifests (as `check` displays them) owning the changed files."""
    files: tuple[Path, ...] = ()
    """The same manifests' paths."""


def selection(files: Sequence[str], *, config_file: str | None, cwd: Path) -> Selection | None:
    """The selection for changed `files` (relative to `cwd` or absolute); None: nothing to check."""
    present = [f for f in files if (cwd / f).is_file()]
    if not present:
        return None
    config = load_config(config_file, cwd)
    folders = [shipped_folder()[0], *config.rules]
    if any(_is_policy(cwd / f, config, folders) for f in present):
        return Selection(everything=True)
    owners = {t.display: t.file for t in discover(present, config.manifests, config.exclude, cwd)}
    orphans = [f for f in present if not discover([f], config.manifests, config.exclude, cwd)]
    if orphans:  # outside every service's folder: a shared folder some manifest names in spec.paths?
        owners.update(_claimed(orphans, config, cwd))
    if not owners:
        # A deployable no service owns (a new service's workload, Terraform or package): judged, not skipped.
        from shiftleft.unowned.finder import Finder

        return Selection(everything=False) if any(Finder(config, cwd).look(present)) else None
    return Selection(everything=False, owners=frozenset(owners), files=tuple(owners.values()))


def _claimed(files: Sequence[str], config: config_mod.Config, cwd: Path) -> dict[str, Path]:
    """Manifests whose `spec.paths` (code or infrastructure) contain one of `files`."""
    import os

    from shiftleft.discover import repo_root
    from shiftleft.errors import ManifestError
    from shiftleft.manifest import yamlsafe

    root = repo_root((cwd / files[0]).resolve())
    if root is None:
        return {}
    wanted = [os.path.realpath(cwd / f) for f in files]
    top = os.path.realpath(root).rstrip(os.sep) + os.sep
    out: dict[str, Path] = {}
    for target in discover([str(root)], config.manifests, config.exclude, cwd):
        try:
            data = yamlsafe.parse(target.file.read_text(encoding="utf-8"), target.display)
        except (OSError, UnicodeDecodeError, ManifestError):
            continue  # the check itself reports a manifest that does not load
        spec = data.get("spec") if isinstance(data, dict) else None
        paths = spec.get("paths") if isinstance(spec, dict) else None
        lists = [paths.get(key) for key in ("code", "infrastructure")] if isinstance(paths, dict) else []
        declared = [v for values in lists if isinstance(values, list) for v in values if isinstance(v, str)]
        for value in declared:
            base = os.path.realpath(target.file.parent / value)
            if not base.startswith(top):
                continue  # outside the repository (SL008): claims nothing
            if any(w == base or w.startswith(base.rstrip(os.sep) + os.sep) for w in wanted):
                out[target.display] = target.file
    return out


def _is_policy(path: Path, config: config_mod.Config, rule_folders: Iterable[Path]) -> bool:
    """Configuration, a rule file or the tier policy: a change that concerns every service."""
    resolved = path.resolve()
    if resolved.name in CONFIG_FILES:
        return True
    if config.file is not None and resolved == config.file.resolve():
        return True
    if resolved.name == "pyproject.toml" and config_mod.find(resolved.parent) == resolved:
        return True
    if config.tiers is not None and resolved == config.tiers.resolve():
        return True
    if config.waivers is not None and resolved == config.waivers.resolve():
        return True
    if resolved.suffix in _RULE_SUFFIXES:
        for folder in rule_folders:
            if resolved.is_relative_to(folder.resolve()):
                return True
    return False
