"""Loader invariants that mutation testing asked for (docs/mutation.md, group `manifest`).

Each test pins an exact outcome of `shiftleft.manifest.model` (problems with file:line:col, the typed view,
the valid part of an invalid manifest, declared paths, placeholders) that the end-to-end tests left open.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from shiftleft.discover import Target
from shiftleft.manifest import model
from tests.helpers import TESTS

BASELINE = (TESTS / "fixtures" / "malformed" / "accepted-baseline.yaml").read_text(encoding="utf-8")
SHOWN = "checkout/shiftleft.yaml"


@pytest.fixture(autouse=True)
def _cold_conversions() -> Iterator[None]:
    """Durations, dates and percentages are converted through a cache: start each test without it."""
    model._convert.cache_clear()
    yield
    model._convert.cache_clear()


def edited(*changes: tuple[str, str]) -> str:
    text = BASELINE
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "checkout" / "docs").mkdir(parents=True)
    (root / "checkout" / "docs" / "runbook.md").write_text("# runbook\n", encoding="utf-8")
    (root / "checkout" / "docs" / "dr-plan.md").write_text("# plan\n", encoding="utf-8")
    return root


def load(repo: Path, text: str) -> model.Manifest:
    file = repo / "checkout" / "shiftleft.yaml"
    file.write_text(text, encoding="utf-8")
    return model.load(file, SHOWN, repo)


def shown(manifest: model.Manifest) -> list[str]:
    return [f"{e.rule} {e}" for e in manifest.problems]


# ------------------------------------------------------------------ the typed view


TYPED_CONTINUITY = {
    "rto": "14400s",
    "rpo": "3600s",
    "strategy": "pilot-light",
    "plan": "docs/dr-plan.md",
    "last_test": {"date": "2026-09-14T00:00:00Z", "result": "pass"},
}


def test_the_typed_view_converts_durations_dates_and_percentages(repo: Path) -> None:
    text = edited(
        ("    runbook: docs/runbook.md\n", "    runbook: docs/runbook.md\n    thresholds: {major: {error_rate: 5%}}\n")
    )
    manifest = load(repo, text)
    assert manifest.problems == []
    typed = manifest.typed()
    assert typed["spec"]["continuity"] == TYPED_CONTINUITY
    assert typed["spec"]["availability"] == {"slo": 99.9, "window": "2592000s", "zones": 2, "regions": ["europe-west1"]}
    assert typed["spec"]["incident"]["thresholds"] == {"major": {"error_rate": 5.0}}
    assert manifest.raw["spec"]["continuity"]["rto"] == "4h"  # the values as written are untouched


def test_the_typed_view_built_while_loading_is_kept_until_release(repo: Path) -> None:
    manifest = load(repo, BASELINE)
    first = manifest.typed()
    assert manifest.typed() is first
    manifest.release()
    again = manifest.typed()
    assert again == first and again is not first
    assert again["spec"]["continuity"] == TYPED_CONTINUITY


def test_new_raw_values_give_a_new_typed_view(repo: Path) -> None:
    manifest = load(repo, BASELINE)
    assert manifest.typed()["spec"]["continuity"]["rto"] == "14400s"
    raw = dict(manifest.raw)
    raw["spec"] = {**raw["spec"], "continuity": {**raw["spec"]["continuity"], "rto": "30m"}}
    manifest.raw = raw
    assert manifest.typed()["spec"]["continuity"]["rto"] == "1800s"


def test_typing_again_after_release_does_not_check_paths_again(repo: Path) -> None:
    """Only loading records whether declared paths exist; a later typed view is not a second look."""
    manifest = load(repo, BASELINE)
    assert manifest.files == {"docs/dr-plan.md": True, "docs/runbook.md": True}
    (repo / "checkout" / "docs" / "runbook.md").unlink()
    manifest.release()
    manifest.typed()
    assert manifest.files == {"docs/dr-plan.md": True, "docs/runbook.md": True}
    assert manifest.exists("docs/runbook.md") is True  # the answer recorded while loading


def test_exists_looks_up_undeclared_paths_inside_the_repository_only(repo: Path) -> None:
    manifest = load(repo, BASELINE)
    (repo / "checkout" / "README.md").write_text("x", encoding="utf-8")
    (repo.parent / "outside.md").write_text("x", encoding="utf-8")
    assert manifest.exists("README.md") is True
    assert manifest.exists("docs") is True
    assert manifest.exists("missing.md") is False
    assert manifest.exists("../../outside.md") is False


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    rto: 4h\n",
            "    rto: 2 hours\n",
            "SL007 checkout/shiftleft.yaml:22:10: spec.continuity.rto: '2 hours' is not a duration; write a number "
            "and a unit ms, s, m, h, d or w (250ms, 30s, 15m, 4h, 1h30m, 30d, 2w)",
        ),
        (
            "{date: 2026-09-14, result: pass}",
            "{date: 2026-02-30, result: pass}",
            "SL007 checkout/shiftleft.yaml:26:23: spec.continuity.last_test.date: '2026-02-30' is not a calendar date",
        ),
        (
            "    runbook: docs/runbook.md\n",
            "    runbook: docs/runbook.md\n    thresholds: {major: {error_rate: 150%}}\n",
            "SL006 checkout/shiftleft.yaml:29:38: spec.incident.thresholds.major.error_rate: '150%' is not between "
            "0% and 100%",
        ),
    ],
    ids=["duration", "calendar-date", "percent"],
)
def test_each_typed_kind_reports_its_own_error(repo: Path, old: str, new: str, expected: str) -> None:
    manifest = load(repo, edited((old, new)))
    assert shown(manifest) == [expected]
    assert manifest.typed() == {}


def test_a_long_value_is_typed_without_the_cache(repo: Path) -> None:
    """Values over 40 characters are converted each time (the cache holds no large untrusted value)."""
    long = "0" * 40 + "4h"
    manifest = load(repo, edited(("    rto: 4h\n", f"    rto: {long}\n")))
    assert shown(manifest) == [f"SL007 {SHOWN}:22:10: spec.continuity.rto: '{long[:40]}'... is longer than 100 years"]
    manifest = load(repo, edited(("    rto: 4h\n", "    rto: " + "0" * 13 + "30m\n")))
    assert manifest.problems == []
    assert manifest.typed()["spec"]["continuity"]["rto"] == "1800s"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    - {service: payment, hard: true}\n", "    3\n", "spec.dependencies must be a list, not integer 3"),
        (
            "  continuity:\n    rto: 4h\n    rpo: 1h\n    strategy: pilot-light\n    plan: docs/dr-plan.md\n"
            "    last_test: {date: 2026-09-14, result: pass}\n",
            "  continuity: [1, 2]\n",
            "spec.continuity must be a mapping, not list [1, 2]",
        ),
    ],
    ids=["number-for-a-list", "list-for-a-mapping"],
)
def test_a_value_of_the_wrong_shape_is_one_problem(repo: Path, old: str, new: str, expected: str) -> None:
    text = edited((old, new)) if "continuity" in old else edited(("  dependencies:\n" + old, "  dependencies: " + new))
    manifest = load(repo, text)
    assert [e.message for e in manifest.problems] == [expected]
    assert [e.rule for e in manifest.problems] == ["SL006"]


# ------------------------------------------------------------------ the valid part of an invalid manifest


def test_the_valid_part_leaves_out_each_wrong_value_and_keeps_the_rest(repo: Path) -> None:
    text = edited(
        ("    rto: 4h\n", "    rto: 2 hours\n"),
        (
            "    - {service: payment, hard: true}\n",
            "    - {service: payment, hard: 3}\n    - {service: ledger, hard: x}\n",
        ),
        ("  lifecycle: production\n", "  lifecycle: 3\n"),
    )
    manifest = load(repo, text)
    assert manifest.invalid == [
        ("spec", "lifecycle"),
        ("spec", "continuity", "rto"),
        ("spec", "dependencies"),
        ("spec", "dependencies"),  # two wrong items: their list is left out once
    ]
    part = manifest.valid_part()
    assert part is not None
    typed, raw = part
    assert sorted(raw["spec"]) == ["availability", "compliance", "continuity", "data", "incident", "security", "tier"]
    assert raw["spec"]["continuity"] == {k: v for k, v in manifest.raw["spec"]["continuity"].items() if k != "rto"}
    assert typed["spec"]["continuity"] == {k: v for k, v in TYPED_CONTINUITY.items() if k != "rto"}
    assert raw["metadata"] == manifest.raw["metadata"]
    # The manifest's own values are not touched.
    assert manifest.raw["spec"]["continuity"]["rto"] == "2 hours"
    assert len(manifest.raw["spec"]["dependencies"]) == 2


def test_a_wrong_top_level_value_is_left_out(repo: Path) -> None:
    manifest = load(repo, edited(("metadata:\n  name: checkout\n", "metadata:\n  name: Checkout_Svc\n")))
    assert manifest.invalid == [("metadata", "name")]
    part = manifest.valid_part()
    assert part is not None and "name" not in part[1]["metadata"] and part[1]["metadata"]["owner"] == "team-checkout"
    manifest = load(repo, edited(("kind: Service\n", "kind: Service\nx-y: 1\nbogus: 2\n")))
    assert manifest.invalid == [("bogus",)]
    part = manifest.valid_part()
    assert part is not None and "bogus" not in part[1] and part[1]["x-y"] == 1


def test_without_copies_only_along_the_paths() -> None:
    raw = {"a": {"b": {"c": 1, "d": 2}, "e": 3}, "f": [1], "g": "x"}
    assert model._without(raw, [("a", "b", "c")]) == {"a": {"b": {"d": 2}, "e": 3}, "f": [1], "g": "x"}
    assert model._without(raw, [("a", "e"), ("g",)]) == {"a": {"b": {"c": 1, "d": 2}}, "f": [1]}
    assert raw == {"a": {"b": {"c": 1, "d": 2}, "e": 3}, "f": [1], "g": "x"}
    # A path through a value that is not a mapping, or that is gone already, leaves the rest alone.
    assert model._without(raw, [("g", "x"), ("a", "e"), ("a", "e"), ("f", "x"), ("a", "b", "z", "y")]) == {
        "a": {"b": {"c": 1, "d": 2}},
        "f": [1],
        "g": "x",
    }
    assert model._without(raw, [("a",), ()]) == {}


# ------------------------------------------------------------------ locating problems and findings


def test_locate_uses_the_tree_kept_from_loading(repo: Path) -> None:
    manifest = load(repo, BASELINE)
    manifest.file.write_text("\n\n" + BASELINE, encoding="utf-8")  # edited after loading
    assert manifest.locate([(("spec", "tier"), False)]) == [(8, 9)]
    manifest.release()
    assert manifest.locate([(("spec", "tier"), False), (("spec", "tier"), True)]) == [(10, 9), (10, 3)]


def test_locate_of_a_file_gone_or_broken_is_the_first_column(repo: Path) -> None:
    manifest = load(repo, BASELINE)
    manifest.release()
    manifest.file.write_text("a: 1\nb: [x]\ufeff", encoding="utf-8")  # a BOM at the end does not parse
    assert manifest.locate([(("b",), False)]) == [(1, 1)]
    manifest.file.unlink()
    assert manifest.locate([(("spec",), False), (("spec", "tier"), True)]) == [(1, 1), (1, 1)]


def test_locate_reads_the_file_as_utf8_whatever_the_locale(repo: Path) -> None:
    manifest = load(repo, edited(("Takes orders and charges cards", "Café orders")))
    manifest.release()
    saved = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "C")
    except locale.Error:
        pytest.skip("no C locale")
    try:
        assert manifest.locate([(("spec", "tier"), False)]) == [(8, 9)]
    finally:
        locale.setlocale(locale.LC_CTYPE, saved)


# ------------------------------------------------------------------ paths: which folder is the repository


def test_a_path_outside_names_the_folder_holding_git(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / ".git").mkdir()
    elsewhere = repo.parent / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the working folder has no .git: the repository's own is meant
    manifest = load(repo, edited(("plan: docs/dr-plan.md", "plan: ../../x.md")))
    assert shown(manifest) == [
        f"SL008 {SHOWN}:25:11: spec.continuity.plan: '../../x.md' points outside the repository "
        f"({os.path.realpath(repo)}, the folder holding .git)"
    ]


# ------------------------------------------------------------------ placeholders


def test_placeholders_are_the_todo_lines_outside_whole_line_comments(repo: Path) -> None:
    long = "x" * 130
    text = edited(
        (
            "  owner: team-checkout\n",
            f"  owner:   TODO-team    # TODO  confirm\n  # TODO: not this one\n  x-n: {long}TODO\n",
        ),
        ("    rto: 4h\n", "    rto: 4h  # TODO\n"),
    )
    manifest = load(repo, text)
    assert manifest.problems == []
    assert manifest.placeholders == [
        (6, 3, "owner: TODO-team # TODO confirm"),
        (8, 3, f"x-n: {long}"[:120]),
        (24, 5, "rto: 4h # TODO"),
    ]
    assert model.placeholders("a: todo\n# TODO\n") == []


# ------------------------------------------------------------------ equality and repr


def test_manifests_compare_by_file_display_root_values_paths_and_problems(repo: Path) -> None:
    one, two = load(repo, BASELINE), load(repo, BASELINE)
    assert one == two and not one != two
    two.display = "other/shiftleft.yaml"
    assert one != two
    assert one != "a manifest" and one.__eq__("a manifest") is NotImplemented
    three = model.Manifest(file=one.file, display=one.display, root=one.root, raw=one.raw, files=dict(one.files))
    assert three == one
    three.files["x"] = False
    assert three != one


def test_repr_shows_the_compared_fields() -> None:
    manifest = model.Manifest(file=Path("/r/m.yaml"), display="m.yaml", root=Path("/r"), raw={"a": 1})
    assert repr(manifest) == (
        "Manifest(file=PosixPath('/r/m.yaml'), display='m.yaml', root=PosixPath('/r'), raw={'a': 1}, files={}, "
        "problems=[])"
    )


def test_a_list_or_empty_value_where_a_duration_belongs_and_a_path_where_a_number_belongs(repo: Path) -> None:
    """Values of the wrong kind at typed places: one schema problem each, no crash, and no path recorded."""
    text = edited(
        ("    rto: 4h\n", "    rto: [1]\n"), ("    rpo: 1h\n", "    rpo:\n"), ("    zones: 2\n", "    zones: docs\n")
    )
    manifest = load(repo, text)
    hint = "is not a duration; write a number and a unit ms, s, m, h, d or w (250ms, 30s, 15m, 4h, 1h30m, 30d, 2w)"
    assert shown(manifest) == [
        f"SL006 {SHOWN}:19:12: spec.availability.zones must be an integer, not string 'docs'",
        f"SL007 {SHOWN}:22:5: spec.continuity.rto: [1] {hint}",
        f"SL007 {SHOWN}:23:9: spec.continuity.rpo: (empty) {hint}",
    ]
    assert manifest.files == {"docs/dr-plan.md": True, "docs/runbook.md": True}


# ------------------------------------------------------------------ loading: what is kept, and what is not read


def test_a_new_manifest_holds_nothing_until_loaded(tmp_path: Path) -> None:
    manifest = model.Manifest(file=tmp_path / "m.yaml", display="m.yaml", root=tmp_path)
    assert (manifest.raw, manifest.files, manifest.problems, manifest.nodes) == ({}, {}, [], None)
    assert (manifest.invalid, manifest.placeholders, manifest.valid_part()) == (None, [], None)
    assert manifest.valid and manifest.typed() == {}
    nodes = object()
    assert model.Manifest(file=tmp_path / "m.yaml", display="m.yaml", root=tmp_path, nodes=nodes).nodes is nodes


def test_a_clean_manifest_keeps_its_nodes_and_has_no_placeholders(repo: Path) -> None:
    manifest = load(repo, BASELINE)
    assert (manifest.file, manifest.display, manifest.root) == (repo / "checkout" / "shiftleft.yaml", SHOWN, repo)
    assert manifest.problems == [] and manifest.invalid is None and manifest.placeholders == []
    assert manifest.nodes is not None and manifest.locate([(("spec", "tier"), False)]) == [(8, 9)]
    manifest.release()
    assert manifest.nodes is None


def test_a_manifest_that_does_not_parse_has_no_valid_part(repo: Path) -> None:
    manifest = load(repo, "apiVersion: shiftleft/v1\nkind: [\n")
    assert shown(manifest) == [
        f"SL001 {SHOWN}:3:1: invalid YAML: did not find expected node content (while parsing a flow node)"
    ]
    assert (manifest.raw, manifest.nodes, manifest.invalid, manifest.valid_part(), manifest.typed()) == (
        {},
        None,
        None,
        None,
        {},
    )


def test_a_manifest_that_is_not_a_mapping_is_one_problem_at_its_start(repo: Path) -> None:
    manifest = load(repo, "\n- apiVersion: shiftleft/v1\n")
    assert shown(manifest) == [f"SL006 {SHOWN}:1:1: a manifest is a mapping with apiVersion, kind, metadata and spec"]
    assert (manifest.raw, manifest.invalid, manifest.valid_part()) == ({}, None, None)


def test_a_missing_key_takes_nothing_out_of_the_valid_part(repo: Path) -> None:
    """SL005's path is the mapping that lacks the key: leaving that out would drop all of spec."""
    manifest = load(repo, edited(("  tier: 3\n", ""), ("  lifecycle: production\n", "  lifecycle: 3\n")))
    assert [e.rule for e in manifest.problems] == ["SL005", "SL006"]
    assert manifest.invalid == [("spec", "lifecycle")]
    part = manifest.valid_part()
    assert part is not None
    assert sorted(part[1]["spec"]) == [
        "availability",
        "compliance",
        "continuity",
        "data",
        "dependencies",
        "incident",
        "security",
    ]


