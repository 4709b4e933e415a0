"""The files a service's `spec.paths` name: what each scanner is given, confined to the repository.

Files are listed by shiftleft and handed to the scanners one by one
(checkov `-f`, bandit with explicit targets), never as directories, so no
scanner discovers configuration of its own in the checkout. YAML and JSON
infrastructure files are parsed here as well: checkov skips a Kubernetes
file that does not parse without a word, and a file nobody read cannot be
evidence of anything.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from shiftleft.evidence.model import Problem
from shiftleft.paths import confine

INFRASTRUCTURE = (".tf", ".yaml", ".yml", ".json")
"""Terraform, Kubernetes and CloudFormation files checkov reads."""
RENDERED = ("Chart.yaml", "kustomization.yaml", "kustomization.yml", "Kustomization")
"""Helm charts and Kustomize builds: their resources exist only once rendered, which shiftleft does not do."""
CODE = (".py",)
SKIPPED_DIRS = frozenset({".git", ".terraform", "__pycache__", ".venv", ".tox", "node_modules"})
"""Tool caches and environments, never the service's own infrastructure or code."""
MAX_BYTES = 8 * 1024 * 1024


def listed(
    folder: Path, root: Path, declared: list[str], suffixes: tuple[str, ...], names: tuple[str, ...] = ()
) -> tuple[list[str], list[str]]:
    """Files under the `declared` paths (relative to the manifest's `folder`) with one of `suffixes` or `names`.

    Returns (absolute real paths, paths refused as outside the repository);
    SL008 reports those against the manifest, here they are simply not scanned.
    """
    root_real = os.path.realpath(root)
    base = os.path.realpath(folder)
    out: list[str] = []
    refused: list[str] = []
    for value in declared:
        problem, exists = confine(base, root_real, value)
        if problem is not None:
            refused.append(value)
            continue
        if not exists:
            continue
        start = os.path.realpath(os.path.join(base, value))
        if os.path.isfile(start):
            out.append(start)
            continue
        out.extend(_walk(start, root_real, suffixes, names))
    return sorted(dict.fromkeys(out)), refused


def _walk(start: str, root_real: str, suffixes: tuple[str, ...], names: tuple[str, ...]) -> Iterator[str]:
    """Files under the real folder `start`; folder symlinks are not followed, file symlinks only inside the root."""
    inside = root_real.rstrip(os.sep) + os.sep
    stack = [start]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in reversed(entries):
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_DIRS:
                    stack.append(entry.path)
            elif entry.name.endswith(suffixes) or entry.name in names:
                if not entry.is_symlink():
                    yield entry.path  # a real file in a real folder: its path is already real
                    continue
                real = os.path.realpath(entry.path)
                if real.startswith(inside) and os.path.isfile(real):
                    yield real


def unrendered(paths: list[str], root: Path) -> list[str]:
    """The Helm charts' `Chart.yaml` and the Kustomize builds' `kustomization.yaml` among `paths`, and the
    `Chart.yaml` of a chart whose `templates/` files are listed without it (a path naming only the templates)."""
    inside = os.path.realpath(root).rstrip(os.sep) + os.sep
    found: set[str] = set()
    for path in paths:
        if os.path.basename(path) in RENDERED:
            found.add(path)
            continue
        parts = path.split(os.sep)
        if "templates" in parts[:-1]:
            at = len(parts) - 1 - parts[:-1][::-1].index("templates") - 1  # the innermost templates/ folder
            chart = os.path.join(os.sep.join(parts[:at]) or os.sep, "Chart.yaml")
            if chart.startswith(inside) and os.path.isfile(chart):
                found.add(chart)
    return sorted(found)


def kind(path: str) -> str:
    """What an `unrendered` file heads: a Helm chart or a Kustomize build."""
    return "Helm chart" if os.path.basename(path) == "Chart.yaml" else "Kustomize build"


def unreadable(path: str) -> Problem | None:
    """A YAML or JSON infrastructure file that does not parse (checkov would skip it silently)."""
    if not path.endswith((".yaml", ".yml", ".json")):
        return None  # Terraform parse errors come back from checkov itself
    if "templates" in Path(path).parts:
        return None  # Helm templates are not YAML until rendered
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            return Problem("checkov", path, f"larger than {MAX_BYTES // (1024 * 1024)} MiB; not scanned")
        with open(path, "rb") as fh:
            data = fh.read()
        text = data.decode("utf-8")
    except OSError as e:
        return Problem("checkov", path, f"cannot be read: {e.strerror or e}")
    except UnicodeDecodeError:
        return Problem("checkov", path, "is not UTF-8; checkov cannot read it")
    if path.endswith(".json"):
        try:
            json.loads(text)
        except ValueError as e:
            return Problem("checkov", path, f"is not valid JSON ({e}); checkov skips it")
        return None
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for _ in yaml.compose_all(text, Loader=loader):  # syntax only: CloudFormation tags are fine
            pass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        what = getattr(e, "problem", None) or "invalid YAML"
        return Problem("checkov", path, f"does not parse as YAML{where} ({what}); checkov skips it silently")
    return None
