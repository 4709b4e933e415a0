"""The scanner process wrapper: messages for every way a scanner fails, its environment, and a few real runs of
/bin/sh standing in for a scanner (the wrapper's whole job is process handling)."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from pathlib import Path

import pytest

from shiftleft.evidence import process
from shiftleft.evidence.process import Completed, ScannerFailure

SH = shutil.which("sh") or "/bin/sh"


def failure(call: object, *args: object, **kwargs: object) -> ScannerFailure:
    """The failure `call` raises; it names the scanner it was called for (the first argument)."""
    with pytest.raises(ScannerFailure) as raised:
        call(*args, **kwargs)  # type: ignore[operator]
    assert raised.value.scanner == args[0]
    return raised.value


@pytest.mark.parametrize(
    ("code", "stdout", "message"),
    [
        (-9, "{}", "checkov was killed by SIGKILL: last"),
        (-15, "{}", "checkov was killed by SIGTERM: last"),
        (-99, "{}", "checkov was killed by signal 99: last"),
        (2, "{}", "checkov exited with 2: last"),
        (-1, "{}", "checkov was killed by SIGHUP: last"),
        (0, " \n\t", "checkov wrote no report (exit 0): last"),
        (1, "", "checkov wrote no report (exit 1): last"),
        (1, "{oops", "checkov's report is not JSON (exit 1): last"),
    ],
)
def test_a_report_that_cannot_be_trusted_is_a_failure_with_the_last_words(code: int, stdout: str, message: str) -> None:
    raised = failure(process.report, "checkov", code, stdout, "first\n  last  \n")
    assert (raised.scanner, raised.message, str(raised), raised.missing) == ("checkov", message, message, False)


def test_exit_0_and_1_give_the_json_report() -> None:
    assert process.report("bandit", 0, '{"results": []}', "") == {"results": []}
    assert process.report("bandit", 1, " [1, 2]\n", "") == [1, 2]


def test_last_words_are_the_last_nonblank_line_cut_at_the_limit() -> None:
    assert process.last_words("") == "no message on stderr"
    assert process.last_words(" \n\t\n") == "no message on stderr"
    assert process.last_words("a\n  b c  \n\n") == "b c"
    assert process.last_words("x" * 300) == "x" * 300
    assert process.last_words("x" * 301) == "x" * 299 + "…"
    assert process.last_words("abcdef", limit=4) == "abc…"
    assert process.last_words("abcd", limit=4) == "abcd"


def test_the_scanner_environment_drops_checkov_settings_and_sets_home(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CKV_FRAMEWORK", "BC_API_KEY", "PRISMA_API_URL", "XDG_CONFIG_HOME", "LOG_LEVEL"):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("KEEP_CKV_", "kept")
    env = process.scanner_env("/h")
    assert not {"CKV_FRAMEWORK", "BC_API_KEY", "PRISMA_API_URL", "XDG_CONFIG_HOME"} & set(env)
    assert (env["HOME"], env["PYTHONIOENCODING"], env["LOG_LEVEL"], env["KEEP_CKV_"]) == (
        "/h",
        "utf-8",
        "WARNING",
        "kept",
    )
    assert process.scanner_env("/h", {"HOME": "/other", "EXTRA": "1"})["HOME"] == "/other"
    assert process.scanner_env("/h", {"EXTRA": "1"})["EXTRA"] == "1"


def test_a_scanner_is_found_on_path_or_beside_the_interpreter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_ = tmp_path / "venv/bin"
    bin_.mkdir(parents=True)
    monkeypatch.setattr(sys, "executable", str(bin_ / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    raised = failure(process.find, "bandit")
    assert (raised.scanner, raised.message, raised.missing) == (
        "bandit",
        "bandit is not installed; evidence needs it: pip install 'shiftleft[evidence]'",
        True,
    )
    (bin_ / "bandit").write_text("#!/bin/sh\n", encoding="utf-8")
    assert failure(process.find, "bandit").missing  # not executable
    (bin_ / "bandit").chmod(0o755)
    assert process.find("bandit") == str(bin_ / "bandit")
    (bin_ / "folder").mkdir()
    assert failure(process.find, "folder").missing
    on_path = tmp_path / "path"
    on_path.mkdir()
    (on_path / "bandit").write_text("#!/bin/sh\n", encoding="utf-8")
    (on_path / "bandit").chmod(0o755)
    monkeypatch.setenv("PATH", str(on_path))
    assert process.find("bandit") == str(on_path / "bandit")


def test_a_scanner_that_cannot_start_is_a_failure(tmp_path: Path) -> None:
    raised = failure(process.run, "bandit", [str(tmp_path / "absent")], timeout=5)
    assert (raised.message, raised.missing) == (
        "bandit is not installed; evidence needs it: pip install 'shiftleft[evidence]'",
        True,
    )
    script = tmp_path / "bandit"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    raised = failure(process.run, "bandit", [str(script)], timeout=5)
    assert (raised.message, raised.missing) == ("bandit could not start: Permission denied", False)


def test_no_scanner_starts_when_the_time_is_gone_or_the_run_was_stopped() -> None:
    raised = failure(process.run, "checkov", ["/absent"], timeout=0, budget=600)
    assert raised.message == "checkov did not finish within 600s (evidence_timeout)"
    assert failure(process.run, "checkov", ["/absent"], timeout=-1).message == (
        "checkov did not finish within -1s (evidence_timeout)"
    )
    process.stop_all()
    try:
        raised = failure(process.run, "checkov", [SH, "-c", "exit 0"], timeout=5)
        assert raised.message == "checkov was stopped: the run's time limit passed"
    finally:
        process.allow()


def test_a_run_gives_exit_code_and_output_from_its_own_home(tmp_path: Path) -> None:
    script = (
        'printf "%s|%s|%s|\\377|" "$HOME" "$(pwd)" "$LOG_LEVEL"; readlink /proc/self/fd/0;'
        ' printf "caf\\303\\251 \\377" >&2; exit 1'
    )
    done = process.run("bandit", [SH, "-c", script], timeout=10, extra_env={"LOG_LEVEL": "x"})
    home, cwd, level, undecodable, stdin = done.stdout.split("|")
    assert home == cwd and Path(home).name.startswith("shiftleft-bandit-") and not Path(home).exists()
    assert (level, undecodable, stdin) == ("x", "\ufffd", "/dev/null\n")  # the caller's settings; no stdin of ours
    assert done == Completed(1, done.stdout, "café \ufffd")
    assert process._running == set()
    assert process.run("bandit", [SH, "-c", "exit 0"], timeout=0.9) == Completed(0, "", "")  # under a second


def test_a_run_stopped_while_it_runs_says_so() -> None:
    """The run's deadline (`stop_all`) strikes while the scanner runs: the group is killed and the run fails."""
    timer = threading.Timer(0.2, process.stop_all)
    timer.start()
    try:
        raised = failure(process.run, "checkov", [SH, "-c", "sleep 5"], timeout=10)
        assert raised.message == "checkov was stopped: the run's time limit passed"
    finally:
        timer.join()
        process.allow()
    assert process._running == set()


