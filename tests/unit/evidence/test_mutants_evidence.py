"""`shiftleft.evidence`: what each scanner is asked (files, checks, policies, cache key), run at most once, and how
the verdicts join the run's result (severity overrides, disabled rules, a stripped catalog)."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path
from typing import Any

import pytest

import shiftleft.evidence as evidence
from shiftleft.evidence import bandit, cache, checkov, files, identity, process
from shiftleft.evidence.model import Problem, Result, Scan, Status
from shiftleft.evidence.subject import Subject
from shiftleft.findings import Finding, Location, Severity
from shiftleft.policy.catalog import Catalog
from shiftleft.results import RunResult, ServiceResult
from tests.unit.evidence.recorded import MANIFEST, catalog, claim, rule

AT_REST = claim("SL810", 17, 27)
REPLICAS = claim("SL814", 13, 19, value=3)
CODE = claim("SL820", 10, 21)
BROKEN = claim("SL813", 12, 12)._replace(error="SL813 could not be evaluated (when): x")


class Fake:
    """process.find, identity.of, the cache and the two scanners, recorded."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, cached: dict[str, Scan] | None = None) -> None:
        self.keys: list[tuple[Any, ...]] = []
        self.written: list[tuple[str, Scan]] = []
        self.scans: list[tuple[Any, ...]] = []
        self.events: list[str] = []
        self.cached = cached or {}
        self.missing: set[str] = set()
        monkeypatch.setattr(process, "find", self.find)
        monkeypatch.setattr(process, "allow", lambda: self.events.append("allow"))
        monkeypatch.setattr(process, "stop_all", lambda: self.events.append("stop_all"))
        monkeypatch.setattr(identity, "of", lambda s, exe: identity.Identity(f"{s}-1.0", f"{exe}-digest"))
        monkeypatch.setattr(cache, "key", self.key)
        monkeypatch.setattr(cache, "read", lambda key: self.cached.get(key))
        monkeypatch.setattr(cache, "write", lambda key, scan: self.written.append((key, scan)))
        monkeypatch.setattr(checkov, "scan", self.checkov)
        monkeypatch.setattr(bandit, "scan", self.bandit)

    def find(self, scanner: str) -> str:
        if scanner in self.missing:
            raise process.ScannerFailure(scanner, f"{scanner} is not installed", missing=True)
        return f"/bin/{scanner}"

    def key(self, scanner: str, installed: identity.Identity, args: Any, paths: Any, extra: Any = ()) -> str:
        self.keys.append((scanner, installed, list(args), list(paths), list(extra)))
        return f"key-{scanner}"

    def checkov(
        self, exe: str, paths: list[str], ids: list[str], folder: str | None, timeout: float, limit: Any
    ) -> Scan:
        written = sorted(os.listdir(folder)) if folder else None
        assert folder is None or Path(folder).name.startswith("shiftleft-policies-")
        self.scans.append(("checkov", exe, paths, ids, written, timeout, limit))
        return Scan("checkov", "3.3.30", (Result("checkov", "CKV_AWS_3", "n", paths[-1], 1, 5, "r.b", "failed"),
                                          Result("checkov", "CKV_AWS_3", "n", paths[0], 1, 5, "r.a", "passed")),
                    (Problem("checkov", paths[0], "p"),))  # fmt: skip

    def bandit(self, exe: str, paths: list[str], timeout: float, limit: Any) -> Scan:
        self.scans.append(("bandit", exe, paths, timeout, limit))
        if "fail" in paths[0]:
            return Scan("bandit", "", failure="bandit crashed")
        return Scan("bandit", "")


def tree(root: Path, *rels: str) -> list[str]:
    for rel in rels:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("a: 1\n", encoding="utf-8")
    return [str(root / rel) for rel in rels]


