"""The one subprocess wrapper of the evidence layer.

Scanners run with an argument list (never a shell), a timeout, a trusted
working directory and a trusted HOME (both a fresh temporary folder, so no
`.checkov.yaml` of the checkout or of the user is read), and with their
output captured and capped. Every way a scanner can fail to run is a
ScannerFailure carrying the scanner's own words, which the caller turns into
a finding (fail closed).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

from shiftleft.evidence.model import Scan

INSTALL = "pip install 'shiftleft[evidence]'"
"""How to install the scanners, named by every 'scanner missing' message."""
MAX_OUTPUT = 64 * 1024 * 1024
"""Output kept of one scanner run; more is a failure, not a truncated (and mis-parsed) report."""


class ScannerFailure(Exception):
    """A scanner that is missing, crashed, hung or produced output shiftleft cannot trust."""

    def __init__(self, scanner: str, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.scanner = scanner
        self.message = message
        self.missing = missing


class Completed(NamedTuple):
    code: int
    stdout: str
    stderr: str


def find(scanner: str) -> str:
    """The scanner's executable: on PATH, else beside the running interpreter (an unactivated venv)."""
    found = shutil.which(scanner)
    if found is None:
        beside = Path(sys.executable).parent / scanner
        if beside.is_file() and os.access(beside, os.X_OK):
            found = str(beside)
    if found is None:
        raise ScannerFailure(scanner, f"{scanner} is not installed; evidence needs it: {INSTALL}", missing=True)
    return found


def run(scanner: str, argv: Sequence[str], *, timeout: float, extra_env: dict[str, str] | None = None) -> Completed:
    """Run `argv` in a fresh temporary folder that is also its HOME; raise ScannerFailure if it cannot finish.

    The scanner runs in its own process group, killed as a whole when it times out, floods its output, or
    exits while a child it started still holds its output open (so nothing it started outlives the run).
    """
    with tempfile.TemporaryDirectory(prefix=f"shiftleft-{scanner}-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CKV_", "BC_", "PRISMA_"))}
        env.update({"HOME": home, "PYTHONIOENCODING": "utf-8", "LOG_LEVEL": "WARNING", **(extra_env or {})})
        env.pop("XDG_CONFIG_HOME", None)
        try:
            proc = subprocess.Popen(  # an argument list built by shiftleft, no shell
                list(argv),
                cwd=home,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except FileNotFoundError:
            raise ScannerFailure(
                scanner, f"{scanner} is not installed; evidence needs it: {INSTALL}", missing=True
            ) from None
        except OSError as e:
            raise ScannerFailure(scanner, f"{scanner} could not start: {e.strerror or e}") from None
        try:
            stdout, stderr, trouble = _collect(proc, timeout)
        finally:
            _kill_group(proc)
            for pipe in (proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()
            proc.wait()
    if trouble == "timeout":
        raise ScannerFailure(scanner, f"{scanner} did not finish within {timeout:g}s (evidence_timeout)")
    if trouble == "flood":
        raise ScannerFailure(scanner, f"{scanner} wrote more than {MAX_OUTPUT // (1024 * 1024)} MiB of output")
    if trouble == "held":
        raise ScannerFailure(
            scanner, f"{scanner} exited (code {proc.returncode}) but a process it started kept its output open"
        )
    return Completed(proc.returncode, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"))


EXIT_GRACE = 2.0
"""Seconds the output may stay open after the scanner exited (a child it left behind) before the group is killed."""
MAX_STDERR = 1024 * 1024
"""The end of stderr kept: what a failure message quotes."""


def _collect(proc: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, bytes, str | None]:
    """Read stdout and stderr until both close; stop at the deadline or when stdout passes MAX_OUTPUT."""
    import selectors
    import time

    stdout, stderr = cast("IO[bytes]", proc.stdout), cast("IO[bytes]", proc.stderr)  # both PIPE
    out, err = bytearray(), bytearray()
    deadline = time.monotonic() + timeout
    exited = False
    with selectors.DefaultSelector() as sel:
        sel.register(stdout, selectors.EVENT_READ, out)
        sel.register(stderr, selectors.EVENT_READ, err)
        while sel.get_map():
            now = time.monotonic()
            if now >= deadline:
                return bytes(out), bytes(err), "held" if exited else "timeout"
            if not exited and proc.poll() is not None:
                # Exited: whatever still holds the output open is a child left behind; its group goes now,
                # and one that left the group (setsid) gets EXIT_GRACE seconds before the run gives up on it.
                exited = True
                deadline = min(deadline, now + EXIT_GRACE)
                _kill_group(proc)
            for key, _events in sel.select(min(deadline - now, 0.5)):
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                buffer: bytearray = key.data
                buffer += chunk
                if buffer is out and len(out) > MAX_OUTPUT:
                    return bytes(out), bytes(err), "flood"
                if buffer is err and len(err) > 2 * MAX_STDERR:
                    del err[:-MAX_STDERR]
    return bytes(out), bytes(err[-MAX_STDERR:]), None


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already


def scanned(scanner: str, argv: Sequence[str], timeout: float, parse: Callable[[int, Any, str], Scan]) -> Scan:
    """Run a scanner and `parse(exit code, its JSON report, stderr)`; any failure to run is a failed Scan."""
    try:
        done = run(scanner, argv, timeout=timeout)
        data = report(scanner, done.code, done.stdout, done.stderr)
    except ScannerFailure as e:
        return Scan(scanner, "", failure=e.message, missing=e.missing)
    return parse(done.code, data, done.stderr)


def report(scanner: str, code: int, stdout: str, stderr: str) -> Any:
    """The JSON report a scanner wrote; ScannerFailure when the exit code or a missing or broken report says it crashed.

    Exit 0 and 1 are the scanners' "clean" and "findings" (and, for checkov, also "crashed": the caller decides).
    """
    said = last_words(stderr)
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else f"signal {-code}"
        raise ScannerFailure(scanner, f"{scanner} was killed by {name}: {said}")
    if code not in (0, 1):
        raise ScannerFailure(scanner, f"{scanner} exited with {code}: {said}")
    if not stdout.strip():
        raise ScannerFailure(scanner, f"{scanner} wrote no report (exit {code}): {said}")
    try:
        return json.loads(stdout)
    except ValueError:
        raise ScannerFailure(scanner, f"{scanner}'s report is not JSON (exit {code}): {said}") from None


def last_words(stderr: str, limit: int = 300) -> str:
    """The telling end of a scanner's stderr, on one line (a traceback's last line says what broke)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return "no message on stderr"
    text = lines[-1]
    return text if len(text) <= limit else text[: limit - 1] + "…"
