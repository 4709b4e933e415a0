"""The command line in a child interpreter: `python -m shiftleft`, and the hard exit that skips the interpreter's
teardown (tests/unit/test_cli.py runs the command line in-process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import write


def test_python_dash_m_and_version() -> None:
    from shiftleft import __version__

    done = subprocess.run([sys.executable, "-m", "shiftleft", "--version"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, f"shiftleft {__version__}\n")


def test_the_hard_exit_keeps_every_byte_and_the_exit_code(tmp_path: Path) -> None:
    """`shiftleft.main.run` exits without the interpreter's teardown: a long report through a pipe and a report
    file are complete, and a failing check still exits 1."""
    for i in range(600):  # more than a pipe holds (64 KiB), and in two processes (decision 0024)
        manifest = f"apiVersion: shiftleft/v1\nkind: Service\nmetadata: {{name: s{i}}}\n"
        write(tmp_path, f"svc-{i:03d}/shiftleft.yaml", manifest)
    cmd = [sys.executable, "-m", "shiftleft", "check", ".", "--now", "2026-11-25", "--format", "text",
           "--format", f"json={tmp_path / 'out.json'}"]  # fmt: skip
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120)
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert sum(line.startswith("svc-") for line in lines) == report["run"]["findings"] == 600
    assert len(done.stdout) > 65536
    assert lines[-1].endswith("failed")