def test_each_scanner_runs_once_over_the_union_of_what_the_claims_need(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = Fake(monkeypatch)
    a_tf, shared, b_tf, a_py, b_py, bad = tree(tmp_path, "a/main.tf", "shared/k8s.yaml", "b/main.tf", "a/app.py",
                                               "b/app.py", "b/bad.json")  # fmt: skip
    Path(bad).write_text("{", encoding="utf-8")
    a = Subject("a", "a/shiftleft.yaml", (shared, a_tf), (a_py,), (AT_REST, REPLICAS, CODE, BROKEN))
    b = Subject("b", "b/shiftleft.yaml", (b_tf, shared, bad), (b_py,), (AT_REST,))
    scans = evidence.scan_all([a, b], 42.0, arg_limit=5000)
    ids = sorted({*AT_REST.spec.checks, "CKV2_SLREPLICAS_3"})
    infra = sorted([a_tf, shared, b_tf, bad])
    assert fake.keys == [
        ("checkov", identity.Identity("checkov-1.0", "/bin/checkov-digest"), [*checkov.FIXED_ARGS, *ids], infra,
         [evidence.policies.source("min-replicas", 3)]),
        ("bandit", identity.Identity("bandit-1.0", "/bin/bandit-digest"), list(bandit.FIXED_ARGS), [a_py], []),
    ]  # fmt: skip
    readable = [p for p in infra if p != bad]
    assert sorted(fake.scans, key=lambda s: s[0]) == [  # both at once: either may be recorded first
        ("bandit", "/bin/bandit", [a_py], 42.0, 5000),
        ("checkov", "/bin/checkov", readable, ids, ["CKV2_SLREPLICAS_3.yaml"], 42.0, 5000),
    ]
    assert capsys.readouterr().err == "shiftleft: evidence: running checkov on 4 file(s), bandit on 1 file(s)\n"
    unread = files.unreadable(bad)
    assert unread is not None
    assert scans == {
        "checkov": Scan("checkov", "3.3.30", (Result("checkov", "CKV_AWS_3", "n", readable[0], 1, 5, "r.a", "passed"),
                                              Result("checkov", "CKV_AWS_3", "n", readable[-1], 1, 5, "r.b", "failed")),
                        tuple(sorted([Problem("checkov", readable[0], "p"), unread]))),
        "bandit": Scan("bandit", "bandit-1.0"),
    }  # fmt: skip
    assert fake.written == [("key-checkov", scans["checkov"]), ("key-bandit", scans["bandit"])]
    assert fake.events == ["allow"]


def test_a_cached_scan_is_not_run_and_a_quiet_run_says_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    recalled = Scan("bandit", "1.9.4", (Result("bandit", "B1", "n", "/x.py", 1, 1, "r", "failed"),))
    fake = Fake(monkeypatch, {"key-bandit": recalled})
    (tf, py) = tree(tmp_path, "a/main.tf", "a/app.py")
    subject = Subject("a", "a/shiftleft.yaml", (tf,), (py,), (AT_REST, CODE))
    scans = evidence.scan_all([subject], 5.0)
    assert scans["bandit"] is recalled and [s[0] for s in fake.scans] == ["checkov"]
    assert fake.scans[0][4] is None and fake.scans[0][6] is None  # no policy folder without a policy claim
    assert fake.keys[0][4] == []
    assert capsys.readouterr().err == "shiftleft: evidence: running checkov on 1 file(s)\n"
    assert [k for k, _ in fake.written] == ["key-checkov"]
    fake = Fake(monkeypatch, {"key-bandit": recalled, "key-checkov": Scan("checkov", "3.3.30")})
    evidence.scan_all([subject], 5.0)
    assert fake.scans == [] and fake.written == [] and capsys.readouterr().err == ""
    fake = Fake(monkeypatch)
    evidence.scan_all([subject], 5.0, quiet=True)
    assert len(fake.scans) == 2 and capsys.readouterr().err == ""


def test_a_missing_scanner_or_a_failed_scan_is_kept_but_never_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = Fake(monkeypatch)
    fake.missing.add("checkov")
    (tf, py) = tree(tmp_path, "a/main.tf", "a/fail.py")
    scans = evidence.scan_all([Subject("a", "a/shiftleft.yaml", (tf,), (py,), (AT_REST, CODE))], 5.0, quiet=True)
    assert scans == {
        "checkov": Scan("checkov", "", failure="checkov is not installed", missing=True),
        "bandit": Scan("bandit", "", failure="bandit crashed"),
    }
    assert [k[0] for k in fake.keys] == ["bandit"]
    assert fake.written == [("key-bandit", scans["bandit"])]  # cache.write itself refuses failures


def test_nothing_runs_without_files_or_claims(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = Fake(monkeypatch)
    (tf,) = tree(tmp_path, "a/main.tf")
    assert evidence.scan_all([Subject("a", "m", (tf,), (), (CODE, BROKEN))], 5.0) == {}
    assert evidence.scan_all([Subject("a", "m", (), (tf,), (AT_REST,))], 5.0) == {}
    assert fake.scans == [] and fake.keys == []
    scans = evidence.scan_all([Subject("a", "m", (), (tf,), (BROKEN, CODE))], 5.0, quiet=True)
    assert list(scans) == ["bandit"]  # no checkov files, an erroneous claim first: bandit still runs


def test_only_unreadable_files_need_no_checkov_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = Fake(monkeypatch)
    (bad,) = tree(tmp_path, "a/bad.json")
    Path(bad).write_text("[", encoding="utf-8")
    scans = evidence.scan_all([Subject("a", "m", (bad,), (), (AT_REST,))], 5.0, quiet=True)
    unread = files.unreadable(bad)
    assert unread is not None and scans == {"checkov": Scan("checkov", "", (), (unread,))}
    assert fake.scans == []


def test_an_interrupted_scan_stops_every_scanner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = Fake(monkeypatch)

    def interrupted(*args: object) -> Scan:
        raise KeyboardInterrupt

    monkeypatch.setattr(checkov, "scan", interrupted)
    (tf, py) = tree(tmp_path, "a/main.tf", "a/app.py")
    with pytest.raises(KeyboardInterrupt):
        evidence.scan_all([Subject("a", "m", (tf,), (py,), (AT_REST, CODE))], 5.0, quiet=True)
    assert fake.events == ["allow", "stop_all"] and fake.written == []


def test_scanner_paths_are_normalised_to_real_paths_in_order(tmp_path: Path) -> None:
    (real,) = tree(tmp_path, "real/main.tf")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    linked = str(tmp_path / "link/main.tf")
    scan = Scan("checkov", "3.3.30", (Result("checkov", "C_2", "n", linked, 9, 9, "r", "failed"),
                                      Result("checkov", "C_1", "n", real, 1, 1, "r", "failed")),
                (Problem("checkov", linked, "b"), Problem("checkov", real, "a")), "why", True)  # fmt: skip
    assert evidence._normalised(scan) == Scan(
        "checkov", "3.3.30", (Result("checkov", "C_1", "n", real, 1, 1, "r", "failed"),
                              Result("checkov", "C_2", "n", real, 9, 9, "r", "failed")),
        (Problem("checkov", real, "a"), Problem("checkov", real, "b")), "why", True,
    )  # fmt: skip


def run_result(*services: ServiceResult) -> RunResult:
    return RunResult(services, (), Severity.HIGH, dt.datetime(2026, 11, 25, tzinfo=dt.UTC), 3, catalog=(rule("SL001"),))


def test_apply_adds_the_findings_to_their_services_with_overrides_and_every_claim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tf = str(tmp_path / "infra/main.tf")
    failed = Result("checkov", "CKV_AWS_3", "n", tf, 4, 9, "aws_ebs_volume.a", "failed", "skip reason")
    monkeypatch.setattr(
        evidence, "scan_all", lambda subjects, timeout, quiet: {"checkov": Scan("checkov", "3", (failed,))}
    )
    old = Finding("SL001", "x", Severity.LOW, "manifest", "vault", Location(MANIFEST, 1, 1), "old")
    later = Finding("SL002", "y", Severity.LOW, "manifest", "vault", Location("zz.yaml", 1, 1), "later")
    vault = ServiceResult("vault", MANIFEST, 1, True, (later, old))
    other = ServiceResult("other", "other/shiftleft.yaml", 1, True, ())
    subject = Subject("vault", MANIFEST, (tf,), (), (AT_REST, CODE))
    out = evidence.apply(run_result(vault, other), [subject], catalog(), severity={"SL810": Severity.LOW},
                         disable=frozenset({"SL804", "SL813"}), cwd=tmp_path)  # fmt: skip
    found = out.services[0].findings
    assert [(f.rule, f.severity, str(f.location), f.message) for f in found] == [
        ("SL810", Severity.LOW, "infra/main.tf:4", "claimed, but checkov CKV_AWS_3 (n) fails on aws_ebs_volume.a "
         "(suppressed in the code: skip reason; only a waiver silences evidence)"),
        ("SL001", Severity.LOW, f"{MANIFEST}:1:1", "old"),
        ("SL002", Severity.LOW, "zz.yaml:1:1", "later"),
    ]  # fmt: skip
    assert rule("SL810").severity is Severity.HIGH  # overridden above; SL804 (the suppression) is disabled
    assert out.services[1] == other
    assert out.findings == tuple(sorted(found, key=Finding.sort_key))
    assert [(c.rule, c.status) for c in out.claims] == [("SL810", Status.CONTRADICTED), ("SL820", Status.UNVERIFIED)]
    shown = [r.id for r in out.catalog]
    assert shown == sorted({"SL001", *(r.id for r in catalog().rules if r.category == "evidence")} - {"SL804", "SL813"})
    assert (out.fail_on, out.rules) == (Severity.HIGH, 3)


def test_a_stripped_catalog_still_reports_a_failed_scanner_as_critical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        evidence, "scan_all", lambda subjects, timeout, quiet: {"checkov": Scan("checkov", "", failure="gone")}
    )
    stripped = Catalog([rule("SL810")])
    vault = ServiceResult("vault", MANIFEST, 1, True, ())
    out = evidence.apply(run_result(vault), [Subject("vault", MANIFEST, (), (), (AT_REST,))], stripped, severity={},
                         disable=frozenset(), cwd=tmp_path)  # fmt: skip
    assert [(*f[:5], f.remediation) for f in out.findings] == [
        ("SL802", "evidence-failed", Severity.CRITICAL, "evidence", "vault", "")
    ]
    assert [r.id for r in out.catalog] == ["SL001", "SL810"]


def test_apply_asks_for_the_catalogs_own_rules_and_passes_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[float, bool]] = []

    def scan_all(subjects: object, timeout: float, quiet: bool) -> dict[str, Scan]:
        asked.append((timeout, quiet))
        return {"bandit": Scan("bandit", "", failure="bandit crashed")}

    monkeypatch.setattr(evidence, "scan_all", scan_all)
    vault = ServiceResult("vault", MANIFEST, 1, True, ())
    subject = Subject("vault", MANIFEST, (), ("/x.py",), (CODE,))
    out = evidence.apply(run_result(vault), [subject], catalog(), severity={}, disable=frozenset(), cwd=tmp_path)
    failed = rule("SL802")
    assert [f[:5] for f in out.findings] == [("SL802", failed.name, failed.severity, "evidence", "vault")]
    assert failed.name != "evidence-failed"
    evidence.apply(run_result(vault), [subject], catalog(), severity={}, disable=frozenset(), cwd=tmp_path, quiet=True,
                   timeout=9.0)  # fmt: skip
    assert asked == [(evidence.DEFAULT_TIMEOUT, False), (9.0, True)]


