"""Malformed manifests: every bad input is one finding line, never a crash (DESIGN.md sections 2, 7, 10).

Each fixture in tests/fixtures/malformed/ is a realistic manifest with exactly
one defect (first line: a comment naming it). It is copied to
`checkout/shiftleft.yaml` in a fresh git-less repository under tmp_path and
checked through the real CLI, so what is asserted is the line a user sees:

    checkout/shiftleft.yaml:LINE:COL: CRITICAL SL0xx rule-name message

Inputs a fixture file cannot hold (non-UTF-8 bytes, NUL, BOM, control
characters, oversized files, alias bombs, symlinks, FIFOs) are generated at
test time. Cases marked xfail(strict=True) are loader bugs: the expectation is
what the output should be, and the reason says what it prints today.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from shiftleft.main import main
from shiftleft.manifest import yamlsafe
from shiftleft.policy import catalog
from tests.helpers import TESTS

FIXTURES = TESTS / "fixtures" / "malformed"
BASELINE = FIXTURES / "accepted-baseline.yaml"
MANIFEST = "checkout/shiftleft.yaml"
NOW = "2026-11-25"
SAFETY_NET_SECONDS = 5.0
"""Not a benchmark: only catches a loader that expands or reads what it should refuse."""

RULE_NAMES = {
    "SL001": "invalid-yaml",
    "SL002": "duplicate-key",
    "SL003": "ambiguous-scalar",
    "SL004": "unknown-key",
    "SL005": "missing-required-key",
    "SL006": "invalid-value",
    "SL007": "bad-duration-or-date",
    "SL008": "path-outside-repository",
    "SL009": "duplicate-service-name",
    "SL010": "unknown-tier",
    "SL011": "unsupported-format",
}

DURATION_HINT = "write a number and a unit ms, s, m, h, d or w (250ms, 30s, 15m, 4h, 1h30m, 30d, 2w)"
ONLY_X = "; only x- keys are free for your own use"
NOT_A_MAPPING = "a manifest is a mapping with apiVersion, kind, metadata and spec"
EMPTY = "empty manifest; expected `apiVersion: shiftleft/v1`"
TWO_DOCUMENTS = "more than one YAML document; a manifest holds exactly one (remove the `---` separator)"
TIER_POLICY = "<shiftleft>/rules/tiers.yaml (known tiers: 0, 1, 2, 3, 4)"
NOT_GIT = " ({root}, the checked folder, as it is not in a git repository)"
"""SL008 names the folder taken as the repository; the malformed repository has no .git."""
MANIFEST_OUTSIDE = "the manifest is a symlink that leads outside the repository; it was not read"


def finding(line: int, col: int, rule: str, message: str, file: str = MANIFEST) -> str:
    """The exact text line of one critical manifest finding."""
    where = f"{file}:{line}:{col}" if line else file
    return f"{where}: CRITICAL {rule} {RULE_NAMES[rule]} {message}"


def matches(expected: str | re.Pattern[str], actual: str) -> bool:
    if isinstance(expected, str):
        return expected == actual
    return expected.fullmatch(actual) is not None


# --------------------------------------------------------------------------- running the CLI


@dataclass(frozen=True)
class MalformedRun:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


@functools.cache
def catalog_rule_ids() -> tuple[str, ...]:
    """Every policy rule id of the shipped catalog: outside SL0xx, plus SL014 (the tier's required sections).

    Read once: the shipped catalog does not change during the run."""
    rules = catalog.load([catalog.shipped_folder()]).rules
    return tuple(sorted(r.id for r in rules if not r.id.startswith("SL0") or r.id == "SL014"))


def write_config(repo: Path, *settings: str, keep: tuple[str, ...] = ()) -> None:
    """`.shiftleft.toml` that disables every catalog rule but `keep`: this suite is about SL0xx only.

    Valid manifests (and the valid parts of a run) would otherwise also get catalog findings,
    which change whenever a rule is added; `settings` are extra TOML lines.
    """
    catalog_rules = catalog_rule_ids()
    assert catalog_rules and set(keep) <= set(catalog_rules), keep
    disabled = [rule for rule in catalog_rules if rule not in keep]
    listed = ", ".join(f'"{rule}"' for rule in disabled)
    text = "".join(f"{line}\n" for line in settings) + f"disable = [{listed}]\n"
    (repo / ".shiftleft.toml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache folder of this module's runs, holding what they read (signed with the suite's key): the shipped
    catalog compiled, written by one run with every catalog rule disabled."""
    home = tmp_path_factory.mktemp("malformed-cache")
    repo = home / "repo"
    (repo / "checkout").mkdir(parents=True)
    shutil.copyfile(BASELINE, repo / "checkout" / "shiftleft.yaml")
    write_config(repo)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(repo)
        mp.setenv("XDG_CACHE_HOME", str(home))
        main(["check", "--now", NOW, "--format", "text", "-q"])
    return home / "shiftleft"


@pytest.fixture
def malformed_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warm_cache: Path) -> Path:
    """A git-less repository with a checkout service folder; the working directory for the run."""
    repo = tmp_path / "repo"
    docs = repo / "checkout" / "docs"
    docs.mkdir(parents=True)
    (docs / "runbook.md").write_text("# checkout runbook\n", encoding="utf-8")
    (docs / "dr-plan.md").write_text("# checkout DR plan\n", encoding="utf-8")
    # The configuration file stops the search for one above tmp_path and turns the catalog off.
    write_config(repo)
    assert not any((folder / ".git").exists() for folder in (repo, *repo.parents)), "tmp_path is inside git"
    monkeypatch.chdir(repo)
    # One cache folder for the module's runs, where a crash log would land: it starts with the compiled catalog, so
    # that each of these few hundred runs reads it instead of compiling it again (and, the folder being the same,
    # takes it from the process's memo after the first).
    monkeypatch.setenv("XDG_CACHE_HOME", str(warm_cache.parent))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return repo


