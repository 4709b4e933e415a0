"""From scanner results to verdicts: a status per claim, and findings at the resources.

- contradicted: a mapped check failed on a resource in the service's paths
  (or was suppressed there: `checkov:skip` and `# nosec` do not silence a
  claim, only a waiver does), or a bandit issue reaches the rule's levels;
- verified: the scanner ran cleanly over the service's files, a mapped check
  passed on at least one resource (bandit: at least one file was scanned)
  and nothing contradicts it;
- unverified: nothing could prove it, or the scanner could not be trusted.

Scanner failures, files a scanner could not read and in-code suppressions
are findings of their own (SL801-SL804) at the manifest or the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from shiftleft.evidence import files, policies
from shiftleft.evidence.model import ClaimStatus, Result, Scan, Status
from shiftleft.evidence.subject import Claim, Subject
from shiftleft.findings import Finding, Location
from shiftleft.policy.catalog import Rule
from shiftleft.policy.evidencespec import LEVELS

MISSING, FAILED, UNREAD, SUPPRESSED, UNRENDERED = "SL801", "SL802", "SL803", "SL804", "SL825"


class Judge:
    def __init__(self, scans: Mapping[str, Scan], builtin: Callable[[str], Rule], show: Callable[[str], str]) -> None:
        """`builtin(id)`: the catalog's SL80x rule; `show(path)`: an absolute path as displayed."""
        self.scans = scans
        self.builtin = builtin
        self.show = show
        self.by_file: dict[str, list[Result]] = {}
        self.problems: dict[str, list[str]] = {}
        self.occurrence: dict[Result, int] = {}
        """A bandit issue's number among the issues of its test with the same line text in its file (1, 2, ...)."""
        seen: dict[tuple[str, str, str], int] = {}
        for scan in scans.values():
            for result in sorted(scan.results, key=lambda r: (r.file, r.line, r.check_id)):
                self.by_file.setdefault(result.file, []).append(result)
                if result.scanner == "bandit":
                    same = (result.file, result.check_id, result.code)
                    seen[same] = seen.get(same, 0) + 1
                    self.occurrence[result] = seen[same]
            for problem in scan.problems:
                self.problems.setdefault(problem.file, []).append(problem.message)

    def service(self, subject: Subject) -> tuple[list[Finding], list[ClaimStatus]]:
        findings: list[Finding] = []
        statuses: list[ClaimStatus] = []
        needed = {c.spec.scanner for c in subject.claims}
        for scanner in sorted(needed):
            findings.extend(self._scanner_failure(subject, scanner))
        findings.extend(self._unreadable(subject, needed))
        if "checkov" in needed:
            findings.extend(self._unrendered(subject))
        findings.extend(self._suppressions(subject))
        for claim in subject.claims:
            found, status, reason = self._claim(subject, claim)
            findings.extend(found)
            statuses.append(
                ClaimStatus(
                    subject.service,
                    claim.rule.id,
                    claim.rule.location,
                    subject.manifest,
                    claim.line,
                    claim.col,
                    status,
                    reason,
                    claim.rule.frameworks,
                )
            )
        return findings, statuses

    def _scanner_failure(self, subject: Subject, scanner: str) -> list[Finding]:
        scan = self.scans.get(scanner)
        if scan is None or not scan.failure:
            return []
        first = min((c for c in subject.claims if c.spec.scanner == scanner), key=lambda c: (c.line, c.col))
        rule = self.builtin(MISSING if scan.missing else FAILED)
        claims = sum(1 for c in subject.claims if c.spec.scanner == scanner)
        message = f"{scan.failure}; {claims} claim(s) it judges stay unverified"
        where = Location(subject.manifest, first.line, first.col, first.rule.location)
        return [_finding(rule, subject.service, where, message, (("scanner", scanner),))]

    def _unreadable(self, subject: Subject, needed: set[str]) -> list[Finding]:
        out = []
        for scanner, paths in (("checkov", subject.infrastructure), ("bandit", subject.code)):
            if scanner not in needed:
                continue
            for path in paths:
                for message in self.problems.get(path, []):
                    out.append(
                        _finding(
                            self.builtin(UNREAD),
                            subject.service,
                            Location(self.show(path), 1),
                            f"{self.show(path)} {message}",
                            (("scanner", scanner),),
                        )
                    )
        return out

    def _unrendered(self, subject: Subject) -> list[Finding]:
        claims = sum(1 for c in subject.claims if c.spec.scanner == "checkov")
        return [
            _finding(
                self.builtin(UNRENDERED),
                subject.service,
                Location(self.show(path), 1),
                f"{self.show(path)} heads a {files.kind(path)} that shiftleft does not render, so the resources "
                f"it renders were not checked; {claims} claim(s) checkov judges stay unverified",
                (("scanner", "checkov"),),
            )
            for path in subject.unrendered
        ]

    def _suppressions(self, subject: Subject) -> list[Finding]:
        out = []
        for path in (*subject.infrastructure, *subject.code):
            for r in self.by_file.get(path, []):
                if r.suppression:
                    message = (
                        f"{r.check_id} ({r.check_name}) is suppressed in the code ({r.suppression}) on "
                        f"{_what(r) if r.scanner == 'checkov' else f'line {r.line}'}; review it: "
                        "a suppression does not silence evidence, only a waiver does"
                    )
                    out.append(
                        _finding(
                            self.builtin(SUPPRESSED),
                            subject.service,
                            Location(self.show(path), r.line, 0, _what(r)),
                            message,
                            self._extra(r),
                        )
                    )
        return out

    def _claim(self, subject: Subject, claim: Claim) -> tuple[list[Finding], Status, str]:
        rule = claim.rule
        if claim.error:
            where = Location(subject.manifest, claim.line, claim.col, rule.location)
            return [_finding(rule, subject.service, where, claim.error)], Status.UNVERIFIED, claim.error
        scan = self.scans.get(claim.spec.scanner)
        paths = subject.infrastructure if claim.spec.scanner == "checkov" else subject.code
        relevant = [r for p in paths for r in self.by_file.get(p, []) if self._relevant(claim, r)]
        against = [r for r in relevant if r.outcome in ("failed", "skipped") and self._contradicts(claim, r)]
        if against:
            found = [self._contradiction(subject, claim, r) for r in against]
            return found, Status.CONTRADICTED, f"{len(against)} contradicting result(s), first {found[0].location}"
        if scan is None or scan.failure:
            reason = scan.failure if scan is not None else f"{claim.spec.scanner} did not run"
            return [], Status.UNVERIFIED, reason
        unread = [p for p in paths if p in self.problems]
        if unread:
            return [], Status.UNVERIFIED, f"{len(unread)} file(s) could not be scanned, first {self.show(unread[0])}"
        if claim.spec.scanner == "checkov" and subject.unrendered:
            first = subject.unrendered[0]
            return [], Status.UNVERIFIED, f"the {files.kind(first)} of {self.show(first)} was not rendered"
        if claim.spec.scanner == "bandit":
            if not paths:
                return [], Status.UNVERIFIED, "no Python code under spec.paths.code"
            return [], Status.VERIFIED, f"bandit scanned {len(paths)} file(s): nothing at or above {_levels(claim)}"
        passed = [r for r in relevant if r.outcome == "passed"]
        if not passed:
            what = (
                "no infrastructure under spec.paths.infrastructure"
                if not paths
                else "no resource in spec.paths.infrastructure that these checks apply to"
            )
            return [], Status.UNVERIFIED, what
        return (
            [],
            Status.VERIFIED,
            f"{len(passed)} check result(s) on {len({r.resource for r in passed})} resource(s) pass",
        )

    def _relevant(self, claim: Claim, result: Result) -> bool:
        spec = claim.spec
        if spec.scanner != result.scanner:
            return False
        if spec.scanner == "bandit":
            return True
        if spec.policy:
            return result.check_id == policies.check_id(spec.policy, claim.value)
        return result.check_id in spec.checks

    def _contradicts(self, claim: Claim, result: Result) -> bool:
        if claim.spec.scanner != "bandit":
            return True
        return _rank(result.severity) >= _rank(claim.spec.severity) and _rank(result.confidence) >= _rank(
            claim.spec.confidence
        )

    def _contradiction(self, subject: Subject, claim: Claim, r: Result) -> Finding:
        if r.scanner == "bandit":
            what = (
                f"bandit {r.check_id} ({r.check_name}, severity {r.severity}, confidence {r.confidence}): {r.resource}"
            )
        else:
            what = f"checkov {r.check_id} ({r.check_name}) fails on {r.resource}"
        if r.suppression:
            what += f" (suppressed in the code: {r.suppression}; only a waiver silences evidence)"
        message = f"{claim.message}, but {what}"
        claim_at = f"{subject.manifest}:{claim.line}:{claim.col}"
        extra = (
            *self._extra(r),
            ("status", Status.CONTRADICTED.value),
            ("claim", claim_at),
            ("claim_file", subject.manifest),
            ("claim_line", str(claim.line)),
            ("claim_col", str(claim.col)),
            ("claim_path", claim.rule.location),
        )
        where = Location(self.show(r.file), r.line, 0, _what(r))
        return _finding(claim.rule, subject.service, where, message, extra)

    def _extra(self, r: Result) -> tuple[tuple[str, str], ...]:
        """What a finding at `r` tells reports, and its `identity` (see `Finding.fingerprint`): the file and
        the check, and the resource (checkov) or the flagged line's text (bandit, which names no resource), so
        that it survives lines moving but two issues of one check in one file stay two."""
        shown = self.show(r.file)
        if r.scanner == "bandit":
            n = self.occurrence.get(r, 1)
            ident = f"{shown} {r.check_id} {r.code}" + (f" #{n}" if n > 1 else "")
        else:
            ident = f"{shown} {r.check_id} {r.resource}"
        return (*_extra(r), ("identity", ident))


def _what(r: Result) -> str:
    """What a finding at a scanner result points at: the checkov resource, or the bandit test."""
    return r.resource if r.scanner == "checkov" else r.check_id


def _extra(r: Result) -> tuple[tuple[str, str], ...]:
    out = [
        ("scanner", r.scanner),
        ("check_id", r.check_id),
        ("check_name", r.check_name),
        ("resource", r.resource),
        ("lines", f"{r.line}-{r.end_line}"),
    ]
    if r.suppression:
        out.append(("suppressed", r.suppression))
    if r.severity:
        out += [("scanner_severity", r.severity), ("scanner_confidence", r.confidence)]
    if r.code:
        out.append(("code", r.code))
    return tuple(out)


def _rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)  # an unknown level counts as the highest


def _levels(claim: Claim) -> str:
    return f"severity {claim.spec.severity} with confidence {claim.spec.confidence}"


def _finding(rule: Rule, service: str, where: Location, message: str, extra: Sequence[tuple[str, str]] = ()) -> Finding:
    return Finding(
        rule.id, rule.name, rule.severity, rule.category, service, where, message, rule.remediation, tuple(extra)
    )
