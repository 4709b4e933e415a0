"""`shiftleft catalog export [PATHS] [-o FILE]`: this repository's services for other repositories.

Another repository lists the file in `catalogs = [...]` so that its
dependencies on these services resolve (docs/graph.md). Only valid manifests
are exported; an invalid one is named on stderr and the command exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from shiftleft.discover import NOT_CHECKED, discover
from shiftleft.formatters.safe import log
from shiftleft.graph import catalogfile
from shiftleft.manifest import model
from shiftleft.pipeline import write_file
from shiftleft.setup import load_config


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = sub.add_parser(
        "export",
        help="write the services of this repository as a versioned JSON catalog",
        description="Write name, tier, SLO, RTO, RPO, owner, dependencies and suppliers (with their SLA) of "
        "every valid manifest as JSON, for `catalogs = [...]` in other repositories.",
    )
    export.add_argument("paths", nargs="*", metavar="PATH", help="folders to search for manifests (default: .)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    export.add_argument("--config", metavar="FILE", help="configuration file to read instead of searching")


def run(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    config = load_config(args.config, cwd)
    targets = discover(args.paths or ["."], config.manifests, config.exclude, cwd)
    for t in targets:
        if t.skip is not None:  # nothing is left out silently, but an excluded file is no error
            print(f"shiftleft: {log(t.display)}: not exported, {log(t.skip[1])}", file=sys.stderr)
    manifests = [
        model.load(t.file, t.display, t.root, max_bytes=config.max_manifest_bytes) for t in targets if t.skip is None
    ]
    invalid = [m for m in manifests if not m.valid]
    for m in invalid:
        print(f"shiftleft: {log(m.display)}: not exported, the manifest has problems (run shiftleft check)",
              file=sys.stderr)  # fmt: skip
    seen: set[str] = set()
    raws = []
    for m in manifests:
        if m.valid and m.name not in seen:
            seen.add(m.name)
            raws.append(m.raw)
    text = json.dumps(catalogfile.export(raws), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        write_file(cwd / args.output, text)
    else:
        sys.stdout.write(text)
    return 1 if invalid or any(t.skip is not None and t.skip[0] == NOT_CHECKED for t in targets) else 0
