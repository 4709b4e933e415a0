"""Evidence at scale and under pressure: batched file lists equal one run (real checkov and bandit), the run's
deadline stops every scanner, a changed scanner installation is a cache miss, and `rules test` checks the
evidence rules' check ids against the installed checkov."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from shiftleft.evidence import batch, process, scan_all
from shiftleft.evidence.subject import Claim, Subject
from shiftleft.policy import catalog as catalog_mod
from shiftleft.policy.evidencespec import Spec
from tests.e2e.evidence import repo
from tests.e2e.evidence.test_failures import BARE_SUMMARY, CLEAN_BANDIT, ledger  # noqa: F401  (a fixture)
from tests.e2e.evidence.test_scanners import NOW, check

SHIPPED, SHOWN = catalog_mod.shipped_folder()
CATALOG = catalog_mod.load([(SHIPPED, SHOWN)])


def claim(rule_id: str, value: int = 0) -> Claim:
    rule = CATALOG.get(rule_id)
    assert rule is not None
    return Claim(rule, Spec.of(rule.evidence), 1, 1, rule.message, value)


def _cost(args: list[str]) -> int:
    return sum(len(os.fsencode(a)) + 9 for a in args)


def test_a_file_list_over_the_command_line_limit_gives_the_results_of_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo.write(tmp_path / "repo", hostile=False)
    for i in range(10):
        (root / f"services/vault/infra/volume_{i}.tf").write_text(
            f'resource "aws_ebs_volume" "v{i}" {{\n  availability_zone = "eu-west-1a"\n  size = {i + 1}\n'
            f"  encrypted = {'true' if i % 2 else 'false'}\n}}\n"
        )
        (root / f"services/vault/src/vault/job_{i}.py").write_text(
            "import subprocess\n\n\ndef run(cmd: str) -> int:\n" + "    subprocess.call(cmd, shell=True)\n" * (i % 3 + 1)
        )
    real = [os.path.realpath(p) for p in sorted(root.rglob("*")) if p.is_file()]
    infra = tuple(p for p in real if p.endswith((".tf", ".yaml")) and "/src/" not in p and "shiftleft" not in p)
    code = tuple(p for p in real if p.endswith(".py"))
    subject = Subject("vault", "services/vault/shiftleft.yaml", infra, code,
                      (claim("SL810"), claim("SL814", 3), claim("SL820")))  # fmt: skip
    monkeypatch.setenv("SHIFTLEFT_NO_CACHE", "1")
    runs: list[tuple[str, list[str]]] = []

    def counted(scanner: str, argv: list[str], **kwargs: object) -> process.Completed:
        runs.append((scanner, list(argv)))
        return process.run(scanner, argv, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "run", counted)
    one = scan_all([subject], 600, quiet=True)
    assert sorted(s for s, _ in runs) == ["bandit", "checkov"]
    listed = set(infra) | set(code)
    fixed = {s: [a for a in argv if a not in listed] for s, argv in runs}
    longest = max(_cost([p]) for p in listed)
    limit = max(_cost(f) for f in fixed.values()) + 4 * longest  # room for 4 to 8 files per command line
    assert all(_cost(argv) > limit for _s, argv in runs)  # one run's command line would not fit
    runs.clear()
    many = scan_all([subject], 600, quiet=True, arg_limit=limit)
    assert many == one
    assert {s: sum(1 for n, _ in runs if n == s) for s in ("checkov", "bandit")} == {"checkov": 4, "bandit": 2}
    assert all(_cost(argv) <= limit for _s, argv in runs)
    assert sum(1 for r in one["checkov"].results if r.outcome == "failed" and r.check_id == "CKV_AWS_3") == 6
    assert sum(1 for r in one["bandit"].results if r.check_id == "B602") == 20
    assert {p.file for p in one["checkov"].problems} >= {os.path.realpath(root / "k8s/vault/shadow.yaml")}


HANG = f"""\
#!{sys.executable}
import os, pathlib, sys, time
here = pathlib.Path(__file__).resolve().parent
if os.fork() == 0:
    (here / (pathlib.Path(__file__).name + ".child")).write_text(str(os.getpid()))
    time.sleep(300)
    os._exit(0)
(here / (pathlib.Path(__file__).name + ".pid")).write_text(str(os.getpid()))
time.sleep(300)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is not alive
    except (ProcessLookupError, FileNotFoundError):
        return False


