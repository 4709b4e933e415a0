"""The loader and the whole check: any YAML-ish text, any manifest-shaped data, never a traceback.

A manifest is what a pull request writes; whatever it holds, `check` answers
with findings or a one-line error and exit code 0, 1 or 2 (3 is an internal
error: a bug), and the loader raises nothing.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from shiftleft.main import main
from shiftleft.manifest import model, schema
from tests.helpers import GOOD_DOCS, NOW, good_manifest


def _schema_keys() -> list[str]:
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    keys.update(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema.schema())
    return sorted(keys)


KEYS = st.one_of(st.sampled_from(_schema_keys()), st.text(max_size=6), st.just("x-extra"))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
    st.sampled_from(["30m", "1h30m", "99.9", "5%", "2026-09-14", "10000-01-01", "NO", "010", "1:30", "0x1f",
                     "../x", "/etc/passwd", "~/x", "docs/runbook.md", "warm-standby", "shiftleft/v1"]),
)  # fmt: skip
DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=25,
)
MANIFESTS = st.fixed_dictionaries(
    {"apiVersion": st.sampled_from(["shiftleft/v1", "shiftleft/v2"]), "kind": st.just("Service")},
    optional={"metadata": DATA, "spec": DATA, "x-note": DATA},
)
YAMLISH = st.text(
    alphabet=st.sampled_from([*"ab:-[]{},&*!|>'\"#%@`?~ \t\n\r", "\0", "\ufeff", "\u2028", "\x85", "é"]),
    max_size=200,
)
FRAGMENTS = st.sampled_from(
    ["&a [*a]", "*a", "<<: *b", "!!python/object:x {}", "---\n", "...\n", "%YAML 1.1\n", "{{{{", "]]]",
     "\n  - ", ": ", "\t", "'", '"\\x', "? [a]\n: b\n", "!!binary aGk=", "9" * 30, "\ufeff", "\0"]
)  # fmt: skip


def check(files: dict[str, bytes]) -> tuple[int, str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".git").mkdir()
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        before = Path.cwd()
        os.chdir(root)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["check", ".", "--now", NOW, "-q", "--format", "text"])
        finally:
            os.chdir(before)
    return code, out.getvalue(), err.getvalue()


def assert_answered(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err and "internal error" not in err, err
    assert len(err.splitlines()) <= 1, err
    if code == 2:
        assert err.startswith("shiftleft: error: "), err


def load(data: bytes) -> model.Manifest:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "svc").mkdir()
        (root / "svc" / "shiftleft.yaml").write_bytes(data)
        for doc in GOOD_DOCS:
            (root / "svc" / doc).parent.mkdir(parents=True, exist_ok=True)
            (root / "svc" / doc).write_text("# doc\n", encoding="utf-8")
        return model.load(root / "svc" / "shiftleft.yaml", "svc/shiftleft.yaml", root)


@given(YAMLISH)
def test_loader_takes_any_yamlish_text(text: str) -> None:
    manifest = load(text.encode("utf-8", "surrogatepass"))
    for problem in manifest.problems:
        assert problem.line >= 0 and problem.col >= 0 and "\n" not in problem.message


@given(st.binary(max_size=300))
def test_loader_takes_any_bytes(data: bytes) -> None:
    load(data)


@given(st.integers(0, 3000), FRAGMENTS)
def test_a_broken_good_manifest_is_findings_not_a_crash(at: int, fragment: str) -> None:
    text = good_manifest("svc", 1)
    at = at % (len(text) + 1)
    files = {"svc/shiftleft.yaml": (text[:at] + fragment + text[at:]).encode("utf-8")}
    files.update({f"svc/{doc}": b"# doc\n" for doc in GOOD_DOCS})
    assert_answered(*check(files))


@given(MANIFESTS)
def test_any_manifest_shaped_data_is_findings_not_a_crash(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    code, out, err = check({"svc/shiftleft.yaml": text.encode("utf-8")})
    assert_answered(code, out, err)
    if code == 1:
        assert all(line.startswith(("svc/shiftleft.yaml", "    ")) for line in out.splitlines()), out


@given(st.text(max_size=300), st.sampled_from([".shiftleft.toml", "shiftleft-waivers.yaml"]))
def test_any_configuration_or_waiver_file_is_answered(text: str, name: str) -> None:
    files = {"svc/shiftleft.yaml": good_manifest("svc", 1).encode(), name: text.encode("utf-8", "surrogatepass")}
    files.update({f"svc/{doc}": b"# doc\n" for doc in GOOD_DOCS})
    assert_answered(*check(files))
