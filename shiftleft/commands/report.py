"""`shiftleft report [PATHS]`: write the portfolio report for architects.

Runs the same pipeline as `check` and writes one HTML (default) or Markdown
file. The report is not a gate: it exits 0 when the file was written,
whatever the findings, and 2 on usage or configuration errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shiftleft import formatters, pipeline

FORMATS = ("html", "markdown")
DEFAULT_OUTPUT = {"html": "shiftleft-report.html", "markdown": "shiftleft-report.md"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="folders to search for manifests, or files; default: the current folder",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write the report (default: shiftleft-report.html or .md; - for standard output)",
    )
    parser.add_argument(
        "--evidence",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="prove or refute the claims with checkov and bandit (default: evidence in configuration, else on in CI)",
    )
    parser.add_argument("--format", choices=FORMATS, default="html", help="report format (default: html)")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: .shiftleft.toml or pyproject.toml [tool.shiftleft] in this folder or above)",
    )
    parser.add_argument(
        "--fail-on",
        metavar="SEVERITY",
        help="the gate threshold the report shows (default: high, or fail_on in configuration)",
    )
    parser.add_argument(
        "--now", metavar="DATE", help="report as of this date (YYYY-MM-DD or RFC 3339) instead of today"
    )
    parser.add_argument("--compare", metavar="PREVIOUS.json",
                        help="show what is new, fixed, waived and expired since a previous "
                        "`check --format json=FILE` report, per service and per framework")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    now = pipeline.parse_now(args.now)
    outcome = pipeline.run(args.paths, config_file=args.config, fail_on=args.fail_on, now=now, cwd=cwd,
                           evidence=args.evidence)  # fmt: skip
    result = outcome.result
    if args.compare is not None:
        from shiftleft.governance import compare

        result = compare.compare(result, compare.load(cwd / args.compare, args.compare), args.compare)
    output = args.output or DEFAULT_OUTPUT[args.format]
    # Written as it is rendered (decision 0025): a report of 10,000 services is never one string.
    pipeline.write_report(args.format, result, formatters.Options(), None if output == "-" else cwd / output)
    if output == "-":
        return 0
    print(
        f"shiftleft: wrote {output} ({len(result.services)} services, {len(result.findings)} findings)",
        file=sys.stderr,
    )
    return 0
