"""The evidence cache's key (everything a scan depends on), its entries, the scanner's identity, the policies."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from shiftleft import __version__
from shiftleft.evidence import cache, identity, policies
from shiftleft.evidence.model import Problem, Result, Scan

INSTALLED = identity.Identity("3.3.30", "abc")


def reference(scanner: str, installed: identity.Identity, args: list[str], files: list[str], extra: list[str]) -> str:
    """The key as documented: NUL-terminated parts, then each file's path and SHA-256 (or its errno)."""
    digest = hashlib.sha256()
    for part in ("2", __version__, scanner, installed.version, installed.digest, *args, *extra):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for path in files:
        digest.update(path.encode("utf-8", "surrogatepass") + b"\0")
        try:
            digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
        except OSError as e:
            digest.update(f"unreadable:{e.errno}".encode())
    return digest.hexdigest()


def test_the_key_is_the_documented_digest_of_everything_a_scan_depends_on(tmp_path: Path) -> None:
    a = tmp_path / "a.tf"
    a.write_text("resource {}\n", encoding="utf-8")
    odd = str(tmp_path / "caf\udce9.tf")
    folder = str(tmp_path)
    files = [str(a), odd, folder]
    assert cache.key("checkov", INSTALLED, ["-o", "json"], files, ["policy"]) == reference(
        "checkov", INSTALLED, ["-o", "json"], files, ["policy"]
    )
    assert cache.key("checkov", INSTALLED, ["-o"], [str(a)]) == reference("checkov", INSTALLED, ["-o"], [str(a)], [])
    odd_version = identity.Identity("1.0\udce9", "abc")  # a dist-info folder name that is not UTF-8
    assert cache.key("bandit", odd_version, [], []) == reference("bandit", odd_version, [], [], [])
    before = cache.key("bandit", INSTALLED, [], [str(a)])
    a.write_text("changed\n", encoding="utf-8")
    assert cache.key("bandit", INSTALLED, [], [str(a)]) != before


def test_an_entry_is_read_back_only_with_its_format_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    stored: dict[str, Any] = {}
    monkeypatch.setattr(cache.policy_cache, "store_entry", lambda name, record: stored.__setitem__(name, record))
    monkeypatch.setattr(cache.policy_cache, "load_entry", lambda name: stored.get(name))
    scan = Scan("bandit", "1.9.4", (Result("bandit", "B1", "n", "/a.py", 1, 2, "r", "failed", "", "high", "low", "x"),),
                (Problem("bandit", "/b.py", "bad"),))  # fmt: skip
    cache.write("k1", scan)
    assert stored == {
        "evidence-k1.json": {
            "format": 2, "key": "k1", "scanner": "bandit", "version": "1.9.4",
            "results": [["bandit", "B1", "n", "/a.py", 1, 2, "r", "failed", "", "high", "low", "x"]],
            "problems": [["bandit", "/b.py", "bad"]],
        }
    }  # fmt: skip
    assert cache.read("k1") == scan
    assert cache.read("k2") is None
    stored["evidence-k2.json"] = dict(stored["evidence-k1.json"])
    assert cache.read("k2") is None  # another key's content
    stored["evidence-k1.json"]["format"] = 1
    assert cache.read("k1") is None
    stored["evidence-k3.json"] = {"format": 2, "key": "k3"}
    assert cache.read("k3") is None  # malformed: a miss
    cache.write("k4", Scan("bandit", "", failure="crashed"))
    assert "evidence-k4.json" not in stored


def install(prefix: Path, name: str, versions: list[str], lib: str = "lib/python3.11/site-packages") -> None:
    for version in versions:
        info = prefix / lib / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "RECORD").write_text(f"{name}/__init__.py,sha256={version},1\n", encoding="utf-8")


