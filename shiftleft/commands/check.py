"""`shiftleft check [PATHS]`: evaluate manifests against the policy."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from shiftleft import deadline, formatters, pipeline
from shiftleft.errors import UsageError
from shiftleft.formatters.safe import log
from shiftleft.paths import printable

if TYPE_CHECKING:
    from shiftleft.shard import Shard


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="folders to search for manifests, or files (a file that is not a manifest checks the "
        "service that owns it); default: the current folder",
    )
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: .shiftleft.toml or "
                        "pyproject.toml [tool.shiftleft] in this folder or above)")  # fmt: skip
    parser.add_argument(
        "--fail-on",
        metavar="SEVERITY",
        help="exit 1 when a finding is at or above this severity: critical, high, medium, low, info "
        "(default: high, or fail_on in configuration)",
    )
    parser.add_argument(
        "--now",
        metavar="DATE",
        help="evaluate as of this date (YYYY-MM-DD or RFC 3339) instead of today, for reproducible runs",
    )
    parser.add_argument(
        "--format",
        action="append",
        metavar="FORMAT[=FILE]",
        help=f"output format, to stdout or to FILE; repeatable (formats: {', '.join(formatters.NAMES)})",
    )
    parser.add_argument(
        "--github-output",
        metavar="FILE",
        help="append the step outputs (passed, findings, a count per severity, and NAME-file for each "
        "--format NAME=FILE) to FILE in GitHub's output format; the Action passes $GITHUB_OUTPUT",
    )
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text output (default: auto, only on a terminal)")  # fmt: skip
    parser.add_argument(
        "--changed",
        action="store_true",
        help="PATHS are changed files (the pre-commit hook): check the services owning them and their "
        "dependents, or every service when configuration, rules or tiers changed; no files: exit 0",
    )
    parser.add_argument(
        "--shard",
        metavar="K/N",
        help="report only shard K of N (services split by a hash of their name; the graph still sees "
        "every service): one job of a CI matrix; `shiftleft merge` combines the shards' JSON reports",
    )
    parser.add_argument(
        "--evidence",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="check the manifests' claims against their infrastructure (checkov) and code (bandit); "
        "default: evidence in configuration, else on when CI=true or GITHUB_ACTIONS=true",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=deadline.DEFAULT,
        metavar="SECONDS",
        help=f"stop a run that takes longer, with exit 2 (default: {deadline.DEFAULT:g}; 0: no limit)",
    )
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="finding no manifest is a clean run (exit 0) instead of an error (exit 2)",
    )
    parser.add_argument(
        "--base",
        metavar="REF",
        help="judge with the policy (configuration, rules, tiers, waivers, catalogs) of this git revision, "
        "report requirement downgrades since it and list the policy edits; with --changed, the changed "
        "files are those since REF",
    )
    parser.add_argument("--baseline", metavar="FILE",
                        help="accept the findings recorded in FILE (written by `shiftleft baseline`)")  # fmt: skip
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="print only the findings; with every --format "
                       "going to a file, print nothing")  # fmt: skip
    noise.add_argument("-v", "--verbose", action="store_true", help="also print fixes and clean services")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 10**7:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds")
    return value


def run(args: argparse.Namespace) -> int:
    with deadline.limit(args.timeout):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    if args.format:
        outputs = _outputs(args.format, cwd)
        if not args.quiet and all(target is not None for _name, target in outputs):
            outputs.append(("text", None))  # reports to files; the person at the terminal still sees the verdict
    elif os.environ.get("GITHUB_ACTIONS") == "true":
        # Under GitHub Actions the annotations come for free; the github format includes the usual text.
        outputs = [("github", None)]
    else:
        outputs = [("text", None)]
    now = pipeline.parse_now(args.now)
    shard = _shard(args)
    paths, selection, files = args.paths, None, None
    if args.changed:
        from shiftleft import changes

        files = list(args.paths)
        if args.base is not None:
            from shiftleft.governance.session import changed_files

            files += changed_files(args.base, cwd)
        selection = changes.selection(files, config_file=args.config, cwd=cwd)
        if selection is None:
            if args.base is None:
                return 0  # nothing shiftleft reads was changed: a clean run, and a quiet one
            selection = changes.Selection(everything=False)  # still: deleted manifests and the policy diff
        # The whole catalog, so graph rules see every neighbour (the repository's, also when run from one of
        # its folders); only the selection is reported. The owners are named too: one inside a vendor folder,
        # which the hook's walk does not enter, is still reported as not checked.
        from shiftleft.discover import repo_root

        root = repo_root(cwd.resolve())
        paths = [str(root) if root is not None else ".", *(str(f) for f in selection.files)]
    focus = selection.owners if selection is not None and not selection.everything else None
    outcome = pipeline.run(
        paths, config_file=args.config, fail_on=args.fail_on, now=now, cwd=cwd, focus=focus,
        whole_catalog=not args.changed, vendored=not args.changed, base=args.base, baseline=args.baseline,
        evidence=args.evidence, quiet=args.quiet, shard=shard, changed=files,
    )  # fmt: skip
    result, config = outcome.result, outcome.config
    verbosity = -1 if args.quiet else (1 if args.verbose else 0)
    if not outcome.checked and result.passed:
        where = printable(", ".join(args.paths)) if args.paths and not args.changed else "."
        note = f"no manifests found in {where} (looking for {', '.join(config.manifests)})"
        if outcome.found:
            note = f"no manifest checked in {where}: all {outcome.found} found are excluded by the configuration"
        if not (args.allow_empty or args.changed):
            raise UsageError(f"{note}; pass --allow-empty if an empty run is expected")
        if verbosity >= 0:
            print(f"shiftleft: {log(note)}", file=sys.stderr)
    for name, target in outputs:
        deadline.stage(f"writing the {name} output")
        color = target is None and _use_color(args.color)
        pipeline.write_report(name, result, formatters.Options(color=color, verbosity=verbosity), target)
    if args.github_output:
        from shiftleft.formatters import github

        files = [(name, target) for name, target in outputs if target is not None]
        pipeline.write_file(Path(args.github_output), github.outputs(result, files), append=True)
    return 0 if result.passed else 1


def _shard(args: argparse.Namespace) -> Shard | None:
    if args.shard is None:
        return None
    if args.changed:
        raise UsageError("--shard splits a whole catalog between CI jobs; it does not go with --changed")
    from shiftleft import shard

    return shard.parse(args.shard)


def _outputs(specs: list[str], cwd: Path) -> list[tuple[str, Path | None]]:
    out: list[tuple[str, Path | None]] = []
    to_stdout = 0
    for spec in specs:
        name, sep, file = spec.partition("=")
        if name not in formatters.NAMES:
            raise UsageError(f"--format: unknown format {name!r} (available: {', '.join(formatters.NAMES)})")
        if sep and not file:
            raise UsageError(f"--format {spec}: missing file name after '='")
        if not sep:
            to_stdout += 1
        out.append((name, (cwd / file) if sep else None))
    if to_stdout > 1:
        raise UsageError("--format: only one format can go to standard output; give the others a file (FORMAT=FILE)")
    return out


def _use_color(mode: str) -> bool:
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()
