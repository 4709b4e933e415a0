"""Deployables no manifest claims (SL822-SL824): nothing deployable merges without a manifest.

Three kinds, each marked by files the `[unowned]` globs select (relative to
the repository root; docs/evidence.md):

- a Kubernetes workload (`shiftleft.workloads`): claimed when its file is
  under some service's `spec.paths.infrastructure`; the finding points at
  the document's `kind:` line;
- a Terraform root, a folder holding `*.tf` files: claimed when each of
  them is under some `spec.paths.infrastructure`; the finding points at line
  1 of the first one that is not;
- a Python package, a folder with `__init__.py` whose parent has none (its
  subpackages belong to it): claimed when the folder is under some
  `spec.paths.code`; a project, a folder with `setup.py` or a
  `pyproject.toml` that declares one (`[project]`, `[build-system]` or
  `[tool.poetry]`): claimed when it is under a code path or holds one (the
  repository root's own is not judged: it is the repository's, often only
  its tooling, and its packages are judged one by one). The finding points
  at line 1 of the `__init__.py`, `pyproject.toml` or `setup.py`.

What discovery skips is skipped (`.git`, vendored and generated folders,
symlinked folders), and so is what the configuration's `exclude` and
`unowned.exclude` globs match. A claim is a declared path confined to the
repository as the loader confines it (no `..` or symlink escape). A run over
folders walks them; `check --changed` (the pre-commit hook) and file
arguments look at the given files only: each one's workloads, Terraform
folder or Python package.
"""

from shiftleft.unowned.claims import Claims, apply, judge
from shiftleft.unowned.finder import RULES, Deployable, Finder

__all__ = ["RULES", "Claims", "Deployable", "Finder", "apply", "judge"]
