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

import functools
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from shiftleft.discover import display_path
from shiftleft.evidence import bandit, cache, checkov, files, identity, policies, process
from shiftleft.evidence.judge import Judge
from shiftleft.evidence.model import ClaimStatus, Scan
from shiftleft.evidence.subject import Subject, capture
from shiftleft.findings import Finding, Severity
from shiftleft.policy.catalog import Catalog, Rule
from shiftleft.results import RunResult

__all__ = ["DEFAULT_TIMEOUT", "apply", "capture", "rules"]

DEFAULT_TIMEOUT = 600.0
STOP_WAIT = 5.0
"""Seconds an interrupted run waits for each other scanner thread to end once its processes are killed; a thread
still running then (a scanner stuck outside its process) is a daemon and does not hold the interpreter's exit."""


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
    shown = tuple(r for r in catalog.rules if r.category == "evidence" and r.id not in disable)
    rules_ = tuple(sorted((*result.catalog, *shown), key=lambda r: r.id))
    return result._replace(services=tuple(services), findings=every, claims=tuple(statuses), catalog=rules_)


def scan_all(
    subjects: Sequence[Subject], timeout: float, quiet: bool = False, arg_limit: int | None = None
) -> dict[str, Scan]:
    """Run (or recall from the cache) checkov and bandit over what the subjects' claims need.

    `arg_limit`: bytes of command line per scanner run (default: what the system allows, with a margin).
    """
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
    scans: dict[str, Scan] = {}
    jobs: list[tuple[str, str, Callable[[], Scan]]] = []
    """(scanner, cache key, run): the scans the cache does not answer."""
    for scanner, paths in (("checkov", sorted(infra)), ("bandit", sorted(code))):
        if not paths:
            continue
        try:
            executable = process.find(scanner)
        except process.ScannerFailure as e:
            scans[scanner] = Scan(scanner, "", failure=e.message, missing=True)
            continue
        installed = identity.of(scanner, executable)
        if scanner == "checkov":
            ids = sorted(checks | {policies.check_id(p, v) for p, v in wanted})
            sources = [policies.source(p, v) for p, v in sorted(wanted)]
            key = cache.key(scanner, installed, [*checkov.FIXED_ARGS, *ids], paths, sources)
            job = functools.partial(_checkov, executable, paths, ids, wanted, timeout, arg_limit)
        else:
            key = cache.key(scanner, installed, bandit.FIXED_ARGS, paths)
            job = functools.partial(_bandit, executable, paths, timeout, arg_limit, installed.version)
        cached = cache.read(key)
        if cached is not None:
            scans[scanner] = cached
        else:
            jobs.append((scanner, key, job))
    if jobs and not quiet:
        what = ", ".join(f"{name} on {len(infra if name == 'checkov' else code)} file(s)" for name, _k, _j in jobs)
        print(f"shiftleft: evidence: running {what}", file=sys.stderr)
    process.allow()
    threads = [
        threading.Thread(target=lambda n=name, j=job: scans.__setitem__(n, _normalised(j())), daemon=True)
        for name, _k, job in jobs[1:]
    ]
    try:
        for thread in threads:  # checkov and bandit at the same time: the run takes as long as the slower one
            thread.start()
        if jobs:
            scans[jobs[0][0]] = _normalised(jobs[0][2]())
        for thread in threads:
            thread.join()
    except BaseException:  # the run's deadline (or ^C) stops every scanner, not only the one in this thread
        process.stop_all()
        for thread in threads:
            thread.join(STOP_WAIT)
        raise
    for name, key, _job in jobs:
        cache.write(key, scans[name])
    return scans


def _checkov(
    executable: str,
    paths: list[str],
    ids: list[str],
    wanted: set[tuple[str, int]],
    timeout: float,
    arg_limit: int | None,
) -> Scan:
    unreadable = [p for p in map(files.unreadable, paths) if p is not None]
    bad = {p.file for p in unreadable}
    readable = [p for p in paths if p not in bad]
    scan = Scan("checkov", "")
    if readable:
        with tempfile.TemporaryDirectory(prefix="shiftleft-policies-") as folder:
            policies.write(folder, wanted)
            scan = checkov.scan(executable, readable, ids, folder if wanted else None, timeout, arg_limit)
    return scan._replace(problems=(*scan.problems, *unreadable))


def _bandit(executable: str, paths: list[str], timeout: float, arg_limit: int | None, version: str) -> Scan:
    scan = bandit.scan(executable, paths, timeout, arg_limit)
    return scan if scan.failure else scan._replace(version=version)  # bandit's report does not name its version


def _normalised(scan: Scan) -> Scan:
    """Scanner paths as the real absolute paths shiftleft listed (checkov and bandit echo them variously),
    in one canonical order."""
    results = sorted(r._replace(file=os.path.realpath(r.file)) for r in scan.results)
    problems = sorted(p._replace(file=os.path.realpath(p.file)) for p in scan.problems)
    return Scan(scan.scanner, scan.version, tuple(results), tuple(problems), scan.failure, scan.missing)
