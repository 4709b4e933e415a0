"""The hook's facts cache: a cached `check --changed` equals an uncached one after every kind of edit.

Each test warms the cache with one hook run on a 20-service generated
repository, edits something, then runs the hook again with and without the
cache: the JSON reports must be identical, and the manifests the cached run
parsed (not taken from the cache) are exactly the ones the edit concerns.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shiftleft import factcache
from shiftleft.manifest import model
from shiftleft.policy import cache
from tests.helpers import NOW, ROOT, run_cli, write

N = 20
FOCUS = "svc-00010"
FOCUS_FILE = f"{FOCUS}/shiftleft.yaml"

RULE = """\
id: ACME701
name: depending-service-uses-oidc
severity: high
category: dependencies
summary: A service with dependencies authenticates with OIDC
when: size(graph.dependencies) > 0
assert: spec.security.authentication == 'oidc'
location: spec.security.authentication
message: "{{ metadata.name }} depends on {{ graph.dependencies | length }} services and uses {{ spec.security.authentication }}"
rationale: Test rule reading a section the shipped graph rules do not keep.
remediation: Use OIDC.
examples:
  fail: |
    apiVersion: shiftleft/v1
    kind: Service
    metadata: {name: a, owner: team-a}
    spec: {tier: 4, security: {authentication: saml}, dependencies: [{service: b}]}
  pass: |
    apiVersion: shiftleft/v1
    kind: Service
    metadata: {name: a, owner: team-a}
    spec: {tier: 4, security: {authentication: oidc}}
