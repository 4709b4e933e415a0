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
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

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
    """Run `argv` in a fresh temporary folder that is also its HOME; raise ScannerFailure if it cannot finish."""
    with tempfile.TemporaryDirectory(prefix=f"shiftleft-{scanner}-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CKV_", "BC_", "PRISMA_"))}
        env.update({"HOME": home, "PYTHONIOENCODING": "utf-8", "LOG_LEVEL": "WARNING", **(extra_env or {})})
        env.pop("XDG_CONFIG_HOME", None)
        try:
            proc = subprocess.run(  # an argument list built by shiftleft, no shell
                list(argv),
                cwd=home,
                env=env,
                capture_output=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise ScannerFailure(
                scanner, f"{scanner} is not installed; evidence needs it: {INSTALL}", missing=True
            ) from None
        except subprocess.TimeoutExpired:
            raise ScannerFailure(scanner, f"{scanner} did not finish within {timeout:g}s (evidence_timeout)") from None
        except OSError as e:
            raise ScannerFailure(scanner, f"{scanner} could not start: {e.strerror or e}") from None
    if len(proc.stdout) > MAX_OUTPUT:
        raise ScannerFailure(scanner, f"{scanner} wrote more than {MAX_OUTPUT // (1024 * 1024)} MiB of output")
    return Completed(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr[-MAX_OUTPUT:].decode("utf-8", "replace"),
    )


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
