"""Hostile manifests: YAML, manifest semantics and paths (see corpus.py for what a case is)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.helpers import GOOD_DOCS
from tests.hostile.corpus import MANIFEST, Case, base, edit

M = MANIFEST


def _crit(line: int, col: int, rule: str, name: str, message: str, file: str = M) -> str:
    return f"{file}:{line}:{col}: CRITICAL {rule} {name} {message}"


# ------------------------------------------------------------------ YAML

LAUGHS = "".join(f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]\n" for i in range(1, 10))

YAML = [
    Case("recursive-alias", "yaml", {M: edit("  tier: 1\n", "  tier: 1\n  x-loop: &loop [*loop]\n")}, 1),
    Case("recursive-alias-mapping", "yaml", {M: edit("  tier: 1\n", "  tier: 1\n  x-loop: &loop {self: *loop}\n")}, 1),
    Case(
        "alias-bomb-under-x-key",
        "yaml",
        {
            M: edit(
                "  tier: 1\n",
                "  tier: 1\n  x-lol: &x0 [lol]\n"
                + "".join(f"  x-l{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]\n" for i in range(1, 10)),
            )
        },
        1,
        refs=("tests/test_malformed.py::test_billion_laughs_fails_fast",),
    ),
    Case("alias-as-duplicate-key", "yaml", {M: edit("  tier: 1\n", "  tier: 1\n  x-k: &k tier\n  *k : 4\n")}, 1),
    Case(
        "merge-key-with-alias",
        "yaml",
        {M: edit("  tier: 1\n", "  tier: 1\n  x-base: &b {zones: 9}\n  x-m: {<<: *b}\n")},
        1,
        refs=("tests/test_malformed.py::test_malformed_fixture[merge-key]",),
    ),
    Case(
        "block-nesting-600",
        "yaml",
        {
            M: edit(
                "  tier: 1\n",
                "  tier: 1\n  x-deep:\n" + "".join(" " * (4 + i) + f"k{i}:\n" for i in range(600)) + " " * 604 + "v\n",
            )
        },
        1,
        refs=("tests/test_malformed.py::test_thousand_level_flow_nesting_does_not_crash",),
    ),
    Case(
        "flow-sequence-nesting-100000",
        "yaml",
        {M: edit("  tier: 1\n", "  tier: 1\n  x-deep: " + "[" * 100_000 + "]" * 100_000 + "\n")},
        1,
    ),
    Case("huge-scalar-accepted", "yaml", {M: edit("  tier: 1\n", "  tier: 1\n  x-blob: " + "a" * 900_000 + "\n")}, 0),
    Case("huge-unknown-key", "yaml", {M: edit("  tier: 1\n", "  tier: 1\n  " + "k" * 200_000 + ": 1\n")}, 1),
    Case(
        "tag-python-name",
        "yaml",
        {M: edit("  tier: 1\n", "  tier: !!python/name:os.system 1\n")},
        1,
        refs=("tests/test_malformed.py::test_malformed_fixture[tag-python-object]",),
    ),
    Case(
        "tag-python-apply",
        "yaml",
        {M: edit("  tier: 1\n", "  tier: 1\n  x-run: !!python/object/apply:os.system [echo pwned]\n")},
        1,
    ),
    Case("tag-local", "yaml", {M: edit("  tier: 1\n", "  tier: !secret 1\n")}, 1),
    Case("tag-set", "yaml", {M: edit("  tier: 1\n", "  tier: 1\n  x-set: !!set {a, b}\n")}, 1),
    Case(
        "tag-timestamp-on-date",
        "yaml",
        {M: edit("game_day: 2026-06-01", "game_day: !!timestamp 2026-06-01T10:00:00Z")},
        1,
    ),
    Case("tag-directive", "yaml", {M: "%TAG !e! tag:evil.example,2026:\n---\n" + base()}, 0),
    Case("yaml-directive-1-2", "yaml", {M: "%YAML 1.2\n---\n" + base()}, 0),
    Case(
        "document-end-then-content",
        "yaml",
        {M: base() + "...\nkind: Evil\n"},
        1,
        refs=("tests/test_malformed.py::test_malformed_fixture[multiple-documents]",),
    ),
    Case(
        "duplicate-key-confusable",
        "yaml",
        {M: edit("  tier: 1\n", "  tier: 1\n  ti\u0435r: 0\n")},
        1,
        refs=("tests/test_malformed.py::test_malformed_fixture[duplicate-key-top-level]",),
    ),
    Case("duplicate-key-after-escape", "yaml", {M: edit("  tier: 1\n", '  tier: 1\n  "ti\\x65r": 4\n')}, 1),
    Case(
        "bom-inside-a-value",
        "yaml",
        {M: edit("owner: team-svc", "owner: team-\ufeffsvc")},
        0,
        refs=("tests/test_malformed.py::test_utf8_bom_is_accepted",),
    ),
    Case("two-boms", "yaml", {M: b"\xef\xbb\xbf\xef\xbb\xbf" + base().encode()}, 0),
    Case(
        "utf8-overlong",
        "yaml",
        {M: edit("owner: team-svc", "owner: team-svc").encode().replace(b"team-svc", b"team-\xc0\xafsvc", 1)},
        1,
        refs=("tests/test_malformed.py::test_non_utf8_bytes",),
    ),
    Case("utf8-surrogate", "yaml", {M: base().encode().replace(b"team-svc", b"team-\xed\xa0\x80svc", 1)}, 1),
    Case("utf8-truncated-at-end", "yaml", {M: base().encode() + b"# \xe2\x82"}, 1),
    Case("nul-in-a-comment", "yaml", {M: base() + "# \0\n"}, 1, refs=("tests/test_malformed.py::test_nul_byte",)),
    Case(
        "cr-only-line-endings",
        "yaml",
        {M: base().replace("\n", "\r")},
        0,
        refs=("tests/test_malformed.py::test_crlf_line_endings_are_accepted",),
    ),
    Case("bidi-override-in-a-value", "yaml", {M: edit("owner: team-svc", "owner: team-\u202esvc")}, 0),
]

# ------------------------------------------------------------------ manifest semantics

MANIFEST_CASES = [
    Case(
        "tier-beyond-int64",
        "manifest",
        {M: edit("  tier: 1\n", "  tier: 99999999999999999999\n")},
        1,
        refs=("tests/test_malformed.py::test_malformed_fixture[unknown-tier]",),
    ),
    Case("zones-beyond-int64", "manifest", {M: edit("zones: 2", "zones: 99999999999999999999")}, 1),
    Case("replicas-negative", "manifest", {M: edit("min_replicas: 2", "min_replicas: -3")}, 1),
    Case(
        "slo-nan",
        "manifest",
        {M: edit("slo: 99.95", "slo: .nan")},
        1,
        refs=("tests/test_malformed.py::test_malformed_fixture[yaml11-infinity]",),
    ),
    Case("slo-negative", "manifest", {M: edit("slo: 99.95", "slo: -5")}, 1),
    Case(
        "slo-just-over-100-percent",
        "manifest",
        {M: edit("slo: 99.95", 'slo: "100.0000001%"')},
        1,
        refs=("tests/test_malformed.py::test_malformed_fixture[percent-string-over-100]",),
    ),
    Case("slo-exponent", "manifest", {M: edit("slo: 99.95", "slo: 1e400")}, 1),
    Case("error-rate-over-100", "manifest", {M: edit("error_rate: 5%", "error_rate: 500%")}, 1),
    Case(
        "rto-absurd-weeks",
        "manifest",
        {M: edit("rto: 30m", "rto: 99999999999999w")},
        1,
        refs=("tests/test_malformed.py::test_malformed_fixture[duration-too-long]",),
    ),
    Case("rto-zero", "manifest", {M: edit("rto: 30m", "rto: 0s")}, 1),
    Case("rpo-repeated-units", "manifest", {M: edit("rpo: 5m", "rpo: 1m1m")}, 1),
    Case("rto-many-digits", "manifest", {M: edit("rto: 30m", "rto: " + "9" * 5000 + "s")}, 1),
    Case("date-year-9999", "manifest", {M: edit("game_day: 2026-06-01", "game_day: 9999-12-31")}, 0),
    Case(
        "dates-in-the-future",
        "manifest",
        {
            M: base()
            .replace("2026-09-14", "2099-09-14")
            .replace("2026-10-01", "2099-10-01")
            .replace("reviewed: 2026-08-01", "reviewed: 2099-08-01")
        },
        1,
    ),
    Case("date-year-10000", "manifest", {M: edit("game_day: 2026-06-01", "game_day: 10000-01-01")}, 1),
    Case("date-year-1", "manifest", {M: edit("game_day: 2026-06-01", "game_day: 0001-01-01")}, 0),
    Case("date-with-time", "manifest", {M: edit("game_day: 2026-06-01", "game_day: 2026-06-01T10:00:00+14:00")}, 1),
    Case(
        "name-unicode",
        "manifest",
        {M: base().replace("name: svc,", "name: sv\u00e7,", 1)},
        1,
        refs=("tests/test_malformed.py::test_malformed_fixture[invalid-service-name]",),
    ),
    Case("name-confusable-cyrillic", "manifest", {M: base().replace("name: svc,", "name: s\u0432c,", 1)}, 1),
    Case("name-253-chars", "manifest", {M: base().replace("name: svc,", "name: " + "a" * 253 + ",", 1)}, 1),
    Case(
        "dependency-confusable",
        "manifest",
        {M: edit("  tier: 1\n", "  tier: 1\n  dependencies: [{service: s\u0432c, hard: true}]\n")},
        1,
    ),
    Case(
        "dependency-on-itself",
        "manifest",
        {M: edit("  tier: 1\n", "  tier: 1\n  dependencies: [{service: svc, hard: true}]\n")},
        0,
    ),
    Case(
        "tier-as-string",
        "manifest",
        {M: edit("  tier: 1\n", '  tier: "1"\n')},
        1,
        refs=("tests/test_malformed.py::test_malformed_fixture[type-tier-word]",),
    ),
    Case(
        "spec-null",
        "manifest",
        {M: "apiVersion: shiftleft/v1\nkind: Service\nmetadata: {name: svc, owner: team-svc}\nspec: ~\n"},
        1,
    ),
]

# ------------------------------------------------------------------ paths


def _symlink(link: str, target: str) -> object:
    def make(repo: Path) -> None:
        (repo / link).parent.mkdir(parents=True, exist_ok=True)
        (repo / link).unlink(missing_ok=True)
        os.symlink(target, repo / link)

    return make


def _fifo(rel: str) -> object:
    def make(repo: Path) -> None:
        (repo / rel).unlink(missing_ok=True)
        os.mkfifo(repo / rel)

    return make


PATHS = [
    Case(
        "plan-symlink-to-etc-passwd",
        "paths",
        {},
        1,
        setup=_symlink("svc/docs/dr-plan.md", "/etc/passwd"),
        refs=("tests/test_malformed.py::test_symlinked_file_leading_outside",),
    ),
    Case("plan-is-a-fifo", "paths", {}, 1, setup=_fifo("svc/docs/dr-plan.md")),
    Case("plan-is-dev-zero", "paths", {}, 1, setup=_symlink("svc/docs/dr-plan.md", "/dev/zero")),
    Case("plan-is-a-folder", "paths", {M: edit("plan: docs/dr-plan.md", "plan: docs")}, 0),
    Case("plan-symlink-loop", "paths", {}, 1, setup=_symlink("svc/docs/dr-plan.md", "dr-plan.md")),
    Case(
        "plan-deep-dotdot",
        "paths",
        {M: edit("plan: docs/dr-plan.md", "plan: docs/" + "../" * 40 + "etc/passwd")},
        1,
        refs=("tests/test_malformed.py::test_malformed_fixture[path-dotdot-outside]",),
    ),
    Case("plan-component-too-long", "paths", {M: edit("plan: docs/dr-plan.md", "plan: docs/" + "a" * 300)}, 1),
    Case("plan-path-too-long", "paths", {M: edit("plan: docs/dr-plan.md", "plan: " + "a/" * 3000 + "x")}, 1),
    Case("plan-backslash-escape", "paths", {M: edit("plan: docs/dr-plan.md", "plan: '..\\..\\etc\\passwd'")}, 1),
    Case("plan-url", "paths", {M: edit("plan: docs/dr-plan.md", "plan: 'file:///etc/passwd'")}, 1),
    Case(
        "code-path-root",
        "paths",
        {M: edit("  tier: 1\n", "  tier: 1\n  paths: {code: [/]}\n")},
        1,
        refs=("tests/test_malformed.py::test_malformed_fixture[path-absolute]",),
    ),
    Case("manifest-is-a-folder", "paths", {"other/shiftleft.yaml/x": "x\n"}, 1),
    Case(
        "manifest-is-a-fifo",
        "paths",
        {},
        1,
        setup=_fifo("svc/shiftleft.yaml"),
        refs=("tests/test_malformed.py::test_fifo_is_refused_without_reading",),
    ),
    Case(
        "manifest-in-a-long-folder-name",
        "paths",
        {
            "a" * 250 + "/shiftleft.yaml": base().replace("name: svc,", "name: long,", 1),
            **{"a" * 250 + f"/{doc}": "# doc\n" for doc in GOOD_DOCS},
        },
        0,
    ),
    Case(
        "manifest-name-with-newline",
        "paths",
        {
            "b\nc/shiftleft.yaml": base().replace("name: svc,", "name: bc,", 1),
            **{f"b\nc/{doc}": "# doc\n" for doc in GOOD_DOCS},
        },
        0,
    ),
    Case(
        "manifest-name-with-escape",
        "paths",
        {
            "\x1b[2J::error::x/shiftleft.yaml": base()
            .replace("name: svc,", "name: esc,", 1)
            .replace("rto: 30m", "rto: 9h"),
            **{f"\x1b[2J::error::x/{doc}": "# doc\n" for doc in GOOD_DOCS},
        },
        1,
    ),
]

CASES = [*YAML, *MANIFEST_CASES, *PATHS]