"""


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("estate") / "repo"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(N), str(out)],
                   check=True, capture_output=True, timeout=120)  # fmt: skip
    return out


@pytest.fixture
def repo(estate: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the estate, with its own cache folder and MAC key."""
    copy = tmp_path / "repo"
    shutil.copytree(estate, copy, symlinks=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("SHIFTLEFT_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "_secret", functools.cache(cache._secret.__wrapped__))
    return copy


class Hook:
    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.root, self.capsys, self.monkeypatch = root, capsys, monkeypatch
        self.parsed: list[str] = []
        real = model.load

        def counting(file: Path, display: str, root: Path, **kwargs: int) -> model.Manifest:
            self.parsed.append(display)
            return real(file, display, root, **kwargs)

        monkeypatch.setattr(model, "load", counting)

    def run(self, *, cached: bool = True, files: tuple[str, ...] = (FOCUS_FILE,)) -> tuple[int, str]:
        self.parsed.clear()
        if not cached:
            self.monkeypatch.setenv("SHIFTLEFT_NO_CACHE", "1")
        try:
            result = run_cli(["check", "--changed", *files, "--now", NOW, "--format", "json"],
                             self.capsys, self.monkeypatch, self.root)  # fmt: skip
        finally:
            self.monkeypatch.delenv("SHIFTLEFT_NO_CACHE", raising=False)
        return result.code, result.out

    def same_as_uncached(self) -> tuple[list[str], dict[str, object]]:
        """Run cached then uncached; assert equal reports; return what the cached run parsed and the report."""
        code, cached = self.run()
        parsed = sorted(self.parsed)
        uncached_code, uncached = self.run(cached=False)
        assert (code, cached) == (uncached_code, uncached)
        return parsed, json.loads(cached)


@pytest.fixture
def hook(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Hook:
    h = Hook(repo, capsys, monkeypatch)
    h.run()  # cold: parses everything and fills the cache
    assert len(h.parsed) == N
    h.run()  # warm: only the changed manifest is parsed
    assert h.parsed == [FOCUS_FILE]
    return h


def _dependency(root: Path) -> str:
    """A service the focus depends on (its findings about the chain read this one's targets)."""
    text = (root / FOCUS_FILE).read_text(encoding="utf-8")
    return re.findall(r"service: (svc-\d+), hard: true", text)[0]


def _dependents(report: dict[str, object]) -> list[str]:
    return sorted(s["name"] for s in report["services"] if s["name"] != FOCUS)  # type: ignore[attr-defined,index]


def test_unchanged_estate_is_served_from_the_cache(hook: Hook) -> None:
    parsed, report = hook.same_as_uncached()
    assert parsed == [FOCUS_FILE]
    assert _dependents(report), "the focus has dependents whose graph rules ran on cached facts"


@pytest.mark.parametrize(("pattern", "value"), [(r"\n    rto: \S+", "\n    rto: 30d"), (r"\n  tier: \d", "\n  tier: 4")])
def test_content_edit_of_a_dependency(hook: Hook, pattern: str, value: str) -> None:
    dep = _dependency(hook.root)
    manifest = hook.root / dep / "shiftleft.yaml"
    manifest.write_text(re.sub(pattern, value, manifest.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    parsed, report = hook.same_as_uncached()
    assert parsed == sorted([FOCUS_FILE, f"{dep}/shiftleft.yaml"])
    if "tier" in value:
        inversions = [f["service"] for f in report["findings"] if f["rule"] == "SL701"]  # type: ignore[index]
        assert FOCUS in inversions  # a tier-1..3 service now hard-depends on a tier-4 one
        return
    chain = [f["message"] for f in report["findings"] if f["rule"] == "SL702"]  # type: ignore[index]
    assert any("30d" in m for m in chain), chain  # the edit reached the graph


def test_renamed_folder(hook: Hook) -> None:
    dep = _dependency(hook.root)
    (hook.root / dep).rename(hook.root / "renamed")
    parsed, report = hook.same_as_uncached()
    assert parsed == sorted([FOCUS_FILE, "renamed/shiftleft.yaml"])
    assert not [f for f in report["findings"] if f["rule"] == "SL706"]  # type: ignore[index]


def test_deleted_dependency(hook: Hook) -> None:
    dep = _dependency(hook.root)
    shutil.rmtree(hook.root / dep)
    parsed, report = hook.same_as_uncached()
    assert parsed == [FOCUS_FILE]
    unknown = [f for f in report["findings"] if f["rule"] == "SL706"]  # type: ignore[index]
    assert [(f["service"], dep in f["message"]) for f in unknown] == [(FOCUS, True)]


def test_rule_reading_another_section(hook: Hook) -> None:
    write(hook.root, ".shiftleft.toml", 'rules = ["policy/rules"]\n')
    write(hook.root, "policy/rules/ACME701-depending-service-uses-oidc.yaml", RULE)
    parsed, report = hook.same_as_uncached()
    assert len(parsed) == N  # the rule set needs spec.security, which the cache did not keep: all parsed
    fired = {f["service"] for f in report["findings"] if f["rule"] == "ACME701"}  # type: ignore[index]
    assert fired - {FOCUS}, "the rule ran on dependents' cached facts"
    again, _ = hook.same_as_uncached()
    assert again == [FOCUS_FILE]  # and the new facts are cached in turn


def test_tier_policy_change(hook: Hook) -> None:
    tiers = (ROOT / "rules" / "tiers.yaml").read_text(encoding="utf-8")
    write(hook.root, "policy/tiers.yaml", tiers.replace("max_rto: 24h", "max_rto: 1h"))
    write(hook.root, ".shiftleft.toml", 'tiers = "policy/tiers.yaml"\n')
    parsed, _report = hook.same_as_uncached()
    assert parsed == [FOCUS_FILE]  # tiers are policy, evaluated fresh: the facts stay good


def test_shiftleft_upgrade(hook: Hook, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "__version__", "99.0.0")
    monkeypatch.setattr(cache, "_identity", functools.cache(cache._identity.__wrapped__))
    parsed, _report = hook.same_as_uncached()
    assert len(parsed) == N


def test_edited_loader_misses(hook: Hook, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factcache, "_fingerprint", lambda: "another schema")
    parsed, _report = hook.same_as_uncached()
    assert len(parsed) == N


def test_tampered_pack_is_a_miss(hook: Hook, tmp_path: Path) -> None:
    (pack,) = (tmp_path / "cache" / "shiftleft").glob("facts-*.json")
    data = pack.read_bytes()
    assert b"runbook.md" in data  # a declared path, marshalled once (marshal refers back to repeated strings)
    pack.write_bytes(data.replace(b"runbook.md", b"runbook.mx", 1))
    parsed, _report = hook.same_as_uncached()
    assert len(parsed) == N


def test_declared_document_removed(hook: Hook) -> None:
    dep = _dependency(hook.root)
    (hook.root / dep / "docs" / "runbook.md").unlink()
    parsed, _report = hook.same_as_uncached()
    assert parsed == sorted([FOCUS_FILE, f"{dep}/shiftleft.yaml"])


def test_declared_document_turned_into_a_fifo(hook: Hook) -> None:
    """A FIFO is no document (`paths.confine`): a runbook replaced by one no longer exists, for the cached run
    too, though the listing still names an entry there that is no symlink."""
    dep = _dependency(hook.root)
    runbook = hook.root / dep / "docs" / "runbook.md"
    runbook.unlink()
    os.mkfifo(runbook)
    parsed, _report = hook.same_as_uncached()
    assert parsed == sorted([FOCUS_FILE, f"{dep}/shiftleft.yaml"])  # the cached facts were not trusted


def test_declared_path_turned_into_an_escaping_symlink(hook: Hook, tmp_path: Path) -> None:
    dep = _dependency(hook.root)
    outside = tmp_path / "outside.md"
    outside.write_text("# elsewhere\n", encoding="utf-8")
    runbook = hook.root / dep / "docs" / "runbook.md"
    runbook.unlink()
    runbook.symlink_to(outside)
    parsed, _report = hook.same_as_uncached()
    assert parsed == sorted([FOCUS_FILE, f"{dep}/shiftleft.yaml"])  # now invalid (SL008): parsed, not cached


def test_declared_folder_turned_into_an_escaping_symlink(hook: Hook, tmp_path: Path) -> None:
    """A symlink on the way to a declared file (not the file itself): the cheap re-check must see it."""
    dep = _dependency(hook.root)
    docs = hook.root / dep / "docs"
    shutil.copytree(docs, tmp_path / "elsewhere")
    shutil.rmtree(docs)
    docs.symlink_to(tmp_path / "elsewhere")
    parsed, _report = hook.same_as_uncached()
    assert parsed == sorted([FOCUS_FILE, f"{dep}/shiftleft.yaml"])


def test_declared_folder_turned_into_a_symlink_inside_the_repository(hook: Hook) -> None:
    dep = _dependency(hook.root)
    docs = hook.root / dep / "docs"
    docs.rename(hook.root / "shared-docs")
    docs.symlink_to(hook.root / "shared-docs")
    parsed, _report = hook.same_as_uncached()
    assert FOCUS_FILE in parsed  # same answers (inside, exists): the facts may stay; the reports are equal


def test_declared_path_that_appears(hook: Hook) -> None:
    dep = _dependency(hook.root)
    manifest = hook.root / dep / "shiftleft.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("docs/runbook.md", "docs/later.md"), "utf-8")
    hook.same_as_uncached()
    hook.run()
    assert hook.parsed == [FOCUS_FILE]  # the missing path is cached as missing
    (hook.root / dep / "docs" / "later.md").write_text("# now here\n", encoding="utf-8")
    parsed, _report = hook.same_as_uncached()
    assert parsed == sorted([FOCUS_FILE, f"{dep}/shiftleft.yaml"])


def test_new_manifests_in_a_git_repository(hook: Hook) -> None:
    """Untracked, ignored and vendored manifests are found as before (discovery walks, it does not ask git)."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "estate"]):
        subprocess.run([*git, *step], cwd=hook.root, check=True, capture_output=True, timeout=60)
    write(hook.root, ".gitignore", "build/\n")
    service = "apiVersion: shiftleft/v1\nkind: Service\nmetadata: {{name: {0}, owner: team-{0}}}\n" \
              "spec: {{tier: 4, dependencies: [{{service: " + FOCUS + "}}]}}\n"  # fmt: skip
    write(hook.root, "fresh/shiftleft.yaml", service.format("fresh"))  # untracked
    write(hook.root, "build/gen/shiftleft.yaml", service.format("generated"))  # ignored by git
    write(hook.root, "node_modules/pkg/shiftleft.yaml", service.format("vendored"))  # a vendor folder
    parsed, report = hook.same_as_uncached()
    assert parsed == sorted([FOCUS_FILE, "fresh/shiftleft.yaml", "build/gen/shiftleft.yaml"])
    assert {"fresh", "generated"} <= set(_dependents(report))
    assert "vendored" not in _dependents(report)  # the hook does not enter vendor folders, as before
    code, out = hook.run(files=("node_modules/pkg/shiftleft.yaml",))
    skipped = [f for f in json.loads(out)["findings"] if f["rule"] == "SL012"]
    assert (code, [f["location"]["file"] for f in skipped]) == (1, ["node_modules/pkg/shiftleft.yaml"])
    assert (code, out) == hook.run(cached=False, files=("node_modules/pkg/shiftleft.yaml",))


def test_old_packs_are_pruned_when_a_pack_is_written(hook: Hook, tmp_path: Path) -> None:
    import os
    import time

    folder = tmp_path / "cache" / "shiftleft"
    (current,) = folder.glob("facts-*.json")
    now = time.time()
    for i in range(12):  # packs of other repositories, the oldest first
        pack = folder / f"facts-{i:016x}-1.json"
        pack.write_text("{}", encoding="utf-8")
        os.utime(pack, (now - 1000 + i, now - 1000 + i))
    ancient = folder / "facts-ffffffffffffffff-1.json"
    ancient.write_text("{}", encoding="utf-8")
    os.utime(ancient, (now - factcache.MAX_AGE - 60,) * 2)
    elsewhere = folder / "facts-link-1.json"
    elsewhere.symlink_to(tmp_path / "not-a-pack.json")
    others = sorted(p.name for p in folder.iterdir() if not p.name.startswith("facts-"))
    hook.run()
    assert hook.parsed == [FOCUS_FILE]  # nothing changed: nothing written, nothing pruned
    assert len(list(folder.glob("facts-*.json"))) == 15
    dep = _dependency(hook.root)
    manifest = hook.root / dep / "shiftleft.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("  description: ", "  description: x ", 1), "utf-8")
    hook.run()  # writes the pack, then prunes
    packs = sorted(p.name for p in folder.glob("facts-*.json") if not p.is_symlink())
    newest = [f"facts-{i:016x}-1.json" for i in range(12 - factcache.PACKS + 1, 12)]
    assert packs == sorted([current.name, *newest])
    assert elsewhere.is_symlink()  # not a regular file: left alone
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith("facts-")) == others
    hook.run()
    assert hook.parsed == [FOCUS_FILE]  # the pack of this repository survived


def test_a_warm_run_does_not_write_the_pack(repo: Path) -> None:
    """The first run writes the pack; the next, with nothing changed, reads it and writes nothing. Two processes:
    marshal gives the same sections different bytes depending on what else in the process refers to them, so
    entries are compared decoded."""
    env = {k: v for k, v in os.environ.items() if k != "SHIFTLEFT_NO_CACHE"}
    cmd = [sys.executable, "-m", "shiftleft", "check", "--changed", FOCUS_FILE, "--now", NOW, "-q"]
    assert subprocess.run(cmd, cwd=repo, env=env, capture_output=True, timeout=120).returncode in (0, 1)
    (pack,) = (repo.parent / "cache" / "shiftleft").glob("facts-*.json")
    written = (pack.stat().st_mtime_ns, pack.read_bytes())
    assert subprocess.run(cmd, cwd=repo, env=env, capture_output=True, timeout=120).returncode in (0, 1)
    assert (pack.stat().st_mtime_ns, pack.read_bytes()) == written


def test_from_a_service_folder_the_hook_and_a_parent_path_see_the_whole_repository(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from a service's folder, `check --changed shiftleft.yaml` still judges the dependents elsewhere in the
    repository (not only the folder's manifests), and `check ..` lists every service once, not once through `..`
    and again from the repository's walk."""
    def names(cwd: Path, *args: str) -> list[str]:
        result = run_cli(["check", *args, "--now", NOW, "--format", "json"], capsys, monkeypatch, cwd)
        return sorted(s["name"] for s in json.loads(result.out)["services"])

    subprocess.run([shutil.which("git") or "git", "init", "-q", str(repo)], check=True, timeout=60)
    from_root = names(repo, "--changed", FOCUS_FILE)
    assert len(from_root) > 1  # the focus and its dependents
    assert names(repo / FOCUS, "--changed", "shiftleft.yaml") == from_root
    everything = names(repo / FOCUS, "..")
    assert len(everything) == len(set(everything)) == N
