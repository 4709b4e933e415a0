"""`shiftleft config`: the effective configuration and where each value came from."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from shiftleft.discover import display_path
from shiftleft.setup import load_config, load_policy


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="configuration file to read instead of searching")


def run(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    config = load_config(args.config, cwd)
    policy = load_policy(config, cwd)
    source = display_path(config.file, cwd) if config.file else "none (all defaults)"
    rows: list[tuple[str, Any, str]] = [
        ("manifests", list(config.manifests), config.source("manifests")),
        ("exclude", list(config.exclude), config.source("exclude")),
        ("fail_on", config.fail_on.value, config.source("fail_on")),
        ("tiers", policy.tiers.source, config.source("tiers")),
        (
            "rules",
            [display for _folder, display in policy.rule_folders],
            config.source("rules") + f"; {len(policy.catalog.rules)} rules",
        ),
        ("severity", {k: v.value for k, v in config.severity.items()}, config.source("severity")),
        ("disable", list(config.disable), config.source("disable")),
        ("max_manifest_bytes", config.max_manifest_bytes, config.source("max_manifest_bytes")),
        ("org", config.org, config.source("org")),
        ("catalogs", [display_path(c, cwd) for c in config.catalogs], config.source("catalogs")),
        ("waivers", display_path(config.waivers, cwd) if config.waivers else "shiftleft-waivers.yaml",
         config.source("waivers")),
        ("inline_waivers", config.inline_waivers, config.source("inline_waivers")),
        (
            "evidence",
            "auto" if config.evidence is None else config.evidence,
            config.source("evidence")
            + ("; auto: on when CI=true or GITHUB_ACTIONS=true" if config.evidence is None else ""),
        ),
        ("evidence_timeout", config.evidence_timeout, config.source("evidence_timeout")),
        ("unowned", {k: list(v) for k, v in config.unowned._asdict().items()}, config.source("unowned")),
    ]  # fmt: skip
    print(f"# configuration file: {source}")
    width = max(len(f"{k} = {_toml(v)}") for k, v, _ in rows)
    for key, value, origin in rows:
        line = f"{key} = {_toml(value)}"
        print(f"{line.ljust(width)}  # {origin}")
    print("# tiers: " + ", ".join(f"{t.number} {t.raw['name']}" for t in policy.tiers.tiers.values()))
    return 0


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value))