RunCli = Callable[..., MalformedRun]


@pytest.fixture
def malformed_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run `shiftleft check ... --now NOW --format text -q`; assert nothing reached stderr."""

    def run(*args: str) -> MalformedRun:
        start = time.perf_counter()
        code = main(["check", *args, "--now", NOW, "--format", "text", "-q"])
        seconds = time.perf_counter() - start
        out, err = capsys.readouterr()
        assert "Traceback" not in err and "Traceback" not in out
        assert "internal error" not in err
        assert err == ""
        return MalformedRun(code, out, err, seconds)

    return run


def place(repo: Path, content: str | bytes, service: str = "checkout") -> Path:
    """Write a manifest for `service` and return its path."""
    target = repo / service / "shiftleft.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    target.write_bytes(content)
    return target


def place_fixture(repo: Path, name: str, service: str = "checkout") -> Path:
    target = repo / service / "shiftleft.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / f"{name}.yaml", target)
    return target


def baseline() -> str:
    return BASELINE.read_text(encoding="utf-8")


def baseline_with(old: str, new: str) -> str:
    text = baseline()
    assert text.count(old) == 1, old
    return text.replace(old, new)


# --------------------------------------------------------------------------- the fixture table


def case(name: str, *expected: str | re.Pattern[str], bug: str | None = None) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(name, expected, id=name, marks=marks)


CASES = [
    # YAML syntax
    case(
        "syntax-unclosed-flow-mapping",
        finding(
            32,
            3,
            "SL001",
            "invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping); "
            "a braced mapping is not closed, or two entries lack a comma between them",
        ),
    ),
    case(
        "syntax-bad-indentation",
        finding(
            24,
            9,
            "SL001",
            "invalid YAML: mapping values are not allowed in this context; a `key: value` "
            "where YAML does not expect one: indent it under a parent key, or quote a value that contains ': '",
        ),
    ),
    case(
        "syntax-tab-indentation",
        finding(24, 1, "SL001", "invalid YAML: tab character; indent with spaces, YAML does not allow tabs"),
    ),
    case(
        "syntax-unterminated-quote",
        # The position is where the quote opened, not the end of the file where the scanner gave up.
        finding(
            33,
            48,
            "SL001",
            "invalid YAML: found unexpected end of stream (while scanning a quoted scalar); "
            "the quote or bracket opened here is never closed",
        ),
    ),
    case(
        "syntax-unterminated-quote-midfile",
        finding(
            31,
            61,
            "SL001",
            "invalid YAML: did not find expected key (while parsing a block mapping); "
            "a quote above this line is probably never closed, so this quote ends it: close the earlier quote",
        ),
    ),
    case("syntax-undefined-alias", finding(21, 14, "SL001", "invalid YAML: undefined alias")),
    case("key-not-a-string", finding(15, 7, "SL001", "mapping keys must be plain strings")),
    # duplicate keys: the message names both places
    case(
        "duplicate-key-top-level",
        finding(8, 1, "SL002", "duplicate key 'kind' (first defined on line 3, column 1); keep one of them"),
    ),
    case(
        "duplicate-key-nested",
        finding(26, 5, "SL002", "duplicate key 'rto' (first defined on line 23, column 5); keep one of them"),
    ),
    case(
        "duplicate-key-quoted",
        finding(25, 5, "SL002", "duplicate key 'rto' (first defined on line 23, column 5); keep one of them"),
    ),
    case(
        "duplicate-key-flow-mapping",
        # Both on line 31: the column tells them apart.
        finding(31, 51, "SL002", "duplicate key 'at_rest' (first defined on line 31, column 18); keep one of them"),
    ),
    # document shape
    # The position is the second `---`, the separator the message says to remove.
    case("multiple-documents", finding(34, 1, "SL001", TWO_DOCUMENTS)),
    case("multiple-documents-trailing-separator", finding(34, 1, "SL001", TWO_DOCUMENTS)),
    case("empty", finding(1, 1, "SL001", EMPTY)),
    case("only-comments", finding(1, 1, "SL001", EMPTY)),
    case("top-level-list", finding(1, 1, "SL006", NOT_A_MAPPING)),
    case("top-level-scalar", finding(1, 1, "SL006", NOT_A_MAPPING)),
    case("deep-nesting", finding(8, 44, "SL001", "nesting deeper than 32 levels")),
    # explicit tags (shown as written) and merge keys
    case(
        "tag-python-object",
        finding(7, 10, "SL001", "explicit YAML tag !!python/object/apply:os.system is not allowed; remove it"),
    ),
    case("tag-binary", finding(7, 10, "SL001", "explicit YAML tag !!binary is not allowed; remove it")),
    case("tag-int", finding(9, 9, "SL001", "explicit YAML tag !!int is not allowed; remove it")),
    case("merge-key", finding(25, 5, "SL001", "merge keys (`<<`) are not supported; write the keys out")),
    # YAML 1.1 traps
    case(
        "yaml11-no-country-code",
        finding(
            16,
            26,
            "SL003",
            '`NO` is the boolean false in YAML 1.1; write "NO" in quotes for text, or false for a boolean',
        ),
    ),
    case(
        "yaml11-yes-boolean",
        finding(
            13,
            20,
            "SL003",
            '`yes` is the boolean true in YAML 1.1; write "yes" in quotes for text, or true for a boolean',
        ),
    ),
    case(
        "yaml11-on-boolean",
        finding(
            31,
            27,
            "SL003",
            '`on` is the boolean true in YAML 1.1; write "on" in quotes for text, or true for a boolean',
        ),
    ),
    case(
        "yaml11-off-boolean",
        finding(
            13,
            20,
            "SL003",
            '`off` is the boolean false in YAML 1.1; write "off" in quotes for text, or false for a boolean',
        ),
    ),
    case(
        "yaml11-off-capitalised",
        finding(
            31,
            45,
            "SL003",
            '`Off` is the boolean false in YAML 1.1; write "Off" in quotes for text, or false for a boolean',
        ),
    ),
    case(
        "yaml11-sexagesimal-rto",
        finding(
            23,
            10,
            "SL003",
            '`1:30` is a base-60 number in YAML 1.1; write "1:30" in quotes for text, or a duration such as 1h30m',
        ),
    ),
    case(
        "yaml11-octal-zones",
        finding(
            20, 12, "SL003", '`010` is an octal number in YAML 1.1; write "010" in quotes for text, or 10 for a number'
        ),
    ),
    case(
        "yaml11-hex-number",
        finding(
            21,
            19,
            "SL003",
            "`0x1F` is read as a number by some YAML parsers and as text by others; "
            'write "0x1F" in quotes for text, or a plain decimal number',
        ),
    ),
    case(
        "yaml11-underscore-number",
        finding(
            21,
            19,
            "SL003",
            "`1_000` is read as a number by some YAML parsers and as text by others; "
            'write "1_000" in quotes for text, or a plain decimal number',
        ),
    ),
    case("yaml11-infinity", finding(18, 10, "SL003", "`.inf` is not allowed; write a finite number")),
    # durations
    case(
        "duration-words",
        finding(23, 10, "SL007", f"spec.continuity.rto: '2 hours' is not a duration; {DURATION_HINT}"),
    ),
    case(
        "duration-fraction",
        finding(23, 10, "SL007", f"spec.continuity.rto: '1.5h' is not a duration; {DURATION_HINT}"),
    ),
    case(
        "duration-negative",
        finding(23, 10, "SL007", f"spec.continuity.rto: '-1h' is not a duration; {DURATION_HINT}"),
    ),
    case(
        "duration-no-unit",
        finding(24, 10, "SL007", f"spec.continuity.rpo: 90 is not a duration; {DURATION_HINT}"),
    ),
    case(
        "duration-too-long",
        finding(23, 10, "SL007", "spec.continuity.rto: '1000000d' is longer than 100 years"),
    ),
    # dates
    case(
        "date-slashes",
        finding(27, 23, "SL007", "spec.continuity.last_test.date: '2026/01/01' is not a date; write YYYY-MM-DD"),
    ),
    case(
        "date-not-in-calendar",
        finding(27, 23, "SL007", "spec.continuity.last_test.date: '2026-02-30' is not a calendar date"),
    ),
    case(
        "date-day-first",
        finding(27, 23, "SL007", "spec.continuity.last_test.date: '14-09-2026' is not a date; write YYYY-MM-DD"),
    ),
    case(
        "date-integer",
        finding(27, 23, "SL007", "spec.continuity.last_test.date: 20260914 is not a date; write YYYY-MM-DD"),
    ),
    # percentages
    case(
        "percent-words",
        finding(18, 10, "SL006", "spec.availability.slo: 'five%' is not a percentage; write a number like 99.9 or 5%"),
    ),
    case(
        "percent-over-100",
        finding(18, 10, "SL006", "spec.availability.slo: 101 is not between 0 and 100"),
    ),
    case(
        "percent-string-over-100",
        finding(31, 27, "SL006", "spec.incident.thresholds.major.error_rate: '150%' is not between 0% and 100%"),
    ),
    # wrong types
    case(
        "type-tier-word",
        finding(9, 9, "SL006", "spec.tier must be an integer, not string 'one' (the tier policy has 0, 1, 2, 3, 4)"),
    ),
    case(
        "type-tier-boolean",
        finding(9, 9, "SL006", "spec.tier must be an integer, not boolean true (the tier policy has 0, 1, 2, 3, 4)"),
    ),
    case(
        "type-tier-negative",
        finding(9, 9, "SL006", "spec.tier must be at least 0, not -1 (the tier policy has 0, 1, 2, 3, 4)"),
    ),
    case(
        "type-tier-float",
        finding(9, 9, "SL006", "spec.tier must be an integer, not 3.0 (the tier policy has 0, 1, 2, 3, 4)"),
    ),
    case("type-zones-float", finding(20, 12, "SL006", "spec.availability.zones must be an integer, not number 2.5")),
    case(
        "type-regions-string",
        finding(21, 14, "SL006", "spec.availability.regions must be a list, not string 'europe-west1'"),
    ),
    case(
        "type-dependencies-mapping",
        finding(32, 3, "SL006", 'spec.dependencies must be a list, not mapping {"payment": {"hard": true}}'),
    ),
    case(
        "type-min-tls-number",
        finding(
            31,
            60,
            "SL006",
            'spec.security.encryption.min_tls must be one of 1.0, 1.1, 1.2, 1.3, not 1.2; write "1.2" in quotes',
        ),
    ),
    case("type-metadata-empty", finding(4, 10, "SL006", "metadata must be a mapping, not empty")),
    case(
        "duplicate-list-item", finding(15, 5, "SL006", "spec.compliance.frameworks lists the same value more than once")
    ),
    case("path-empty", finding(29, 14, "SL006", "spec.incident.runbook must not be empty")),
    # enums with did-you-mean
    case(
        "enum-strategy-typo",
        finding(
            25,
            15,
            "SL006",
            "spec.continuity.strategy must be one of backup-restore, pilot-light, warm-standby, "
            "active-active, not 'warm-stanby' (did you mean 'warm-standby'?)",
        ),
    ),
    case(
        "enum-lifecycle-short",
        finding(
            10,
            14,
            "SL006",
            "spec.lifecycle must be one of experimental, production, deprecated, not 'prod' "
            "(did you mean 'production'?)",
        ),
    ),
    # unknown keys with did-you-mean
    case(
        "unknown-key-rtoo",
        finding(23, 5, "SL004", f"unknown key 'rtoo' in spec.continuity (did you mean 'rto'?){ONLY_X}"),
    ),
    case("unknown-key-top-level", finding(8, 1, "SL004", f"unknown key 'x_cost_centre' at the top level{ONLY_X}")),
    case(
        "unknown-key-capitalised-kind",
        finding(2, 1, "SL005", "missing required key 'kind' at the top level"),
        finding(3, 1, "SL004", f"unknown key 'Kind' at the top level (did you mean 'kind'?){ONLY_X}"),
    ),
    case(
        "unknown-key-metadata",
        finding(7, 3, "SL004", f"unknown key 'ownr' in metadata (did you mean 'owner'?){ONLY_X}"),
    ),
    case(
        "unknown-key-dependency",
        finding(34, 40, "SL004", f"unknown key 'fallbak' in spec.dependencies[1] (did you mean 'fallback'?){ONLY_X}"),
    ),
    # missing required keys
    case("missing-apiversion", finding(2, 1, "SL005", "missing required key 'apiVersion' at the top level")),
    case("missing-kind", finding(2, 1, "SL005", "missing required key 'kind' at the top level")),
    case("missing-metadata-name", finding(4, 1, "SL005", "missing required key 'name' in metadata")),
    case("missing-spec-tier", finding(8, 1, "SL005", "missing required key 'tier' in spec")),
    case(
        "missing-dependency-service",
        finding(34, 7, "SL005", "missing required key 'service' in spec.dependencies[1]"),
    ),
    case("missing-waiver-expiry", finding(33, 7, "SL005", "missing required key 'expires' in spec.waivers[0]")),
    # format, names, tiers
    case("wrong-apiversion", finding(2, 13, "SL011", "apiVersion must be shiftleft/v1, not 'shiftleft/v2'")),
    case("wrong-kind", finding(3, 7, "SL011", "kind must be Service, not 'Deployment'")),
    case(
        "invalid-service-name",
        finding(
            5,
            9,
            "SL006",
            "metadata.name: 'Checkout_Svc' is not a valid name: lower-case letters, digits and "
            "'-', starting and ending with a letter or digit, at most 63 characters",
        ),
    ),
    case("unknown-tier", finding(9, 9, "SL010", f"tier 7 is not in the tier policy {TIER_POLICY}")),
    # paths that leave the repository
    case(
        "path-dotdot-outside",
        finding(29, 14, "SL008", "spec.incident.runbook: '../../outside.md' points outside the repository" + NOT_GIT),
    ),
    case(
        "path-absolute",
        finding(
            29,
            14,
            "SL008",
            "spec.incident.runbook: '/etc/passwd' is absolute; write it relative to the manifest's folder",
        ),
    ),
    case(
        "path-home",
        finding(
            26,
            11,
            "SL008",
            "spec.continuity.plan: '~/x' starts with ~ (a home folder); write it relative to the manifest's folder",
        ),
    ),
    case(
        "path-nul-escape",
        # `runbook: "docs/runbook.md\0.sh"`: the NUL is shown escaped, never written to the terminal.
        finding(29, 14, "SL006", "spec.incident.runbook: 'docs/runbook.md\\x00.sh' contains a control character"),
    ),
]

ACCEPTED = ["accepted-baseline", "accepted-x-keys", "accepted-dotdot-inside"]


@pytest.mark.parametrize(("name", "expected"), CASES)
def test_malformed_fixture(
    malformed_repo: Path, malformed_cli: RunCli, name: str, expected: tuple[str | re.Pattern[str], ...]
) -> None:
    place_fixture(malformed_repo, name)
    run = malformed_cli()
    assert run.code == 1, run.out
    assert len(run.lines) == len(expected), run.out
    for want, got in zip(expected, run.lines, strict=True):
        if isinstance(want, str):
            want = want.replace("{root}", str(malformed_repo.resolve()))
        assert matches(want, got), f"\nexpected: {want}\nactual:   {got}"


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_fixture(malformed_repo: Path, malformed_cli: RunCli, name: str) -> None:
    """x- keys anywhere and a `..` that stays inside the repository give no finding."""
    place_fixture(malformed_repo, name)
    run = malformed_cli()
    assert (run.code, run.out) == (0, "")


def test_every_fixture_is_in_a_table() -> None:
    on_disk = {p.stem for p in FIXTURES.glob("*.yaml")}
    listed = {p.values[0] for p in CASES} | set(ACCEPTED)
    assert on_disk == listed
    malformed = on_disk - set(ACCEPTED)
    assert len(malformed) >= 40


def test_every_malformed_fixture_names_its_defect() -> None:
    """Each fixture starts with a comment saying what is wrong with it (except the empty file)."""
    for path in FIXTURES.glob("*.yaml"):
        if path.stem in ACCEPTED or path.stem in ("empty", "only-comments"):
            continue
        assert path.read_text(encoding="utf-8").startswith("# "), path.name


# --------------------------------------------------------------------------- encodings and bytes


def test_utf8_bom_is_accepted(malformed_repo: Path, malformed_cli: RunCli) -> None:
    place(malformed_repo, b"\xef\xbb\xbf" + baseline().encode("utf-8"))
    run = malformed_cli()
    assert (run.code, run.out) == (0, "")


def test_utf8_bom_does_not_shift_columns(malformed_repo: Path, malformed_cli: RunCli) -> None:
    text = baseline_with("apiVersion: shiftleft/v1\n", "apiVersion: shiftleft/v2\n")
    place(malformed_repo, b"\xef\xbb\xbf" + text.encode("utf-8"))
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [finding(1, 13, "SL011", "apiVersion must be shiftleft/v1, not 'shiftleft/v2'")]


def test_crlf_line_endings_are_accepted(malformed_repo: Path, malformed_cli: RunCli) -> None:
    place(malformed_repo, baseline().replace("\n", "\r\n"))
    run = malformed_cli()
    assert (run.code, run.out) == (0, "")


def test_non_utf8_bytes(malformed_repo: Path, malformed_cli: RunCli) -> None:
    """Latin-1 `é` (0xe9) in the description on line 5: the column counts bytes."""
    text = baseline_with("  description: Takes orders and charges cards\n", "  description: Caf\u00e9 orders\n")
    place(malformed_repo, text.encode("latin-1"))
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [finding(5, 19, "SL001", "not valid UTF-8 (byte 0xe9); save the file as UTF-8")]


def test_nul_byte(malformed_repo: Path, malformed_cli: RunCli) -> None:
    text = baseline_with("  owner: team-checkout\n", "  owner: team-check\0out\n")
    place(malformed_repo, text)
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [finding(6, 20, "SL001", "binary file (NUL byte); a manifest is UTF-8 text")]


def test_binary_file(malformed_repo: Path, malformed_cli: RunCli) -> None:
    """A PNG committed under the manifest's name."""
    place(malformed_repo, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [finding(3, 1, "SL001", "binary file (NUL byte); a manifest is UTF-8 text")]


def test_utf16_file(malformed_repo: Path, malformed_cli: RunCli) -> None:
    """Windows tools often save UTF-16; it is refused as a whole file (1:1), by name."""
    place(malformed_repo, baseline().encode("utf-16"))
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [finding(1, 1, "SL001", "file is UTF-16; save it as UTF-8")]


@pytest.mark.parametrize(
    ("char", "code"),
    [("\x07", "0007"), ("\x1b", "001B"), ("\x7f", "007F"), ("\x01", "0001")],
    ids=["bell", "escape", "delete", "start-of-heading"],
)
def test_control_character(malformed_repo: Path, malformed_cli: RunCli, char: str, code: str) -> None:
    text = baseline_with("  description: Takes orders and charges cards\n", f"  description: Takes orders{char}[31m\n")
    place(malformed_repo, text)
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [finding(5, 28, "SL001", f"control character U+{code} is not allowed in YAML; remove it")]


@pytest.mark.xfail(
    strict=True,
    reason="YAML 1.1 counts U+2028 / U+0085 as line breaks, so the finding says line 6 (`owner:`), "
    "col 2, 'did not find expected key', while the character is on line 5 of the file as editors show it",
)
@pytest.mark.parametrize("char", ["\u2028", "\x85"], ids=["line-separator", "next-line"])
def test_unicode_line_separator_in_a_value(malformed_repo: Path, malformed_cli: RunCli, char: str) -> None:
    """A description pasted from a word processor carries a Unicode line separator."""
    text = baseline_with("  description: Takes orders and charges cards\n", f"  description: Takes orders{char} fast\n")
    place(malformed_repo, text)
    run = malformed_cli()
    assert run.code == 1
    assert len(run.lines) == 1
    assert run.lines[0].startswith(f"{MANIFEST}:5:"), run.lines[0]


# --------------------------------------------------------------------------- size and expansion bounds

MIB = 1024 * 1024


def padded_baseline(size: int) -> bytes:
    """The baseline manifest padded with a trailing comment to exactly `size` bytes."""
    head = baseline().encode("utf-8")
    data = head + b"#" + b"x" * (size - len(head) - 2) + b"\n"
    assert len(data) == size
    return data


def test_exactly_the_size_limit_is_accepted(malformed_repo: Path, malformed_cli: RunCli) -> None:
    place(malformed_repo, padded_baseline(MIB))
    run = malformed_cli()
    assert (run.code, run.out) == (0, "")


def test_one_byte_over_the_size_limit(malformed_repo: Path, malformed_cli: RunCli) -> None:
    place(malformed_repo, padded_baseline(MIB + 1))
    run = malformed_cli()
    assert run.code == 1
    # A whole-file finding (1:1); both sizes round to 1.0 MiB, so the bytes say by how much.
    assert run.lines == [
        finding(
            1,
            1,
            "SL001",
            "file is 1.0 MiB (1,048,577 bytes), over the 1.0 MiB (1,048,576 bytes) limit for a manifest",
        )
    ]


def test_configured_size_limit(malformed_repo: Path, malformed_cli: RunCli) -> None:
    write_config(malformed_repo, "max_manifest_bytes = 2048")
    place(malformed_repo, padded_baseline(3000))
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [
        finding(1, 1, "SL001", "file is 3 KiB (3,000 bytes), over the 2 KiB (2,048 bytes) limit for a manifest")
    ]


def test_fifty_megabyte_file_fails_fast(malformed_repo: Path, malformed_cli: RunCli) -> None:
    big = place(malformed_repo, padded_baseline(50 * MIB))
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [
        finding(
            1,
            1,
            "SL001",
            "file is 50.0 MiB (52,428,800 bytes), over the 1.0 MiB (1,048,576 bytes) limit for a manifest",
        )
    ]
    assert run.seconds < SAFETY_NET_SECONDS
    big.unlink()  # 50 MB pytest would keep for three runs, in memory where tmp_path is a tmpfs (tests/conftest.py)


TOO_MANY_VALUES = (
    "document has more than 20,000 values, counting each alias as a copy; a manifest has a few hundred "
    "(remove anchors and aliases, or split the file)"
)

BILLION_LAUGHS = """\
apiVersion: shiftleft/v1
kind: Service
metadata: {name: checkout}
spec:
  tier: 3
  x-lol:
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_billion_laughs_fails_fast(malformed_repo: Path, malformed_cli: RunCli) -> None:
    """9^9 (387 million) strings once expanded; refused after 20,000 values."""
    place(malformed_repo, BILLION_LAUGHS)
    run = malformed_cli()
    assert run.code == 1
    # The position is the value being built when the bound is hit: inside the anchored list on line 7.
    assert run.lines == [finding(7, 26, "SL001", TOO_MANY_VALUES)]
    assert run.seconds < SAFETY_NET_SECONDS


def test_wide_document_is_bounded(malformed_repo: Path, malformed_cli: RunCli) -> None:
    """25,000 list items and no alias at all still hit the value bound (the hint offers splitting the file)."""
    place(malformed_repo, baseline() + "x-hosts: [" + "h, " * 25_000 + "h]\n")
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [finding(33, 59_876, "SL001", TOO_MANY_VALUES)]
    assert run.seconds < SAFETY_NET_SECONDS


def test_thousand_level_flow_nesting_does_not_crash(malformed_repo: Path, malformed_cli: RunCli) -> None:
    """libyaml stops at 1,000 levels before the loader's own bound of 32; either way one finding."""
    place(malformed_repo, baseline() + "x-deep: " + "[" * 1000 + "]" * 1000 + "\n")
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [
        finding(33, 1008, "SL001", "invalid YAML: exceeded maximum nesting depth (while increasing flow level)")
    ]


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="without libyaml, 5,000 nested brackets overflow the pure-Python composer's recursion before the "
    "loader's depth bound is checked; the RecursionError is now SL001 'nesting deeper than 32 levels' but at "
    "1:1, while the same input with 40 or 200 levels (and with libyaml) points at 33:41 where level 33 opens. "
    "Any depth from about 900 levels up loses the position",
)
def test_deep_nesting_without_libyaml(
    malformed_repo: Path, malformed_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    class PureComposer(yaml.SafeLoader):
        yaml_implicit_resolvers: dict[str, object] = {}  # noqa: RUF012

    monkeypatch.setattr(yamlsafe, "_Composer", PureComposer)
    place(malformed_repo, baseline() + "x-deep: " + "[" * 5000 + "]" * 5000 + "\n")
    run = malformed_cli()
    assert run.code == 1
    # What 40 levels give, with or without libyaml: the bracket that opens level 33.
    assert run.lines == [finding(33, 41, "SL001", "nesting deeper than 32 levels")]
    assert run.seconds < SAFETY_NET_SECONDS


# --------------------------------------------------------------------------- files that are not manifests


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_reading(malformed_repo: Path, malformed_cli: RunCli) -> None:
    """Reading a FIFO would block forever."""
    os.mkfifo(malformed_repo / "checkout" / "shiftleft.yaml")
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [finding(1, 1, "SL001", "not a regular file")]
    assert run.seconds < SAFETY_NET_SECONDS


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_symlink_to_a_device_is_refused(malformed_repo: Path, malformed_cli: RunCli) -> None:
    """/dev/zero is outside the repository: refused as such before anything is opened."""
    (malformed_repo / "checkout" / "shiftleft.yaml").symlink_to("/dev/zero")
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [finding(1, 1, "SL008", MANIFEST_OUTSIDE)]
    assert run.seconds < SAFETY_NET_SECONDS


# --------------------------------------------------------------------------- symlinks and the repository boundary


@pytest.fixture
def malformed_outside(tmp_path: Path) -> Path:
    """A folder next to the repository, holding something the manifest must not reach."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "runbook.md").write_text("not part of the repository\n", encoding="utf-8")
    return outside


def test_symlinked_file_leading_outside(malformed_repo: Path, malformed_outside: Path, malformed_cli: RunCli) -> None:
    runbook = malformed_repo / "checkout" / "docs" / "runbook.md"
    runbook.unlink()
    runbook.symlink_to(malformed_outside / "runbook.md")
    place(malformed_repo, baseline())
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [
        finding(
            28,
            14,
            "SL008",
            "spec.incident.runbook: 'docs/runbook.md' is a symlink that leads outside the repository"
            + NOT_GIT.format(root=malformed_repo.resolve()),
        )
    ]


def test_relative_symlink_leading_outside(malformed_repo: Path, malformed_outside: Path, malformed_cli: RunCli) -> None:
    plan = malformed_repo / "checkout" / "docs" / "dr-plan.md"
    plan.unlink()
    plan.symlink_to("../../../outside/runbook.md")
    place(malformed_repo, baseline())
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [
        finding(
            25,
            11,
            "SL008",
            "spec.continuity.plan: 'docs/dr-plan.md' is a symlink that leads outside the repository"
            + NOT_GIT.format(root=malformed_repo.resolve()),
        )
    ]


def test_symlinked_folder_leading_outside(malformed_repo: Path, malformed_outside: Path, malformed_cli: RunCli) -> None:
    docs = malformed_repo / "checkout" / "docs"
    shutil.rmtree(docs)
    docs.symlink_to(malformed_outside, target_is_directory=True)
    place(malformed_repo, baseline())
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [
        finding(
            28,
            14,
            "SL008",
            "spec.incident.runbook: 'docs/runbook.md' is a symlink that leads outside the repository"
            + NOT_GIT.format(root=malformed_repo.resolve()),
        )
    ]


def test_symlink_that_stays_inside_is_accepted(malformed_repo: Path, malformed_cli: RunCli) -> None:
    shared = malformed_repo / "shared"
    shared.mkdir()
    (shared / "runbook.md").write_text("# shared runbook\n", encoding="utf-8")
    runbook = malformed_repo / "checkout" / "docs" / "runbook.md"
    runbook.unlink()
    runbook.symlink_to("../../shared/runbook.md")
    place(malformed_repo, baseline())
    run = malformed_cli()
    assert (run.code, run.out) == (0, "")


def test_manifest_symlinked_outside_is_not_read(
    malformed_repo: Path, malformed_outside: Path, malformed_cli: RunCli
) -> None:
    kubeconfig = malformed_outside / "config"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user: {token: s3cr3t}\n", encoding="utf-8"
    )
    (malformed_repo / "checkout" / "shiftleft.yaml").symlink_to(kubeconfig)
    run = malformed_cli()
    assert run.code == 1
    assert "Config" not in run.out and "users" not in run.out
    assert run.lines == [finding(1, 1, "SL008", MANIFEST_OUTSIDE)]


def test_repository_reached_through_a_symlink(
    malformed_repo: Path, tmp_path: Path, malformed_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    place(malformed_repo, baseline())
    (tmp_path / "link").symlink_to(malformed_repo, target_is_directory=True)
    write_config(tmp_path)  # the working directory's configuration applies
    monkeypatch.chdir(tmp_path)
    run = malformed_cli("link")
    assert (run.code, run.out) == (0, "")


# --------------------------------------------------------------------------- several services in one run


GOOD_BUT_SLOW_RTO = ("    rto: 4h\n", "    rto: 48h\n")


def test_other_services_are_still_checked(malformed_repo: Path, malformed_cli: RunCli) -> None:
    """A broken manifest next to a good one: the good one's policy findings still appear."""
    write_config(malformed_repo, keep=("SL301",))  # the one catalog rule this test is about
    place_fixture(malformed_repo, "syntax-unclosed-flow-mapping", service="checkout")
    place(malformed_repo, baseline_with(*GOOD_BUT_SLOW_RTO).replace("name: checkout", "name: payment"), "payment")
    place(malformed_repo, baseline().replace("name: checkout", "name: search"), "search")
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [
        finding(
            32,
            3,
            "SL001",
            "invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping); "
            "a braced mapping is not closed, or two entries lack a comma between them",
        ),
        "payment/shiftleft.yaml:22:10: HIGH SL301 rto-within-tier "
        "RTO 48h exceeds the tier 3 (business-operational) ceiling of 24h",
    ]


def test_every_broken_manifest_is_reported(malformed_repo: Path, malformed_cli: RunCli) -> None:
    """Several broken manifests in one run: one finding each, in path order, exit 1, no crash."""
    for name in ("empty", "tag-python-object", "yaml11-no-country-code", "path-absolute"):
        place_fixture(malformed_repo, name, service=name)
    place(malformed_repo, b"\x89PNG\r\n\x1a\n\x00", "binary")
    run = malformed_cli()
    assert run.code == 1
    assert [line.split(": CRITICAL ")[1].split()[0] for line in run.lines] == [
        "SL001",
        "SL001",
        "SL008",
        "SL001",
        "SL003",
    ]
    assert [line.split(":")[0] for line in run.lines] == [
        "binary/shiftleft.yaml",
        "empty/shiftleft.yaml",
        "path-absolute/shiftleft.yaml",
        "tag-python-object/shiftleft.yaml",
        "yaml11-no-country-code/shiftleft.yaml",
    ]


def test_duplicate_service_name(malformed_repo: Path, malformed_cli: RunCli) -> None:
    """SL009 on the second manifest (in path order), naming the first file."""
    place(malformed_repo, baseline())
    place(malformed_repo, baseline(), "legacy-checkout")
    run = malformed_cli()
    assert run.code == 1
    assert run.lines == [
        finding(
            4,
            9,
            "SL009",
            "service name 'checkout' is already used by checkout/shiftleft.yaml; names are unique across the catalog",
            file="legacy-checkout/shiftleft.yaml",
        ),
    ]


def test_malformed_run_exit_code_respects_fail_on(malformed_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SL0xx findings are critical: they fail even `--fail-on critical`."""
    place_fixture(malformed_repo, "syntax-tab-indentation")
    code = main(["check", "--now", NOW, "--format", "text", "-q", "--fail-on", "critical"])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    assert out.splitlines() == [
        finding(24, 1, "SL001", "invalid YAML: tab character; indent with spaces, YAML does not allow tabs")
    ]


def test_summary_counts_the_broken_manifest(malformed_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without -q: the service header says the tier is unknown and the summary fails the run."""
    place_fixture(malformed_repo, "empty")
    code = main(["check", "--now", NOW, "--format", "text"])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    assert out.splitlines() == [
        f"checkout (tier unknown, {MANIFEST}): 1 finding",
        finding(1, 1, "SL001", EMPTY),
        "",
        "1 finding in 1 of 1 service (1 critical); 1 at or above --fail-on high: failed",
    ]


def test_no_crash_log_is_written(malformed_repo: Path, warm_cache: Path, malformed_cli: RunCli) -> None:
    """Every fixture in one run: only findings, never an internal error."""
    for path in sorted(FIXTURES.glob("*.yaml")):
        place_fixture(malformed_repo, path.stem, service=path.stem)
    assert not (warm_cache / "crash.log").exists()
    run = malformed_cli()
    assert run.code == 1
    assert not (warm_cache / "crash.log").exists()
    # Valid manifests all say `name: checkout`, so they show up too (SL009); every malformed one must.
    shown = {line.split("/shiftleft.yaml")[0] for line in run.lines}
    assert shown >= {p.stem for p in FIXTURES.glob("*.yaml")} - set(ACCEPTED)