def test_a_run_over_its_time_or_its_output_is_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    raised = failure(process.run, "bandit", [SH, "-c", "sleep 5"], timeout=0.1, budget=30)
    assert raised.message == "bandit did not finish within 30s (evidence_timeout)"
    raised = failure(process.run, "bandit", [SH, "-c", "sleep 5"], timeout=0.1)
    assert raised.message == "bandit did not finish within 0.1s (evidence_timeout)"
    monkeypatch.setattr(process, "MAX_OUTPUT", 3 * 1024 * 1024)
    raised = failure(process.run, "bandit", [SH, "-c", "head -c 4000000 /dev/zero"], timeout=10)
    assert raised.message == "bandit wrote more than 3 MiB of output"
    done = process.run("bandit", [SH, "-c", "head -c 3145728 /dev/zero"], timeout=10)  # exactly the limit: kept
    assert len(done.stdout) == 3 * 1024 * 1024


def test_a_child_left_holding_the_output_is_killed_or_fails_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    done = process.run("bandit", [SH, "-c", "sleep 5 & echo {}"], timeout=10)
    assert (done.code, done.stdout) == (0, "{}\n")
    monkeypatch.setattr(process, "EXIT_GRACE", 0.2)
    escaped = "setsid sleep 1 & sleep 0.1; exit 3"  # out of the group: not killed with it, holds the pipes
    raised = failure(process.run, "bandit", [SH, "-c", escaped], timeout=10)
    assert raised.message == "bandit exited (code 3) but a process it started kept its output open"


def test_stderr_keeps_its_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process, "MAX_STDERR", 1000)
    done = process.run("bandit", [SH, "-c", "head -c 5000 /dev/zero | tr '\\0' a >&2; echo end >&2"], timeout=10)
    assert done.stderr == "a" * 996 + "end\n"


def test_stop_all_kills_every_running_group_and_blocks_new_ones() -> None:
    killed: list[int] = []

    class Proc:
        pid = 12345

    process._running.add(Proc)  # type: ignore[arg-type]
    original = os.killpg
    try:
        os.killpg = lambda pid, sig: killed.append(pid) if sig == signal.SIGKILL else None  # type: ignore[assignment]
        process.stop_all()
        assert killed == [12345] and process._stopped == [True]
    finally:
        os.killpg = original
        process._running.discard(Proc)  # type: ignore[arg-type]
        process.allow()
    assert process._stopped == [False]


def test_a_scanner_never_reads_our_stdin() -> None:
    """A scanner waiting on stdin would hang the hook in a terminal. pytest points fd 0 at /dev/null already, so
    the test gives this process a pipe as its stdin while the scanner runs."""
    read, write = os.pipe()
    saved = os.dup(0)
    try:
        os.dup2(read, 0)
        done = process.run("bandit", [SH, "-c", "readlink /proc/self/fd/0"], timeout=10)
    finally:
        os.dup2(saved, 0)
        for fd in (saved, read, write):
            os.close(fd)
    assert done == Completed(0, "/dev/null\n", "")
