"""The manifest JSON Schema: loading, validation, and errors a person can act on.

Validation uses jsonschema-rs (see docs/decisions/0001-json-schema-validator.md).
Each schema error becomes one SL0xx problem with a manifest path; the caller
turns the path into file:line:col.
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any, NamedTuple

Path_ = tuple[str | int, ...]


class Problem(NamedTuple):
    """One thing wrong with a manifest, before it has a file position."""

    rule: str
    message: str
    path: Path_
    key: bool = False
    """Point at the key rather than the value (unknown and missing keys)."""


def schema_text() -> str:
    # The file next to this package, read directly: importlib.resources costs milliseconds to
    # import on every check. It stays the fallback for installs that are not plain folders.
    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schema", "manifest.schema.json")
    try:
        with open(here, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        from importlib import resources

        return resources.files("shiftleft.schema").joinpath("manifest.schema.json").read_text(encoding="utf-8")


@functools.cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


@functools.cache
def _validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft7Validator(schema())


def dotted(path: Path_) -> str:
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else step
    return out or "the top level"


def validate(data: Any) -> list[Problem]:
    """Schema problems of one manifest, in document order of their paths."""
    validator = _validator()
    if validator.is_valid(data):
        return []
    problems: list[Problem] = []
    for error in validator.iter_errors(data):
        problems.extend(_translate(error, data))
    return problems


def _translate(error: Any, data: Any) -> list[Problem]:
    path: Path_ = tuple(error.instance_path)
    kind = error.kind
    name = kind.name
    where = dotted(path)
    value = get_path(data, path)
    if name == "additionalProperties":
        allowed = _allowed_keys(error.schema_path)
        out = []
        for key in kind.unexpected:
            hint = _did_you_mean(key, allowed)
            out.append(
                Problem(
                    "SL004",
                    f"unknown key {key!r} {_in(where)}{hint}; only x- keys are free for your own use",
                    (*path, key),
                    key=True,
                )
            )
        return out
    if name == "required":
        return [Problem("SL005", f"missing required key {kind.property!r} {_in(where)}", path, key=True)]
    if name == "const":
        return [Problem("SL011", f"{where} must be {kind.expected_value}, not {_show(value)}", path)]
    ref = _definition(error.schema_path)
    if name == "pattern":
        if ref in ("duration", "date"):
            return [Problem("SL007", f"{where}: {_FORMAT_HINT[ref](value)}", path)]
        return [Problem("SL006", f"{where}: {_show(value)} is not {_PATTERN_WORDS.get(ref or '', 'valid')}", path)]
    if name == "oneOf" and ref == "percent":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return [Problem("SL006", f"{where}: {_show(value)} is not between 0 and 100", path)]
        return [Problem("SL006", f"{where}: {_show(value)} is not a percentage; write a number like 99.9 or 5%", path)]
    if name == "type" and ref in ("duration", "date"):
        return [Problem("SL007", f"{where}: {_FORMAT_HINT[ref](value)}", path)]
    if name == "type":
        expected = " or ".join(_TYPE_WORDS.get(t, t) for t in kind.types)
        hint = ""
        if "string" in kind.types and isinstance(value, bool | int | float):
            hint = f'; write "{_yaml_spelling(value)}" in quotes'
        shown = "empty" if value is None else f"{_type_word(value)} {_show(value)}"
        return [Problem("SL006", f"{where} must be {expected}, not {shown}{hint}", path)]
    if name == "enum":
        options = [str(o) for o in kind.options]
        hint = _did_you_mean(str(value), options)
        quote = ""
        if isinstance(value, int | float) and not isinstance(value, bool) and str(value) in options:
            quote = f'; write "{value}" in quotes'
        return [
            Problem(
                "SL006",
                f"{where} must be one of {', '.join(options)}, not {_show(value)}{quote or hint}",
                path,
            )
        ]
    if name == "minimum":
        return [Problem("SL006", f"{where} must be at least {kind.limit}, not {_show(value)}", path)]
    if name == "maximum":
        return [Problem("SL006", f"{where} must be at most {kind.limit}, not {_show(value)}", path)]
    if name == "minLength":
        return [Problem("SL006", f"{where} must not be empty", path)]
    if name == "uniqueItems":
        return [Problem("SL006", f"{where} lists the same value more than once", path)]
    return [Problem("SL006", f"{where}: {error.message}", path)]


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}

_PATTERN_WORDS = {
    "name": "a valid name: lower-case letters, digits and '-', starting and ending with a letter or digit, "
    "at most 63 characters",
    "slug": "a valid identifier: letters, digits, '-', '_' and '.'",
}

_FORMAT_HINT = {
    "duration": lambda v: (
        f"{_show(v)} is not a duration; write a number and a unit ms, s, m, h, d or w "
        "(250ms, 30s, 15m, 4h, 1h30m, 30d, 2w)"
    ),
    "date": lambda v: f"{_show(v)} is not a date; write YYYY-MM-DD",
}


def _type_word(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "empty value"
    return {dict: "mapping", list: "list", str: "string", int: "integer", float: "number"}.get(
        type(value), type(value).__name__
    )


def _show(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        text = json.dumps(value, default=str)
        return text if len(text) <= 40 else text[:37] + "..."
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _yaml_spelling(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def get_path(data: Any, path: Path_) -> Any:
    """The value at a manifest path, or None where the path does not exist."""
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _definition(schema_path: Any) -> str | None:
    parts = list(schema_path)
    if len(parts) >= 2 and parts[0] == "definitions":
        return str(parts[1])
    return None


def _allowed_keys(schema_path: Any) -> list[str]:
    node: Any = schema()
    for step in list(schema_path)[:-1]:
        if isinstance(node, dict) and "$ref" in node and step not in node:
            node = _resolve(node["$ref"])
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return []
    props = node.get("properties", {}) if isinstance(node, dict) else {}
    return list(props)


def _resolve(ref: str) -> Any:
    node: Any = schema()
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def _did_you_mean(word: str, options: list[str]) -> str:
    import difflib  # only for an unknown key or value: keep it off the import path

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close and len(word) >= 3:  # abbreviations: `prod` for production
        close = [o for o in options if o.startswith(word)][:1]
    return f" (did you mean {close[0]!r}?)" if close else ""


def _in(where: str) -> str:
    return "at the top level" if where == "the top level" else f"in {where}"


# Which values need typing for CEL: a tree mirroring the schema whose leaves
# are "duration", "date", "percent" or "path"; "*" stands for list items.
TypeTree = dict[str, Any]


@functools.cache
def type_tree() -> TypeTree:
    root = schema()

    def walk(node: dict[str, Any]) -> TypeTree | str | None:
        if "$ref" in node:
            name = str(node["$ref"]).rsplit("/", 1)[-1]
            if name in ("duration", "date", "percent", "path"):
                return name
            resolved: dict[str, Any] = _resolve(node["$ref"])
            return walk(resolved)
        if node.get("type") == "integer":
            return "integer"
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            sub = walk(node["items"])
            return {"*": sub} if sub else None
        out: TypeTree = {}
        for alternative in node.get("oneOf", ()):  # a string or an object (a structured fallback)
            sub = walk(alternative)
            if isinstance(sub, dict):
                out.update(sub)
        for key, child in node.get("properties", {}).items():
            sub = walk(child)
            if sub:
                out[key] = sub
        return out or None

    tree = walk(root)
    return tree if isinstance(tree, dict) else {}