def test_a_manifest_over_the_size_limit_given_is_not_read(repo: Path) -> None:
    file = repo / "checkout" / "shiftleft.yaml"
    file.write_text(BASELINE, encoding="utf-8")
    manifest = model.load(file, SHOWN, repo, max_bytes=100)
    size = len(BASELINE.encode("utf-8"))
    assert shown(manifest) == [
        f"SL001 {SHOWN}:1:1: file is {size} bytes ({size:,} bytes), over the 100 bytes (100 bytes) limit for a manifest"
    ]
    target = Target(file, SHOWN, repo)
    assert shown(model.load_target(target, max_bytes=100)) == shown(manifest)
    assert model.load_target(target).problems == []


def test_a_manifest_discovery_skipped_is_one_finding_and_not_read(repo: Path) -> None:
    file = repo / "checkout" / "shiftleft.yaml"
    file.write_text("not: [yaml\n", encoding="utf-8")
    manifest = model.load_target(Target(file, SHOWN, repo, ("SL012", "not checked: vendored")))
    assert (manifest.file, manifest.display, manifest.root) == (file, SHOWN, repo)
    assert shown(manifest) == [f"SL012 {SHOWN}:1:1: not checked: vendored"]
    assert (manifest.raw, manifest.invalid) == ({}, None)


