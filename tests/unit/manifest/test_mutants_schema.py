"""Schema-problem invariants that mutation testing asked for (docs/mutation.md, group `manifest`).

Each case edits the accepted baseline manifest once and pins the one problem `shiftleft.manifest.schema.validate`
gives: rule, manifest path, message, and whether it points at the key.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shiftleft.manifest import schema, yamlsafe
from tests.helpers import TESTS

BASELINE = (TESTS / "fixtures" / "malformed" / "accepted-baseline.yaml").read_text(encoding="utf-8")
ONLY_X = "; only x- keys are free for your own use"
DEP = "    - {service: payment, hard: true}"

CASES = [
    # bounds
    ("tier: 3", "tier: 100", "SL006", ("spec", "tier"), "spec.tier must be at most 99, not 100"),
    ("zones: 2", "zones: 0", "SL006", ("spec", "availability", "zones"), "spec.availability.zones must be at least 1, not 0"),
    # wrong types: the value's kind, shown as written, and the quoting hint for scalars where text is expected
    ("owner: team-checkout", "owner: true", "SL006", ("metadata", "owner"),
     'metadata.owner must be a string, not boolean true; write "true" in quotes'),
    ("owner: team-checkout", "owner: false", "SL006", ("metadata", "owner"),
     'metadata.owner must be a string, not boolean false; write "false" in quotes'),
    ("owner: team-checkout", "owner: 12", "SL006", ("metadata", "owner"),
     'metadata.owner must be a string, not integer 12; write "12" in quotes'),
    ("owner: team-checkout", "owner: 1.5", "SL006", ("metadata", "owner"),
     'metadata.owner must be a string, not number 1.5; write "1.5" in quotes'),
    ("owner: team-checkout", "owner:", "SL006", ("metadata", "owner"), "metadata.owner must be a string, not empty"),
    ("owner: team-checkout", "owner: [a, b]", "SL006", ("metadata", "owner"),
     'metadata.owner must be a string, not list ["a", "b"]'),
    ("description: Takes orders and charges cards", "description: {a: 1}", "SL006", ("metadata", "description"),
     'metadata.description must be a string, not mapping {"a": 1}'),
    ("personal_data: true", "personal_data: 3", "SL006", ("spec", "data", "personal_data"),
     "spec.data.personal_data must be true or false, not integer 3"),
    ("frameworks: [pci-dss, gdpr]", "frameworks: [pci-dss, gdpr, 3]", "SL006", ("spec", "compliance", "frameworks", 2),
     'spec.compliance.frameworks[2] must be a string, not integer 3; write "3" in quotes'),
    # long values are cut: text at 60 characters, lists and mappings at 40
    ("lifecycle: production", "lifecycle: " + "y" * 58, "SL006", ("spec", "lifecycle"),
     "spec.lifecycle must be one of experimental, production, deprecated, not '" + "y" * 58 + "'"),
    ("lifecycle: production", "lifecycle: " + "y" * 59, "SL006", ("spec", "lifecycle"),
     "spec.lifecycle must be one of experimental, production, deprecated, not '" + "y" * 56 + "..."),
    ("lifecycle: production", "lifecycle: [aaaaaaaaaa, bbbbbbbbbbb, cccccccc]", "SL006", ("spec", "lifecycle"),
     'spec.lifecycle must be one of experimental, production, deprecated, not ["aaaaaaaaaa", "bbbbbbbbbbb", "cccccc...'),
    ("lifecycle: production", "lifecycle: [aaaaaaaaaa, bbbbbbbbbbb, ccccccc]", "SL006", ("spec", "lifecycle"),
     'spec.lifecycle must be one of experimental, production, deprecated, not ["aaaaaaaaaa", "bbbbbbbbbbb", "ccccccc"]'),
    # enums: did you mean, by likeness or by a prefix of three characters or more
    ("lifecycle: production", "lifecycle: pr", "SL006", ("spec", "lifecycle"),
     "spec.lifecycle must be one of experimental, production, deprecated, not 'pr'"),
    ("lifecycle: production", "lifecycle: dep", "SL006", ("spec", "lifecycle"),
     "spec.lifecycle must be one of experimental, production, deprecated, not 'dep' (did you mean 'deprecated'?)"),
    ("lifecycle: production", "lifecycle: false", "SL006", ("spec", "lifecycle"),
     "spec.lifecycle must be one of experimental, production, deprecated, not false"),
    ('min_tls: "1.2"', "min_tls: 1.4", "SL006", ("spec", "security", "encryption", "min_tls"),
     "spec.security.encryption.min_tls must be one of 1.0, 1.1, 1.2, 1.3, not 1.4 (did you mean '1.3'?)"),
    # percentages, durations, identifiers
    ("slo: 99.9", "slo: true", "SL006", ("spec", "availability", "slo"),
     "spec.availability.slo: true is not a percentage; write a number like 99.9 or 5%"),
    ("slo: 99.9", "slo: -1", "SL006", ("spec", "availability", "slo"), "spec.availability.slo: -1 is not between 0 and 100"),
    ("window: 30d", "window: 30", "SL007", ("spec", "availability", "window"),
     "spec.availability.window: 30 is not a duration; write a number and a unit ms, s, m, h, d or w "
     "(250ms, 30s, 15m, 4h, 1h30m, 30d, 2w)"),
    ("regions: [europe-west1]", "regions: [Europe West]", "SL006", ("spec", "availability", "regions", 0),
     "spec.availability.regions[0]: 'Europe West' is not a valid identifier: letters, digits, '-', '_' and '.'"),
    (DEP, "    - {service: payment, hard: true, fallback: 3}", "SL006", ("spec", "dependencies", 0, "fallback"),
     "spec.dependencies[0].fallback: 3 is not valid under any of the schemas listed in the 'oneOf' keyword"),
    ("kind: Service", "kind: 3", "SL011", ("kind",), "kind must be Service, not 3"),
    # unknown keys point at the key
    ("last_test: {date: 2026-09-14, result: pass}", "last_test: {date: 2026-09-14, result: pass, extra: 1}", "SL004",
     ("spec", "continuity", "last_test", "extra"), f"unknown key 'extra' in spec.continuity.last_test{ONLY_X}"),
    ("metadata:\n", "spec2: 1\nmetadata:\n", "SL004", ("spec2",),
     f"unknown key 'spec2' at the top level (did you mean 'spec'?){ONLY_X}"),
    ("  tier: 3\n", "  tier: 3\n  avail: 1\n", "SL004", ("spec", "avail"),
     f"unknown key 'avail' in spec (did you mean 'availability'?){ONLY_X}"),
    # missing keys point at the key of the mapping that lacks them
    ("  tier: 3\n", "", "SL005", ("spec",), "missing required key 'tier' in spec"),
    ("apiVersion: shiftleft/v1\n", "", "SL005", (), "missing required key 'apiVersion' at the top level"),
    # a pattern that is not a definition: no words for it
    (DEP, DEP + "\n  waivers:\n    - {rule: sl101, reason: x, approved_by: a, expires: 2026-12-31}", "SL006",
     ("spec", "waivers", 0, "rule"), "spec.waivers[0].rule: 'sl101' is not valid"),
]  # fmt: skip


def _case_id(index: int, case: tuple[str, str, str, tuple[str | int, ...], str]) -> str:
    """`SL006-03-spec.tier`: mutmut passes test ids as arguments, and an id holding the edit's newline or
    bracket did not select its test (the clean run stopped with pytest's usage error)."""
    return f"{case[2]}-{index:02d}-" + ".".join(str(step) for step in case[3])


@pytest.mark.parametrize(
    ("old", "new", "rule", "path", "message"), CASES, ids=[_case_id(i, c) for i, c in enumerate(CASES)]
)
def test_one_edit_one_problem(old: str, new: str, rule: str, path: tuple[str | int, ...], message: str) -> None:
    assert BASELINE.count(old) == 1, old
    data = yamlsafe.parse(BASELINE.replace(old, new), "m.yaml")
    assert [(p.rule, p.path, p.message, p.key) for p in schema.validate(data)] == [
        (rule, path, message, rule in ("SL004", "SL005"))
    ]


def test_the_baseline_is_valid() -> None:
    assert schema.validate(yamlsafe.parse(BASELINE, "m.yaml")) == []


def test_dotted_paths() -> None:
    assert schema.dotted(()) == "the top level"
    assert schema.dotted(("spec",)) == "spec"
    assert schema.dotted(("spec", "dependencies", 0, "fallback")) == "spec.dependencies[0].fallback"
    assert schema.dotted((0, "a")) == "[0].a"


def test_get_path_of_an_absent_value_is_none() -> None:
    data = {"a": [{"b": 1}], "c": "x"}
    assert schema.get_path(data, ("a", 0, "b")) == 1
    assert schema.get_path(data, ()) == data
    assert schema.get_path(data, ("a", 1, "b")) is None  # IndexError
    assert schema.get_path(data, ("z",)) is None  # KeyError
    assert schema.get_path(data, ("c", "d")) is None  # TypeError


def test_the_schema_is_read_from_the_package_folder() -> None:
    text = schema.schema_text()
    assert text.startswith("{") and '"apiVersion"' in text
    assert schema.schema()["properties"]["apiVersion"]["const"] == "shiftleft/v1"


def test_the_schema_file_is_read_without_importlib_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file beside the package is read directly: importlib.resources is only the fallback."""
    import importlib.resources

    def refuse(*args: object) -> None:
        raise AssertionError("importlib.resources was asked")

    monkeypatch.setattr(importlib.resources, "files", refuse)
    expected = (Path(schema.__file__).parent.parent / "schema" / "manifest.schema.json").read_text(encoding="utf-8")
    assert schema.schema_text() == expected


def test_the_schema_falls_back_to_importlib_resources_when_the_file_is_not_beside_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    expected = (Path(schema.__file__).parent.parent / "schema" / "manifest.schema.json").read_text(encoding="utf-8")
    monkeypatch.setattr(schema, "__file__", str(tmp_path / "shiftleft" / "manifest" / "schema.py"))
    assert schema.schema_text() == expected


def test_type_words_of_every_kind_of_value() -> None:
    """The words of the SL006 type message; a type YAML never gives is named by its Python name."""
    words = [schema._type_word(v) for v in (True, None, {}, [], "", 0, 0.5, b"", (1,))]
    assert words == ["boolean", "empty value", "mapping", "list", "string", "integer", "number", "bytes", "tuple"]


def test_allowed_keys_follow_a_reference_the_path_passes_through() -> None:
    """jsonschema-rs reports paths inside a definition from the definition itself; a path written through the
    `$ref` (as other validators report it) is followed into the definition, and a step the schema lacks gives none."""
    through = ["properties", "spec", "properties", "dependencies", "items", "properties", "fallback"]
    assert schema._allowed_keys([*through, "oneOf", 1, "additionalProperties"]) == [
        "kind",
        "provides",
        "holds",
        "tested",
    ]
    assert schema._allowed_keys([*through, "oneOf", 5, "additionalProperties"]) == []
    assert schema._allowed_keys([*through, "oneOf", "additionalProperties"]) == []  # ends at a list, not a mapping
    assert schema._allowed_keys(["properties", "nope", "additionalProperties"]) == []
    assert schema._allowed_keys(["properties", "spec", "properties", "tier", "additionalProperties"]) == []
    assert schema._allowed_keys(["additionalProperties"]) == ["apiVersion", "kind", "metadata", "spec"]


def test_a_value_json_cannot_write_is_shown_as_text() -> None:
    """The loader gives only JSON's kinds of values; anything else inside a list or mapping is shown by str()."""
    assert schema._show([dt.date(2026, 9, 14), b"x"]) == '["2026-09-14", "b\'x\'"]'
    assert schema._show(1.5) == "1.5"


def test_the_definition_a_schema_path_is_inside() -> None:
    assert schema._definition(["definitions", "duration"]) == "duration"
    assert schema._definition(["definitions", "date", "pattern"]) == "date"
    assert schema._definition(["properties", "name", "pattern"]) is None  # a property named like a definition
    assert schema._definition(["definitions"]) is None
    assert schema._definition([]) is None
