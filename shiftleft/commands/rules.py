"""`shiftleft rules list|explain|test`: browse, read and test the rule catalog.

All three see the effective policy of `shiftleft check`: the shipped catalog,
extra rule folders from configuration, severity overrides and disabled rules.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from shiftleft import ruletest
from shiftleft.discover import display_path
from shiftleft.errors import UsageError
from shiftleft.findings import Severity
from shiftleft.formatters.safe import block, lead, log
from shiftleft.policy import catalog as catalog_mod
from shiftleft.policy import ruledoc
from shiftleft.setup import Policy, load_config, load_policy
from shiftleft.vocabulary import CATEGORIES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="table of rules: id, name, severity, category, frameworks",
                             description="List the rules of the effective catalog.")  # fmt: skip
    listing.add_argument("--category", metavar="NAME",
                         help=f"only this category ({', '.join(CATEGORIES)})")  # fmt: skip
    listing.add_argument("--framework", metavar="NAME",
                         help=f"only rules mapped to this framework ({', '.join(catalog_mod.FRAMEWORKS)})")  # fmt: skip
    listing.add_argument("--severity", metavar="LEVEL", help="only rules with this effective severity "
                         "(critical, high, medium, low, info)")  # fmt: skip
    explain = sub.add_parser("explain", help="the full documentation of one rule",
                             description="Show the documentation of one rule: what it checks, why, how to fix, "
                             "references and examples.")  # fmt: skip
    explain.add_argument("rule", metavar="RULE", help="rule id (SL301) or name (rto-within-tier)")
    test = sub.add_parser("test", help="run every rule against its examples and fixtures",
                          description="Run each rule's examples.fail (must produce a finding of that rule) and "
                          "examples.pass (must not), and the fixtures/<RULE>/pass-*.yaml and fail-*.yaml files "
                          "beside the rules. Exit 1 when an expectation breaks.")  # fmt: skip
    test.add_argument("dirs", nargs="*", metavar="DIR",
                      help="rule folders to test (default: the configured catalog, shipped rules "
                      "included)")  # fmt: skip
    test.add_argument("--now", metavar="DATE", help="date for examples that do not set examples.now "
                      "(YYYY-MM-DD; default: today)")  # fmt: skip
    test.add_argument("-v", "--verbose", action="store_true", help="list every rule tested")
    for p in (listing, explain, test):
        p.add_argument("--config", metavar="FILE", help="configuration file to read instead of searching")


def run(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    config = load_config(args.config, cwd)
    if args.action == "test" and args.dirs:
        return _test_dirs(args, config, cwd)
    policy = load_policy(config, cwd)
    if args.action == "list":
        return _list(args, policy)
    if args.action == "explain":
        return _explain(args, policy)
    return _report(ruletest.run(policy.catalog, policy.tiers, _now(args.now), policy.rule_folders), args.verbose,
                   policy.catalog)  # fmt: skip


def _now(text: str | None) -> dt.datetime:
    if text is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--now: {text!r} is not a date (YYYY-MM-DD)") from None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _severity(policy: Policy, rule: catalog_mod.Rule) -> Severity:
    return policy.config.severity.get(rule.id, rule.severity)


def _list(args: argparse.Namespace, policy: Policy) -> int:
    rules = policy.catalog.rules
    if args.category is not None:
        if args.category not in CATEGORIES:
            raise UsageError(f"--category: unknown category {args.category!r} (choose from "
                             f"{', '.join(CATEGORIES)})")  # fmt: skip
        rules = [r for r in rules if r.category == args.category]
    if args.framework is not None:
        if args.framework not in catalog_mod.FRAMEWORKS:
            raise UsageError(f"--framework: unknown framework {args.framework!r} (choose from "
                             f"{', '.join(catalog_mod.FRAMEWORKS)})")  # fmt: skip
        rules = [r for r in rules if args.framework in r.frameworks]
    if args.severity is not None:
        try:
            wanted = Severity.parse(args.severity)
        except ValueError as e:
            raise UsageError(f"--severity: {e}") from None
        rules = [r for r in rules if _severity(policy, r) is wanted]
    disabled = set(policy.config.disable)
    rows = [("ID", "NAME", "SEVERITY", "CATEGORY", "FRAMEWORKS")]
    for r in rules:
        severity = _severity(policy, r).value
        if severity != r.severity.value:
            severity += "*"
        name = r.name + (" (disabled)" if r.id in disabled else "")
        rows.append((r.id, name, severity, r.category, ", ".join(r.frameworks) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    notes = [f"{len(rules)} rule{'s' if len(rules) != 1 else ''}"]
    if any(_severity(policy, r) is not r.severity for r in rules):
        notes.append("* severity overridden by configuration")
    print("; ".join(notes))
    return 0


def _explain(args: argparse.Namespace, policy: Policy) -> int:
    wanted = args.rule.strip()
    rule = policy.catalog.get(wanted.upper()) or next((r for r in policy.catalog.rules if r.name == wanted), None)
    if rule is None:
        names = [r.id for r in policy.catalog.rules] + [r.name for r in policy.catalog.rules]
        close = _closest(wanted.upper() if wanted.upper()[:2] in {r.id[:2] for r in policy.catalog.rules} else wanted,
                         names)  # fmt: skip
        hint = f" (did you mean {close}?)" if close else ""
        raise UsageError(f"no rule {wanted!r} in the catalog{hint}; `shiftleft rules list` shows them all")
    severity = _severity(policy, rule).value
    # Organisation rules come from the repository: their text reaches the terminal inert.
    sys.stdout.write(block(ruledoc.explain(rule, severity=severity, disabled=rule.id in policy.config.disable)))
    return 0


def _closest(word: str, names: list[str]) -> str | None:
    """The name with the fewest single-character edits from `word` (at most a third of it), first wins ties."""

    def distance(a: str, b: str) -> int:
        row = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            prev, row[0] = row[0], i
            for j, cb in enumerate(b, 1):
                prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
        return row[-1]

    best = min(names, key=lambda n: distance(word, n), default=None)
    if best is None or distance(word, best) > max(1, len(word) // 3):
        return None
    return best


def _test_dirs(args: argparse.Namespace, config: object, cwd: Path) -> int:
    folders = []
    for d in args.dirs:
        folder = (cwd / d).resolve()
        if not folder.is_dir():
            raise UsageError(f"rule folder {d} does not exist")
        folders.append((folder, display_path(folder, cwd)))
    catalog = catalog_mod.load(folders)
    policy = load_policy(config, cwd)  # type: ignore[arg-type]
    return _report(ruletest.run(catalog, policy.tiers, _now(args.now), folders), args.verbose, catalog)


def _report(report: ruletest.Report, verbose: bool, catalog: catalog_mod.Catalog) -> int:
    evidence = set(report.evidence)
    ruletest.verify_checks([r for r in catalog.rules if r.id in evidence], report)
    for broken in report.broken:
        print(lead(log(broken), "./"))
    if verbose:
        for rule in catalog.rules:
            if rule.id not in report.evidence:
                print(f"tested {rule.id} {rule.name}")
    for rule_id in report.untested:
        print(f"note: {rule_id} has no failing example or fail- fixture, so nothing shows it can fail")
    noun = "rule" if report.rules == 1 else "rules"
    skipped = ""
    if report.evidence:  # judged by checkov and bandit, not by manifest examples
        skipped = (
            f"note: {len(report.evidence)} evidence rules (SL8xx) need the scanners or the repository's files "
            "and are not run here"
        )
        if report.checkov:
            skipped += f"; {report.checkov}"
    if report.passed:
        print(f"ok: {report.rules} {noun}, {report.cases} cases, every expectation holds")
        if skipped:
            print(skipped)
        return 0
    count = len(report.broken)
    print(f"failed: {count} broken expectation{'s' if count != 1 else ''} in {report.rules} {noun}, "
          f"{report.cases} cases")  # fmt: skip
    return 1
