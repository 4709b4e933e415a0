"""docs/adopting.md's one-service walkthrough, run command by command in a fresh repository.

Console blocks: a `$ ` line is a command (`shiftleft ...` runs the real CLI
in-process, anything else runs as a program); the lines after it are its
output. An output line `...` stands for any number of lines, and a line ending
in ` ...` for any line that starts with the text before it. A YAML block whose
first line is `# PATH` is written to PATH, as the reader would save it.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT, run_cli

DOC = ROOT / "docs" / "adopting.md"
SECTION = "## One team first: onboarding a single service"


def _steps() -> list[tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.index("\n## ", start + len(SECTION))
    return [
        (m.group(1), m.group(2)) for m in re.finditer(r"^```(console|yaml)\n(.*?)^```", text[start:end], re.M | re.S)
    ]


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` has the expected lines in order, `...` skipping any number of lines."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == "...":
        return any(_matches(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    ok = actual[0].startswith(head[:-4]) if head.endswith(" ...") else actual[0] == head
    return ok and _matches(rest, actual[1:])


def _commands(block: str) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        else:
            out[-1][1].append(line)
    return out


def test_the_walkthrough_has_commands_and_files() -> None:
    kinds = [kind for kind, _ in _steps()]
    assert kinds.count("console") == 3 and kinds.count("yaml") == 2


def test_the_one_service_walkthrough_runs_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for kind, block in _steps():
        if kind == "yaml":
            first, _, body = block.partition("\n")
            target = tmp_path / first.removeprefix("# ").strip()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
            if target.parent.name == "checkout":  # the documents the team writes alongside
                for doc in ("dr-plan.md", "runbook.md", "threat-model.md"):
                    (target.parent / "docs").mkdir(exist_ok=True)
                    (target.parent / "docs" / doc).write_text(f"# {doc}\n", encoding="utf-8")
            continue
        for command, expected in _commands(block):
            argv = shlex.split(command)
            if argv[0] == "shiftleft":
                run = run_cli(argv[1:], capsys, monkeypatch, tmp_path)
                actual = (run.out + run.err).splitlines()
            else:
                done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, check=True)
                actual = (done.stdout + done.stderr).splitlines()
            while actual and not actual[-1]:
                actual.pop()
            assert _matches(expected, actual), (
                f"$ {command}\nexpected:\n" + "\n".join(expected) + ("\nactual:\n" + "\n".join(actual))
            )