def test_a_manifest_symlinked_outside_the_repository_is_not_read(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(BASELINE, encoding="utf-8")
    link = repo / "checkout" / "shiftleft.yaml"
    link.symlink_to(outside)
    manifest = model.load(link, SHOWN, repo)
    assert shown(manifest) == [
        f"SL008 {SHOWN}:1:1: the manifest is a symlink that leads outside the repository; it was not read"
    ]
    assert manifest.raw == {}
    inside = repo / "checkout" / "real.yaml"
    inside.write_text(BASELINE, encoding="utf-8")
    link.unlink()
    link.symlink_to(inside)
    assert model.load(link, SHOWN, repo).problems == []


def test_a_manifest_in_a_folder_symlinked_outside_the_repository_is_not_read(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "shiftleft.yaml").write_text(BASELINE, encoding="utf-8")
    (repo / "elsewhere").symlink_to(tmp_path / "outside", target_is_directory=True)
    manifest = model.load(repo / "elsewhere" / "shiftleft.yaml", SHOWN, repo)
    assert shown(manifest) == [
        f"SL008 {SHOWN}:1:1: a folder of the manifest's path is a symlink that leads outside the repository; "
        "it was not read"
    ]
    assert manifest.raw == {}
    (repo / "checkout" / "shiftleft.yaml").write_text(BASELINE, encoding="utf-8")
    (repo / "again").symlink_to(repo / "checkout", target_is_directory=True)
    assert model.load(repo / "again" / "shiftleft.yaml", SHOWN, repo).problems == []
    outside = model.load(tmp_path / "outside" / "shiftleft.yaml", SHOWN, repo)  # no symlink: named outside
    assert shown(outside) == [f"SL008 {SHOWN}:1:1: the manifest is outside the repository; it was not read"]


def test_the_valid_part_does_not_check_paths_again(repo: Path) -> None:
    """Like `typed()`: whether declared paths exist is recorded while loading, not at each later look."""
    manifest = load(repo, edited(("  lifecycle: production\n", "  lifecycle: 3\n")))
    assert manifest.files == {"docs/dr-plan.md": True, "docs/runbook.md": True}
    (repo / "checkout" / "docs" / "runbook.md").unlink()
    part = manifest.valid_part()
    assert part is not None and part[0]["spec"]["incident"]["runbook"] == "docs/runbook.md"
    assert manifest.files == {"docs/dr-plan.md": True, "docs/runbook.md": True}
