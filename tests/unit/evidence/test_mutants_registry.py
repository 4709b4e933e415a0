"""The installed checkov's check ids: read once by running checkov's own interpreter, then from the cache."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from shiftleft.evidence import identity, process, registry
from shiftleft.evidence.process import Completed, ScannerFailure
from shiftleft.policy import cache


class Fake:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: Completed | ScannerFailure, found: bool = True) -> None:
        self.stored: dict[str, Any] = {}
        self.runs: list[tuple[str, list[str], float]] = []
        self.answer = answer
        self.found = found
        monkeypatch.setattr(process, "find", self.find)
        monkeypatch.setattr(process, "run", self.run)
        monkeypatch.setattr(identity, "of", lambda scanner, exe: identity.Identity("3.3.30", f"{scanner}:{exe}"))
        monkeypatch.setattr(cache, "load_entry", lambda name: self.stored.get(name))
        monkeypatch.setattr(cache, "store_entry", lambda name, content: self.stored.__setitem__(name, content))

    def find(self, scanner: str) -> str:
        if not self.found:
            raise ScannerFailure(scanner, "checkov is not installed; evidence needs it", missing=True)
        return "/nowhere/bin/checkov"

    def run(self, scanner: str, argv: list[str], *, timeout: float) -> Completed:
        self.runs.append((scanner, argv, timeout))
        if isinstance(self.answer, ScannerFailure):
            raise self.answer
        return self.answer


def unavailable(message: str) -> None:
    with pytest.raises(registry.Unavailable) as raised:
        registry.load()
    assert str(raised.value) == message


def test_the_checks_are_read_once_and_then_come_from_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = Fake(monkeypatch, Completed(0, '{"CKV_AWS_3": "EBS encrypted", "CKV_X_1": 7}', ""))
    checks = registry.load()
    assert (checks.version, checks.names) == ("3.3.30", {"CKV_AWS_3": "EBS encrypted", "CKV_X_1": "7"})
    assert fake.runs == [("checkov", [sys.executable, "-I", "-c", registry.SCRIPT], 300.0)]
    entry = "checkov-registry-checkov:/nowhere/bin/checkov.json"
    assert fake.stored == {entry: {"digest": "checkov:/nowhere/bin/checkov", "names": {"CKV_AWS_3": "EBS encrypted",
                                                                                       "CKV_X_1": 7}}}  # fmt: skip
    fake.answer = ScannerFailure("checkov", "must not run")
    again = registry.load()
    assert (again.version, again.names) == ("3.3.30", {"CKV_AWS_3": "EBS encrypted", "CKV_X_1": 7})
    fake.stored[entry]["digest"] = "other"
    unavailable("could not read checkov's checks: must not run")
    fake.stored[entry] = {"digest": "checkov:/nowhere/bin/checkov", "names": ["CKV_AWS_3"]}
    unavailable("could not read checkov's checks: must not run")


def test_checkov_missing_or_failing_makes_the_registry_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    Fake(monkeypatch, Completed(0, "{}", ""), found=False)
    unavailable("checkov is not installed; evidence needs it")
    Fake(monkeypatch, ScannerFailure("checkov", "checkov did not finish within 300s (evidence_timeout)"))
    unavailable("could not read checkov's checks: checkov did not finish within 300s (evidence_timeout)")
    Fake(monkeypatch, Completed(0, "not json", ""))
    unavailable("could not read checkov's checks: Expecting value: line 1 column 1 (char 0)")
    Fake(monkeypatch, Completed(1, '{"CKV_AWS_3": "x"}', "Traceback\nImportError: no checkov\n"))
    unavailable("could not read checkov's checks: ImportError: no checkov")
    for empty in ("{}", "[]", '["CKV_AWS_3"]'):
        fake = Fake(monkeypatch, Completed(0, empty, "a\nlast\n"))
        unavailable("could not read checkov's checks: last")
        assert fake.stored == {}


def test_the_interpreter_is_the_shebangs_else_the_one_beside_else_this_one(tmp_path: Path) -> None:
    python = tmp_path / "venv/bin/python3.11"
    python.parent.mkdir(parents=True)
    python.write_text("", encoding="utf-8")
    python.chmod(0o755)
    script = tmp_path / "venv/bin/checkov"
    script.write_text(f"#!{python} -I\nimport checkov\n", encoding="utf-8")
    assert registry._interpreter(str(script)) == str(python)
    python.chmod(0o644)
    assert registry._interpreter(str(script)) == sys.executable  # not executable, and no `python` beside it
    beside = tmp_path / "venv/bin/python"
    beside.write_text("", encoding="utf-8")
    beside.chmod(0o755)
    assert registry._interpreter(str(script)) == str(beside)
    script.write_text("#!/usr/bin/env python3\n", encoding="utf-8")
    assert registry._interpreter(str(script)) == str(beside)
    script.write_text(f"# {python}\n", encoding="utf-8")
    python.chmod(0o755)
    assert registry._interpreter(str(script)) == str(beside)
    script.write_text("#!\n", encoding="utf-8")
    assert registry._interpreter(str(script)) == str(beside)
    assert registry._interpreter(str(tmp_path / "absent/checkov")) == sys.executable
    long = tmp_path / "long/checkov"
    long.parent.mkdir()
    long.write_bytes(b"#!" + b"/x" * 3000 + b"\n")
    assert registry._interpreter(str(long)) == sys.executable
    assert os.access(sys.executable, os.X_OK)


def test_the_shebang_is_read_up_to_4_kib(tmp_path: Path) -> None:
    folder = str(tmp_path / "i")
    while len(folder) < 4095 - 300:
        folder = os.path.join(folder, "d" * 200)
    os.makedirs(folder)
    python = os.path.join(folder, "p" * (4095 - len(folder) - 1))  # 4095 bytes: the longest path there is
    assert len(os.fsencode(python)) == 4095
    with open(python, "w", encoding="utf-8"):
        pass
    os.chmod(python, 0o700)
    script = tmp_path / "checkov"
    script.write_bytes(b"#!" + os.fsencode(python)[:4093] + b"\n")
    assert registry._interpreter(str(script)) == sys.executable  # its own folder holds no `python`
    script.write_bytes(b"#!" + os.fsencode(python) + b"\n")  # 4098 bytes: the first 4096 cut the path short
    assert registry._interpreter(str(script)) == sys.executable
    short = python[:4094]
    os.rename(python, short)
    script.write_bytes(b"#!" + os.fsencode(short) + b"\n")
    assert registry._interpreter(str(script)) == short
