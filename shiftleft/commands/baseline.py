"""`shiftleft baseline [PATHS]`: record today's findings so that only new ones fail.

Writes `shiftleft/baseline-v1` JSON (see `shiftleft.governance.baseline`);
`shiftleft check --baseline FILE` then accepts those findings, shown as
"baseline" in every report. Exits 0 when the file was written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shiftleft import pipeline

DEFAULT_OUTPUT = "shiftleft-baseline.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="folders to search for manifests, or files; default: the current folder")  # fmt: skip
    parser.add_argument("-o", "--output", metavar="FILE",
                        help=f"baseline file to write (default: {DEFAULT_OUTPUT}; - for stdout)")  # fmt: skip
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: searched as by check)")
    parser.add_argument("--now", metavar="DATE", help="evaluate as of this date (YYYY-MM-DD or RFC 3339)")


def run(args: argparse.Namespace) -> int:
    from shiftleft.governance import baseline

    cwd = Path.cwd()
    outcome = pipeline.run(args.paths, config_file=args.config, fail_on=None, now=pipeline.parse_now(args.now), cwd=cwd)
    text = baseline.render(outcome.result)
    output = args.output or DEFAULT_OUTPUT
    if output == "-":
        sys.stdout.write(text)
        return 0
    pipeline.write_file(cwd / output, text)
    recorded = text.count('"fingerprint"')
    print(f"shiftleft: wrote {output} ({recorded} finding{'s' if recorded != 1 else ''} recorded)", file=sys.stderr)
    return 0
