"""Evidence: the manifests' claims checked against the infrastructure and code they describe.

Data flow (DESIGN.md section 5): while manifests load, `subject.capture`
takes each service's claims and files; after the engine, `apply` runs
checkov over the union of the services' infrastructure files and bandit over
the union of their code (each at most once per run, both at the same time,
results cached by content), then `judge` gives every claim a status and
turns contradictions, scanner failures, unreadable files and in-code
suppressions into findings of the service owning the file.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from shiftleft.discover import display_path
from shiftleft.evidence import bandit, cache, checkov, files, policies, process
from shiftleft.evidence.judge import Judge
from shiftleft.evidence.model import ClaimStatus, Scan
from shiftleft.evidence.subject import Subject, capture
from shiftleft.findings import Finding, Severity
from shiftleft.policy.catalog import Catalog, Rule
from shiftleft.results import RunResult

__all__ = ["DEFAULT_TIMEOUT", "apply", "capture", "rules"]

DEFAULT_TIMEOUT = 600.0


def rules(catalog: Catalog, disable: frozenset[str]) -> list[Rule]:
    """The catalog's evidence rules (those with an `evidence:` block) that are not disabled."""
    return [r for r in catalog.rules if r.evidence and r.id not in disable]


def apply(
    result: RunResult,
    subjects: Sequence[Subject],
    catalog: Catalog,
    *,
    severity: Mapping[str, Severity],
    disable: frozenset[str],
    cwd: Path,
    timeout: float = DEFAULT_TIMEOUT,
    quiet: bool = False,
) -> RunResult:
    """`result` with the evidence findings added to their services and every claim's status."""
    scans = scan_all(subjects, timeout, quiet)

    def builtin(rule_id: str) -> Rule:
        rule = catalog.get(rule_id)
        if rule is None:  # a stripped catalog still reports, fail closed
            return Rule(rule_id, "evidence-failed", Severity.CRITICAL, "evidence", "", "", "", "", builtin=True)
        return rule

    judge = Judge(scans, builtin, lambda path: display_path(Path(path), cwd))
    added: dict[str, list[Finding]] = {}
    statuses: list[ClaimStatus] = []
    for subject in subjects:
        found, claims = judge.service(subject)
        added.setdefault(subject.manifest, []).extend(
            f._replace(severity=severity.get(f.rule, f.severity)) for f in found if f.rule not in disable
        )
        statuses.extend(claims)
    services = []
    for service in result.services:
        extra = added.get(service.file)
        if extra:
            service = service._replace(findings=tuple(sorted((*service.findings, *extra), key=Finding.sort_key)))
        services.append(service)
    every = tuple(sorted((f for s in services for f in s.findings), key=Finding.sort_key))
    return result._replace(services=tuple(services), findings=every, claims=tuple(statuses))


def scan_all(subjects: Sequence[Subject], timeout: float, quiet: bool = False) -> dict[str, Scan]:
    """Run (or recall from the cache) checkov and bandit over what the subjects' claims need."""
    infra: dict[str, None] = {}
    code: dict[str, None] = {}
    checks: set[str] = set()
    wanted: set[tuple[str, int]] = set()
    for subject in subjects:
        for claim in subject.claims:
            if claim.error:
                continue
            if claim.spec.scanner == "checkov":
                infra.update(dict.fromkeys(subject.infrastructure))
                checks.update(claim.spec.checks)
                if claim.spec.policy:
                    wanted.add((claim.spec.policy, claim.value))
            else:
                code.update(dict.fromkeys(subject.code))
    jobs = []
    if infra:
        jobs.append(("checkov", lambda: _checkov(sorted(infra), checks, wanted, timeout)))
    if code:
        jobs.append(("bandit", lambda: _bandit(sorted(code), timeout)))
    if not jobs:
        return {}
    if not quiet:
        what = ", ".join(f"{name} on {len(infra if name == 'checkov' else code)} file(s)" for name, _ in jobs)
        print(f"shiftleft: evidence: {what}", file=sys.stderr)
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {name: pool.submit(job) for name, job in jobs}
        return {name: future.result() for name, future in futures.items()}


def _checkov(paths: list[str], checks: set[str], wanted: set[tuple[str, int]], timeout: float) -> Scan:
    unreadable = [p for p in map(files.unreadable, paths) if p is not None]
    bad = {p.file for p in unreadable}
    paths = [p for p in paths if p not in bad]
    scan = Scan("checkov", "")
    if paths:
        try:
            executable = process.find("checkov")
        except process.ScannerFailure as e:
            return Scan("checkov", "", failure=e.message, missing=True)
        ids = sorted(checks | {policies.check_id(p, v) for p, v in wanted})
        sources = [policies.source(p, v) for p, v in sorted(wanted)]
        key = cache.key("checkov", executable, [*checkov.FIXED_ARGS, *ids], paths, sources)
        cached = cache.read(key)
        if cached is not None:
            scan = cached
        else:
            with tempfile.TemporaryDirectory(prefix="shiftleft-policies-") as folder:
                policies.write(folder, wanted)
                scan = checkov.scan(executable, paths, ids, folder if wanted else None, timeout)
            scan = _normalised(scan)
            cache.write(key, scan)
    return scan._replace(problems=(*scan.problems, *unreadable))


def _bandit(paths: list[str], timeout: float) -> Scan:
    try:
        executable = process.find("bandit")
    except process.ScannerFailure as e:
        return Scan("bandit", "", failure=e.message, missing=True)
    key = cache.key("bandit", executable, bandit.FIXED_ARGS, paths)
    cached = cache.read(key)
    if cached is not None:
        return cached
    scan = _normalised(bandit.scan(executable, paths, timeout))
    cache.write(key, scan)
    return scan


def _normalised(scan: Scan) -> Scan:
    """Scanner paths as the real absolute paths shiftleft listed (checkov and bandit echo them variously)."""
    results = tuple(r._replace(file=os.path.realpath(r.file)) for r in scan.results)
    problems = tuple(p._replace(file=os.path.realpath(p.file)) for p in scan.problems)
    return Scan(scan.scanner, scan.version, results, problems, scan.failure, scan.missing)
