"""`shiftleft merge FILE...`: combine JSON reports (CI shards, repositories) into one result, any format."""

from __future__ import annotations

import argparse
from pathlib import Path

from shiftleft import formatters, pipeline
from shiftleft.commands.check import _outputs, _use_color
from shiftleft.errors import UsageError
from shiftleft.findings import Severity


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="JSON reports written by `shiftleft check --format json=FILE`")  # fmt: skip
    parser.add_argument("--fail-on", metavar="SEVERITY",
                        help="gate threshold of the merged result (default: the strictest of the reports)")  # fmt: skip
    names = ", ".join(formatters.NAMES)
    parser.add_argument("--format", action="append", metavar="FORMAT[=FILE]",
                        help=f"output format, to stdout or to FILE; repeatable (formats: {names})")  # fmt: skip
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text output (default: auto, only on a terminal)")  # fmt: skip
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="print only the findings")
    noise.add_argument("-v", "--verbose", action="store_true", help="also print fixes and clean services")


def run(args: argparse.Namespace) -> int:
    from shiftleft import merging, resultfile

    cwd = Path.cwd()
    threshold = None
    if args.fail_on is not None:
        try:
            threshold = Severity.parse(args.fail_on)
        except ValueError as e:
            raise UsageError(f"--fail-on: {e}") from None
    outputs = _outputs(args.format, cwd) if args.format else [("text", None)]
    result = merging.combine([(f, resultfile.load(cwd / f, f)) for f in args.files], threshold)
    verbosity = -1 if args.quiet else (1 if args.verbose else 0)
    for name, target in outputs:
        options = formatters.Options(color=target is None and _use_color(args.color), verbosity=verbosity)
        pipeline.write_report(name, result, options, target)
    return 0 if result.passed else 1
