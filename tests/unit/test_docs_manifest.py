"""docs/manifest.md: generated from the schema, complete, and its examples are valid manifests."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft7Validator

from shiftleft.manifest import model, yamlsafe
from tests.helpers import ROOT

SCRIPT = ROOT / "scripts" / "gen_manifest_docs.py"
DOC = ROOT / "docs" / "manifest.md"
SCHEMA = ROOT / "shiftleft" / "schema" / "manifest.schema.json"
REGENERATE = "docs/manifest.md is out of date: run `python scripts/gen_manifest_docs.py` and commit it"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_manifest_docs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _resolve(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not ref:
        return node
    target: Any = schema
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def schema_properties(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every property at every depth by dotted path, list items as `[]`: written apart from the generator."""
    out: dict[str, dict[str, Any]] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        node = _resolve(node, schema)
        for key, child in node.get("properties", {}).items():
            path = f"{prefix}.{key}" if prefix else key
            out[path] = child
            walk(path, child)
        items = node.get("items")
        if isinstance(items, dict):
            walk(f"{prefix}[]", items)

    walk("", schema)
    return out


def yaml_block_after(doc: str, heading: str) -> str:
    """The first ```yaml block after a heading of the page.

    Blocks are parsed with shiftleft's own reader (YAML 1.2 style), as a
    manifest is: PyYAML's YAML 1.1 `safe_load` would turn the unquoted dates
    into `datetime.date` objects, which no JSON Schema string accepts.
    """
    assert heading in doc, f"docs/manifest.md has no heading {heading!r}"
    match = re.search(r"```yaml\n(.*?)```", doc[doc.index(heading) :], re.DOTALL)
    assert match, f"no ```yaml block after {heading!r}"
    return match.group(1)


def present_paths(value: Any, prefix: str = "") -> set[str]:
    """Dotted paths of every key in a parsed manifest, list items as `[]`."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            out.add(path)
            out |= present_paths(child, path)
    elif isinstance(value, list):
        for child in value:
            out |= present_paths(child, f"{prefix}[]")
    return out


def test_doc_is_up_to_date(gen: ModuleType, doc: str) -> None:
    assert doc == gen.render(), REGENERATE


def test_check_mode_reports_a_stale_doc(gen: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "manifest.md"
    monkeypatch.setattr(gen, "OUT", out)
    out.write_text("stale\n", encoding="utf-8")
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0


def test_every_schema_property_is_documented(schema: dict[str, Any], doc: str) -> None:
    paths = schema_properties(schema)
    assert "spec.dependencies[].service" in paths
    assert "spec.suppliers[].sla.rpo" in paths
    missing = [p for p in paths if f"| `{p}` |" not in doc]
    assert not missing, f"no reference row for {missing}; {REGENERATE}"


def test_every_reference_row_has_meaning_and_example(schema: dict[str, Any], doc: str) -> None:
    for path, node in schema_properties(schema).items():
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{path}` |"))
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert len(cells) == 5, row
        assert cells[2] in ("yes", "no"), row
        assert cells[3], f"{path} has no description in the schema"
        resolved = _resolve(node, schema)
        if resolved.get("type") not in ("object", "array") or "examples" in node:
            assert cells[4].startswith("`"), f"{path} has no example in the schema"


def test_inline_examples_read_back_as_the_schema_examples(gen: ModuleType, schema: dict[str, Any]) -> None:
    """What the example column shows is what a manifest author can type."""
    for path, node in schema_properties(schema).items():
        for example in node.get("examples", []):
            text = gen.yaml_inline(example)
            assert yamlsafe.parse(f"v: {text}\n", "example")["v"] == example, (path, text)


def test_complete_example_is_valid_against_the_schema(schema: dict[str, Any], doc: str) -> None:
    data = yamlsafe.parse(yaml_block_after(doc, "## A complete example"), "example")
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(schema).iter_errors(data)]
    assert not errors


def test_complete_example_shows_every_field(schema: dict[str, Any], doc: str) -> None:
    data = yamlsafe.parse(yaml_block_after(doc, "## A complete example"), "example")
    missing = set(schema_properties(schema)) - present_paths(data)
    assert not missing, f"the complete example does not show {sorted(missing)}"


def test_minimal_example_is_valid_against_the_schema(schema: dict[str, Any], doc: str) -> None:
    data = yamlsafe.parse(yaml_block_after(doc, "## The smallest valid manifest"), "example")
    assert not list(Draft7Validator(schema).iter_errors(data))


def test_complete_example_loads_without_problems(doc: str, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    service = repo / "checkout"
    service.mkdir(parents=True)
    manifest_file = service / "shiftleft.yaml"
    manifest_file.write_text(yaml_block_after(doc, "## A complete example"), encoding="utf-8")

    first = model.load(manifest_file, "checkout/shiftleft.yaml", repo)
    assert {"src", "infra", "docs/dr-plan.md", "docs/runbook.md"} <= set(first.files)
    for ref in first.files:  # create what the example references: folders, and files with a suffix
        target = service / ref
        if target.suffix:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("# placeholder\n", encoding="utf-8")
        else:
            target.mkdir(parents=True, exist_ok=True)

    loaded = model.load(manifest_file, "checkout/shiftleft.yaml", repo)
    assert [str(p) for p in loaded.problems] == []
    assert loaded.valid
    assert all(loaded.files.values()), loaded.files
    assert loaded.name == "checkout"
    assert loaded.typed()["spec"]["continuity"]["rto"] == "3600s"
    assert loaded.typed()["spec"]["incident"]["thresholds"]["major"]["error_rate"] == 5.0