def test_the_run_deadline_stops_every_scanner_and_their_children(tmp_path: Path, ledger: Path) -> None:  # noqa: F811
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("checkov", "bandit"):
        (folder / name).write_text(HANG, encoding="utf-8")
        (folder / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}", "SHIFTLEFT_NO_CACHE": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "shiftleft", "check", "--evidence", "--timeout", "4", "--now", NOW],
        cwd=ledger, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "shiftleft: error: timeout: the run took longer than 4 s and was stopped while running checkov and bandit "
        "(evidence); no report was written (raise --timeout or `timeout` in configuration)"
    )
    assert seconds < 4 + 4, seconds  # not evidence_timeout (600 s): bandit's thread is stopped as well
    pids = [int((folder / f"{n}.{kind}").read_text()) for n in ("checkov", "bandit") for kind in ("pid", "child")]
    time.sleep(0.5)
    assert [p for p in pids if _alive(p)] == []


VERSIONED_BANDIT = f"""\
#!PYTHON
import pathlib, sys
with open(pathlib.Path(__file__).resolve().parent / "runs.log", "a") as fh:
    fh.write("bandit\\n")
sys.stdout.write({CLEAN_BANDIT!r})
"""


def _install_bandit(prefix: Path, version: str) -> None:
    packages = prefix / "lib" / "python3.11" / "site-packages"
    for old in packages.glob("bandit-*.dist-info"):
        (old / "RECORD").unlink()
        old.rmdir()
    info = packages / f"bandit-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "RECORD").write_text(f"bandit/__init__.py,sha256={version},1\n", encoding="utf-8")


def test_a_changed_scanner_version_is_a_cache_miss(
    tmp_path: Path,
    ledger: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prefix = tmp_path / "env"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "python").symlink_to(os.path.realpath(sys.executable))
    bandit = prefix / "bin" / "bandit"
    bandit.write_text(VERSIONED_BANDIT.replace("PYTHON", str(prefix / "bin" / "python")), encoding="utf-8")
    bandit.chmod(0o755)
    checkov = prefix / "bin" / "checkov"
    checkov.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write({BARE_SUMMARY!r})\n", encoding="utf-8")
    checkov.chmod(0o755)
    _install_bandit(prefix, "1.9.4")
    monkeypatch.setenv("PATH", f"{prefix / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SHIFTLEFT_NO_CACHE", raising=False)
    said = []
    for version in ("1.9.4", "1.9.4", "1.9.5", "1.9.5", "1.9.4"):
        _install_bandit(prefix, version)
        said.append(check(ledger, "--evidence")[1])
    log = (prefix / "bin" / "runs.log").read_text(encoding="utf-8").splitlines()
    assert said == [
        "shiftleft: evidence: running checkov on 1 file(s), bandit on 1 file(s)\n",
        "",  # nothing changed: both answered by the cache
        "shiftleft: evidence: running bandit on 1 file(s)\n",  # bandit 1.9.5: its results are not 1.9.4's
        "",
        "",  # back to 1.9.4: its entry is still there (the identity is the installation, not its age)
    ]
    assert log == ["bandit", "bandit"]


EVIDENCE_RULE = """\
id: ACME801
name: custom-evidence
severity: high
category: evidence
summary: s
rationale: r
remediation: r
when: "true"
location: spec.tier
message: m
evidence:
  scanner: checkov
  checks: [CKV_AWS_3, CKV_K8S_8, CKV_AWS_99999]
"""


def test_rules_test_names_a_check_id_the_installed_checkov_does_not_have(tmp_path: Path) -> None:
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "ACME801-custom-evidence.yaml").write_text(EVIDENCE_RULE, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "shiftleft", "rules", "test", "org"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    version = json.loads(subprocess.run([str(Path(sys.executable).parent / "checkov"), "--version"],
                                        capture_output=True, text=True, check=True).stdout.strip().join('""'))  # fmt: skip
    assert (done.returncode, done.stdout.splitlines(), done.stderr) == (1, [
        f"org/ACME801-custom-evidence.yaml:13: ACME801: CKV_AWS_99999 is not a check of the installed checkov "
        f"{version} (terraform, cloudformation, kubernetes)",
        "failed: 1 broken expectation in 0 rules, 0 cases",
    ], "")  # fmt: skip
    (tmp_path / "org" / "ACME801-custom-evidence.yaml").write_text(
        textwrap.dedent(EVIDENCE_RULE).replace(", CKV_AWS_99999", ""), encoding="utf-8"
    )
    done = subprocess.run([sys.executable, "-m", "shiftleft", "rules", "test", "org"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, (
        "note: 1 evidence rules (SL8xx) need the scanners or the repository's files and are not run here; their 2 "
        f"checkov check ids exist in the installed checkov {version}"
    ))  # fmt: skip