def test_rules_are_the_evidence_rules_not_disabled() -> None:
    ids = [r.id for r in evidence.rules(catalog(), frozenset({"SL811"}))]
    assert ids == [r.id for r in catalog().rules if r.evidence and r.id != "SL811"] and "SL810" in ids
    assert "SL801" not in ids and "SL811" not in ids


def test_an_interrupted_run_waits_only_briefly_for_a_stuck_scanner_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bandit runs in a thread while checkov runs in the caller's. When checkov's run is interrupted and bandit's
    thread does not end (stuck outside its process, which `stop_all` killed), the interruption is raised after
    STOP_WAIT, and the thread is a daemon, so it cannot hold the interpreter's exit either."""
    fake = Fake(monkeypatch)
    monkeypatch.setattr(evidence, "STOP_WAIT", 0.1)
    started, release = threading.Event(), threading.Event()
    stuck: list[threading.Thread] = []

    def bandit_stuck(*args: object) -> Scan:
        stuck.append(threading.current_thread())
        started.set()
        release.wait(10)
        return Scan("bandit", "")

    def checkov_interrupted(*args: object) -> Scan:
        assert started.wait(10)
        raise KeyboardInterrupt

    monkeypatch.setattr(bandit, "scan", bandit_stuck)
    monkeypatch.setattr(checkov, "scan", checkov_interrupted)
    (tf, py) = tree(tmp_path, "a/main.tf", "a/app.py")
    try:
        with pytest.raises(KeyboardInterrupt):
            evidence.scan_all([Subject("a", "m", (tf,), (py,), (AT_REST, CODE))], 5.0, quiet=True)
        (thread,) = stuck
        assert thread.is_alive() and thread.daemon and thread is not threading.current_thread()
        assert fake.events == ["allow", "stop_all"] and fake.written == []
    finally:
        release.set()
        for thread in stuck:
            thread.join(10)
