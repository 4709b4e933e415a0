"""The compiled-catalog cache: hits are identical to a fresh load, and any change misses."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

from shiftleft.policy import cache, catalog
from tests.helpers import write

RULE = """\
id: ACME101
name: owner-set
severity: medium
category: people
summary: An owner is named
assert: has(metadata.owner)
message: no owner for {{ metadata.name }}
rationale: r
remediation: f
references: [{framework: iso-27001, control: "5.2"}]
"""


def _comparable(rules: list[catalog.Rule]) -> list[dict[str, object]]:
    out = []
    for rule in rules:
        fields = {}
        for name in rule._fields:
            value = getattr(rule, name)
            fields[name] = value.source if hasattr(value, "source") else value
        out.append(fields)
    return out


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("SHIFTLEFT_NO_CACHE", raising=False)
    cache._secret.cache_clear()
    monkeypatch.setattr(cache, "_secret", functools.cache(cache._secret.__wrapped__))  # this test's key only
    return tmp_path / "cache" / "shiftleft"


def test_hit_is_identical_to_a_fresh_load(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folders = [catalog.shipped_folder()]
    first = catalog.load(folders)
    assert len(list(cache_home.glob("catalog-*.json"))) == 1
    second = catalog.load(folders)
    monkeypatch.setenv("SHIFTLEFT_NO_CACHE", "1")
    fresh = catalog.load(folders)
    assert _comparable(second.rules) == _comparable(first.rules) == _comparable(fresh.rules)
    # The cached programs evaluate, not just carry their source.
    assert second.get("SL301") is not None and second.get("SL301").check is not None


def test_editing_a_rule_file_misses(cache_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    path = write(folder, "ACME101-owner-set.yaml", RULE)
    assert catalog.load([(folder, "rules")]).get("ACME101").severity.value == "medium"
    path.write_text(RULE.replace("severity: medium", "severity: high"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse clocks
    assert catalog.load([(folder, "rules")]).get("ACME101").severity.value == "high"


def test_removing_a_rule_file_misses(cache_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    write(folder, "ACME101-owner-set.yaml", RULE)
    second = write(
        folder, "ACME102-owner-set-too.yaml", RULE.replace("ACME101", "ACME102").replace("owner-set", "owner-set-too")
    )
    assert len(catalog.load([(folder, "rules")]).rules) == 2
    second.unlink()
    assert [r.id for r in catalog.load([(folder, "rules")]).rules] == ["ACME101"]


def test_corrupt_or_tampered_cache_is_a_miss(cache_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    write(folder, "ACME101-owner-set.yaml", RULE)
    catalog.load([(folder, "rules")])
    (cached,) = cache_home.glob("catalog-*.json")
    for junk in ("{not json", '{"format": 1, "version": "0.0.0", "rules": []}', '{"format": 1}', "[]"):
        cached.write_text(junk, encoding="utf-8")
        assert [r.id for r in catalog.load([(folder, "rules")]).rules] == ["ACME101"]


def test_disabled_by_environment(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIFTLEFT_NO_CACHE", "1")
    catalog.load([catalog.shipped_folder()])
    assert not cache_home.exists()


def test_unwritable_cache_folder_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would go", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.delenv("SHIFTLEFT_NO_CACHE", raising=False)
    assert catalog.load([catalog.shipped_folder()]).get("SL301") is not None
    assert cache.read("0" * 32, catalog.Rule) is None


def test_a_process_reads_the_same_rule_files_once(cache_home: Path, tmp_path: Path, monkeypatch) -> None:
    """The second load of unchanged rule files in one process is served from memory, not the cache file."""
    folder = tmp_path / "rules"
    path = write(folder, "ACME101-owner-set.yaml", RULE)
    first = catalog.load([(folder, "rules")])
    reads: list[str] = []
    monkeypatch.setattr(cache, "read", lambda key, factory: reads.append(key))
    second = catalog.load([(folder, "rules")])
    assert (reads, second.rules[0] is first.rules[0]) == ([], True)
    os.utime(path, ns=(1, 1))  # an edit: a new key, read again (here: a miss, compiled)
    assert catalog.load([(folder, "rules")]).get("ACME101") is not None and len(reads) == 1


def test_cached_programs_are_read_when_they_first_run(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache hit holds each rule's programs serialized until one runs; then it answers as a compiled one."""
    from shiftleft.policy import cel

    folders = [catalog.shipped_folder()]
    monkeypatch.setattr(catalog, "_LOADED", {})
    fresh = catalog.load(folders).get("SL301")
    monkeypatch.setattr(catalog, "_LOADED", {})  # not the process's memo: the cache file
    cached = catalog.load(folders).get("SL301")
    assert fresh is not None and cached is not None and cached.check is not None and fresh.check is not None
    assert cached.check._expr is None and cached.check.serialize() == fresh.check.serialize()
    for rto, within in (("1h", True), ("3h", False)):
        activation = cel.activation({"spec": {"continuity": {"rto": rto}}, "tier": {"max_rto": "2h"}})
        assert cached.check.run(activation) == fresh.check.run(activation) == (within, None)
    assert cached.check._expr is not None


def test_binary_entries_round_trip_and_anything_else_is_a_miss(cache_home: Path) -> None:
    """The facts cache's marshalled entries: read back as written; a wrong MAC, a body marshal cannot read
    (under a valid MAC) or another interpreter's identity is a miss, never an error."""
    content = {"key": "k", "entries": {"a": (1, "x", b"\x00bytes", {"nested": [1.5, None, True]})}}
    cache.store_entry("facts-test.json", content, binary=True)
    stored = (cache_home / "facts-test.json").read_bytes()
    assert stored.split(b"\n", 1)[1][:1] == b"M"
    loaded = cache.load_entry("facts-test.json")
    assert loaded is not None and {k: loaded[k] for k in content} == content
    assert type(loaded["entries"]["a"][3]["nested"][2]) is bool

    (cache_home / "facts-test.json").write_bytes(stored.replace(b"bytes", b"bytez"))
    assert cache.load_entry("facts-test.json") is None  # tampered: the MAC no longer matches

    secret = cache._secret()
    assert secret is not None
    for body in (b"M\xff\x00garbage", b"M", b"M" + __import__("marshal").dumps(["not", "a", "dict"])):
        mac = cache._mac(secret, body).encode("ascii")
        (cache_home / "facts-test.json").write_bytes(mac + b"\n" + body)
        assert cache.load_entry("facts-test.json") is None  # authentic but unreadable: a miss


def test_the_identity_names_the_interpreter(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Marshal's format belongs to the interpreter: an entry another Python version wrote is a miss."""
    cache.store_entry("facts-test.json", {"key": "k"}, binary=True)
    assert cache.load_entry("facts-test.json") is not None
    monkeypatch.setattr(cache.sys.implementation, "cache_tag", "cpython-399")
    monkeypatch.setattr(cache, "_identity", functools.cache(cache._identity.__wrapped__))  # not the memoised one
    assert cache.load_entry("facts-test.json") is None
