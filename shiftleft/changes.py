"""Which services a set of changed files puts in scope (`shiftleft check --changed FILE...`).

This is the pre-commit hook's selection. The hook passes the staged files;
reporting only on their owners keeps the answer short, but some files change
the verdict for every service, and a service's neighbours read it through
graph rules:

- configuration (`.shiftleft.toml`, a `pyproject.toml` with `[tool.shiftleft]`),
  a rule file (YAML under the shipped or a configured rule folder), the tier
  policy or the waiver file: every service is reported;
- otherwise the services owning the files (a manifest, or any file under a
  service's folder: the nearest manifest above it), plus their dependents:
  services whose `spec.dependencies[].service` names one of them.

Deleted files are ignored, and so is a file no service owns; no files at all
is a clean run. `check --changed` loads the whole catalog, so that graph
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
    owners = discover(present, config.manifests, config.exclude, cwd)
    if not owners:
        return None
    return Selection(everything=False, owners=frozenset(t.display for t in owners), files=tuple(t.file for t in owners))


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
