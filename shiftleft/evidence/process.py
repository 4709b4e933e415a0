"""The one subprocess wrapper of the evidence layer.

Scanners run with an argument list (never a shell), a timeout, a trusted
working directory and a trusted HOME (both a fresh temporary folder, so no
`.checkov.yaml` of the checkout or of the user is read), and with their
output captured and capped. Every way a scanner can fail to run is a
ScannerFailure carrying the scanner's own words, which the caller turns into
a finding (fail closed).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

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
        raise ScannerFailure(scanner, _not_installed(scanner), missing=True)
    return found


def _not_installed(scanner: str) -> str:
    return f"{scanner} is not installed; evidence needs it: {INSTALL}"


def _late(scanner: str, seconds: float) -> str:
    return f"{scanner} did not finish within {seconds:g}s (evidence_timeout)"


_running: set[subprocess.Popen[bytes]] = set()
"""Every scanner process group alive now (both scanners run at the same time, from two threads)."""
_lock = threading.Lock()
_stopped = [False]


def stop_all() -> None:
    """Kill every running scanner's process group, and start no more until `allow()` (the run's deadline passed)."""
    with _lock:
        _stopped[0] = True
        running = list(_running)
    for proc in running:
        _kill_group(proc)


@contextlib.contextmanager
def _no_alarm() -> Iterator[None]:
    """SIGALRM (the run's deadline, `shiftleft.deadline`) held back in this thread until the block ends."""
    blocked = threading.current_thread() is threading.main_thread()
    if blocked:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        yield
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})


def allow() -> None:
    """Scanners may start again (a new run)."""
    with _lock:
        _stopped[0] = False


def scanner_env(home: str, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a scanner gets: no checkov settings of the caller's, a trusted HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CKV_", "BC_", "PRISMA_"))}
    env.update({"HOME": home, "PYTHONIOENCODING": "utf-8", "LOG_LEVEL": "WARNING", **(extra_env or {})})
    env.pop("XDG_CONFIG_HOME", None)
    return env


def run(
    scanner: str,
    argv: Sequence[str],
    *,
    timeout: float,
    budget: float | None = None,
    extra_env: dict[str, str] | None = None,
) -> Completed:
    """Run `argv` in a fresh temporary folder that is also its HOME; raise ScannerFailure if it cannot finish.

    The scanner runs in its own process group, killed as a whole when it times out, floods its output,
    exits while a child it started still holds its output open (so nothing it started outlives the run),
    or when the run's deadline passes (`stop_all`). `budget`: the configured timeout, as messages name it
    (`timeout` may be what is left of it).
    """
    with tempfile.TemporaryDirectory(prefix=f"shiftleft-{scanner}-") as home:
        env = scanner_env(home, extra_env)
        with _lock, _no_alarm():  # started and registered at once: the deadline cannot strike in between
            if _stopped[0]:
                raise ScannerFailure(scanner, f"{scanner} was stopped: the run's time limit passed")
            if timeout <= 0:
                raise ScannerFailure(scanner, _late(scanner, budget or timeout))
            proc = _start(scanner, argv, home, env)
            _running.add(proc)
        try:
            stdout, stderr, trouble = _collect(proc, timeout)
        finally:
            _kill_group(proc)
            for pipe in (proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()
            proc.wait()
            with _lock:
                _running.discard(proc)
            if _stopped[0]:
                trouble = "stopped"
    if trouble == "stopped":
        raise ScannerFailure(scanner, f"{scanner} was stopped: the run's time limit passed")
    if trouble == "timeout":
        raise ScannerFailure(scanner, _late(scanner, budget or timeout))
    if trouble == "flood":
        raise ScannerFailure(scanner, f"{scanner} wrote more than {MAX_OUTPUT // (1024 * 1024)} MiB of output")
    if trouble == "held":
        raise ScannerFailure(
            scanner, f"{scanner} exited (code {proc.returncode}) but a process it started kept its output open"
        )
    return Completed(proc.returncode, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"))


def _start(scanner: str, argv: Sequence[str], home: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(  # an argument list built by shiftleft, no shell
            list(argv),
            cwd=home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError:
        raise ScannerFailure(scanner, _not_installed(scanner), missing=True) from None
    except OSError as e:
        raise ScannerFailure(scanner, f"{scanner} could not start: {e.strerror or e}") from None


EXIT_GRACE = 2.0
"""Seconds the output may stay open after the scanner exited (a child it left behind) before the group is killed."""
MAX_STDERR = 1024 * 1024
"""The end of stderr kept: what a failure message quotes."""


def _collect(proc: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, bytes, str | None]:
    """Read stdout and stderr until both close; stop at the deadline or when stdout passes MAX_OUTPUT."""
    import selectors

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