def test_dist_infos_are_found_in_every_layout_newest_first(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    install(venv, "bandit", ["1.9.4", "1.10.0", "1.9.10rc1"])
    install(venv, "bandit", ["0.1"], "lib64/python3.12/dist-packages")
    install(venv, "bandit", ["0.2"], "local/lib/python3/dist-packages")
    install(venv, "bandit-extra", ["9"], "lib/python3.11/site-packages")
    found = identity.dist_infos("bandit", str(venv / "bin/bandit"), b"")
    names = [os.path.basename(p) for p in found]
    assert names == ["bandit-1.10.0.dist-info", "bandit-1.9.10rc1.dist-info",
                     "bandit-1.9.4.dist-info", "bandit-0.2.dist-info", "bandit-0.1.dist-info"]  # fmt: skip
    assert identity._version(found[0]) == "1.10.0" and identity._version("/x/bandit.dist-info") == ""


def test_a_dist_info_of_another_distribution_named_like_the_scanner_is_not_the_scanner(tmp_path: Path) -> None:
    """`bandit-extra-9.dist-info` (a legacy installer's name for the distribution `bandit-extra`) is not bandit's:
    it neither gives the version nor joins the digest, though `bandit-*.dist-info` matches it."""
    install(tmp_path / "venv", "bandit", ["1.9.4"])
    exe = tmp_path / "venv/bin/bandit"
    exe.parent.mkdir()
    exe.write_bytes(b"#!/usr/bin/env python3\n")
    alone = identity.of("bandit", str(exe))
    install(tmp_path / "venv", "bandit-extra", ["9"])
    assert identity.of("bandit", str(exe)) == alone and alone.version == "1.9.4"
    assert identity._version("/x/bandit-extra-9.dist-info") == "extra-9"  # importlib.metadata's reading: name "bandit"
    assert identity._version_key("/x/bandit-1.x2.dist-info") == ((1, 2), "/x/bandit-1.x2.dist-info")


def test_the_shebang_leads_to_a_second_environment_but_env_does_not(tmp_path: Path) -> None:
    install(tmp_path / "other", "checkov", ["3.3.30"])
    exe = str(tmp_path / "bin/checkov")
    shebang = f"#!{tmp_path}/other/bin/python3 -I\nimport checkov\n".encode()
    assert [os.path.basename(p) for p in identity.dist_infos("checkov", exe, shebang)] == ["checkov-3.3.30.dist-info"]
    install(tmp_path / "usr", "checkov", ["1.0"])
    env = f"#!{tmp_path}/usr/bin/env python3\n".encode()
    assert identity.dist_infos("checkov", exe, env) == []
    assert identity.dist_infos("checkov", exe, b"#!\n") == []
    assert identity.dist_infos("checkov", exe, f"# {tmp_path}/other/bin/python\n".encode()) == []


def test_the_identity_digests_the_script_and_every_record(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    install(venv, "bandit", ["1.9.4"])
    script = venv / "bin/bandit"
    script.parent.mkdir()
    script.write_bytes(b"#!/bin/sh\n")
    os.utime(script, ns=(5, 5))
    real = os.path.realpath(script)
    info = str(venv / "lib/python3.11/site-packages/bandit-1.9.4.dist-info")
    expected = hashlib.sha256(f"bandit\0{real}\0{10}\0{5}\0".encode())
    expected.update(hashlib.sha256(b"#!/bin/sh\n").digest())
    expected.update(info.encode() + b"\0")
    expected.update(hashlib.sha256(Path(info, "RECORD").read_bytes()).digest())
    assert identity.of("bandit", str(script)) == identity.Identity("1.9.4", expected.hexdigest())
    Path(info, "RECORD").unlink()
    expected = hashlib.sha256(f"bandit\0{real}\0{10}\0{5}\0".encode())
    expected.update(hashlib.sha256(b"#!/bin/sh\n").digest())
    expected.update(info.encode() + b"\0" + b"no RECORD")
    assert identity.of("bandit", str(script)).digest == expected.hexdigest()


def test_an_unreadable_script_still_has_an_identity(tmp_path: Path) -> None:
    folder = tmp_path / "bin/bandit"
    folder.mkdir(parents=True)  # stat works, open does not
    st = os.stat(folder)
    expected = hashlib.sha256(f"bandit\0{folder}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    expected.update(hashlib.sha256(b"").digest())
    assert identity.of("bandit", str(folder)) == identity.Identity("", expected.hexdigest())


def test_one_policy_file_per_threshold_with_its_check_id(tmp_path: Path) -> None:
    assert policies.write(str(tmp_path), [("min-replicas", 3), ("min-replicas", 2), ("min-replicas", 3)]) == [
        "CKV2_SLREPLICAS_2",
        "CKV2_SLREPLICAS_3",
    ]
    assert sorted(os.listdir(tmp_path)) == ["CKV2_SLREPLICAS_2.yaml", "CKV2_SLREPLICAS_3.yaml"]
    text = (tmp_path / "CKV2_SLREPLICAS_3.yaml").read_text(encoding="utf-8")
    assert text == policies.source("min-replicas", 3)
    assert text.startswith("metadata:\n  id: CKV2_SLREPLICAS_3\n  name: Deployments and StatefulSets run at least 3")
    assert text.endswith("  operator: greater_than_or_equal\n  value: 3\n")
    assert policies.check_id("min-replicas", 10) == "CKV2_SLREPLICAS_10"


def test_paths_that_are_not_utf_8_and_scripts_over_1_mib_still_give_an_identity(tmp_path: Path) -> None:
    venv = tmp_path / "v\udce9nv"  # a folder name that is not UTF-8
    install(venv, "bandit", ["1.9.4"])
    script = venv / "bin/bandit"
    script.parent.mkdir()
    body = b"#!/bin/sh\n" + b"#" * (1 << 20)
    script.write_bytes(body)
    real = os.path.realpath(script)
    st = os.stat(script)
    info = str(venv / "lib/python3.11/site-packages/bandit-1.9.4.dist-info")
    expected = hashlib.sha256(f"bandit\0{real}\0{st.st_size}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogatepass"))
    expected.update(hashlib.sha256(body[: 1 << 20]).digest())  # the first MiB only
    expected.update(info.encode("utf-8", "surrogatepass") + b"\0")
    expected.update(hashlib.sha256(Path(info, "RECORD").read_bytes()).digest())
    assert identity.of("bandit", str(script)) == identity.Identity("1.9.4", expected.hexdigest())


def test_a_version_piece_without_digits_counts_as_zero_and_only_the_first_line_is_the_shebang(tmp_path: Path) -> None:
    assert identity._version_key("/x/bandit-1.dev.dist-info") == ((1, 0), "/x/bandit-1.dev.dist-info")
    install(tmp_path / "other", "checkov", ["3.3.30"])
    split = f"#!\n{tmp_path}/other/bin/python\n".encode()  # `#!` alone: the next line is not an interpreter
    assert identity.dist_infos("checkov", str(tmp_path / "bin/checkov"), split) == []
