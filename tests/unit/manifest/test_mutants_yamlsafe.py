"""YAML reading invariants that mutation testing asked for (docs/mutation.md, group `manifest`).

Each test pins an exact outcome (rule, file, line, column, message or value) of `shiftleft.manifest.yamlsafe`
that the loader's end-to-end tests (test_malformed.py) left open.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from shiftleft.errors import ManifestError, RuleError
from shiftleft.manifest import yamlsafe


def error(call: object, *args: object) -> tuple[str, str | None, int, int, str]:
    """(rule, file, line, column, message) of the ManifestError that `call(*args)` raises."""
    with pytest.raises(ManifestError) as info:
        result = call(*args)  # type: ignore[operator]
        if not isinstance(result, str | dict | list | tuple | yaml.Node):
            list(result)  # a generator (documents) raises while it is consumed
    e = info.value
    return e.rule, e.file, e.line, e.col, e.message


class PureComposer(yaml.SafeLoader):
    """PyYAML without libyaml: its composer recurses in Python, so very deep nesting overflows the stack."""

    yaml_implicit_resolvers: dict[str, object] = {}  # noqa: RUF012


# ------------------------------------------------------------------ documents: a stream of several documents


def test_documents_yields_each_root_of_a_stream() -> None:
    roots = list(yamlsafe.documents("a: 1\n---\nb: [2, x]\n", "k8s.yaml"))
    assert [yamlsafe._Builder("k8s.yaml").build(root) for root in roots] == [{"a": 1}, {"b": [2, "x"]}]


def test_documents_syntax_error_names_the_file_line_and_column() -> None:
    assert error(yamlsafe.documents, "a: 1\n---\nb: [\n", "k8s.yaml") == (
        "SL001",
        "k8s.yaml",
        4,
        1,
        "invalid YAML: did not find expected node content (while parsing a flow node)",
    )


def test_documents_control_character_names_its_line() -> None:
    """The reader's error gives an offset; the line counts the newlines before it (the third line here)."""
    assert error(yamlsafe.documents, "a: 1\n---\nb: x\x07\n", "k8s.yaml") == (
        "SL001",
        "k8s.yaml",
        3,
        0,
        "control character U+0007",
    )
    assert error(yamlsafe.documents, "b: x\x1b\n", "k8s.yaml")[2] == 1
    assert error(yamlsafe.documents, "\n\nb: x\x1b\n", "k8s.yaml")[2] == 3  # a newline at offset 0 counts


def test_documents_too_deep_for_the_pure_python_composer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsafe, "_Composer", PureComposer)
    text = "a: " + "[" * 3000 + "]" * 3000 + "\n"
    assert error(yamlsafe.documents, text, "k8s.yaml") == ("SL001", "k8s.yaml", 1, 1, "nesting too deep")


# ------------------------------------------------------------------ locate and locate_in


def test_locate_in_points_at_a_scalar_value_unless_asked_for_the_key() -> None:
    root = yamlsafe.compose("spec:\n  tier:   3\n  waivers:\n    - {id: w}\n", "m.yaml")
    assert yamlsafe.locate_in(root, ("spec", "tier")) == (2, 11)
    assert yamlsafe.locate_in(root, ("spec", "tier"), key=True) == (2, 3)
    assert yamlsafe.locate_in(root, ("spec", "waivers", 0)) == (4, 7)
    assert yamlsafe.locate_in(root, ("spec", "waivers", 1)) == (3, 3)  # absent: its closest parent
    # A step that does not fit the node (a key into a list or a scalar, an index into a mapping) stops there.
    assert yamlsafe.locate_in(root, ("spec", "waivers", "id")) == (3, 3)
    assert yamlsafe.locate_in(root, ("spec", "tier", "x")) == (2, 11)
    assert yamlsafe.locate_in(root, ("spec", 0)) == (1, 1)
    assert yamlsafe.locate_in(root, ("spec", "waivers", -1)) == (3, 3)


def test_locate_of_text_that_does_not_parse_is_the_first_column() -> None:
    assert yamlsafe.locate("a: [\n", ("a",)) == (1, 1)
    assert yamlsafe.locate("a:\n  b: 1\n", ("a", "b")) == (2, 6)


# ------------------------------------------------------------------ the file of an error


def test_a_value_error_of_a_policy_file_names_that_file(tmp_path: Path) -> None:
    """`load_policy_file` re-raises the builder's error as the caller's type: the file must survive."""
    path = tmp_path / "rule.yaml"
    path.write_text("id: SL900\nid: SL901\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        yamlsafe.load_policy_file(path, "rules/rule.yaml", RuleError)
    assert str(info.value) == (
        "rules/rule.yaml:2:1: duplicate key 'id' (first defined on line 1, column 1); keep one of them"
    )


def test_a_syntax_error_names_the_file() -> None:
    assert error(yamlsafe.parse, "a: [\n", "m.yaml")[:4] == ("SL001", "m.yaml", 2, 1)


# ------------------------------------------------------------------ syntax hints


def test_a_duplicate_anchor_is_named_without_the_parser_word_found() -> None:
    assert error(yamlsafe.parse, "a: &x 1\nb: &x 2\n", "m.yaml") == (
        "SL001",
        "m.yaml",
        2,
        4,
        "invalid YAML: second occurrence (duplicate anchor; first occurrence)",
    )


def test_an_undefined_alias_is_named_without_the_parser_word_found() -> None:
    assert error(yamlsafe.parse, "a: *nope\n", "m.yaml")[2:] == (1, 4, "invalid YAML: undefined alias")


INDENT_HINT = (
    "invalid YAML: did not find expected key (while parsing a block mapping); this line is indented differently "
    "from the keys above it: align it with its siblings, or indent it under its parent"
)
QUOTE_HINT = (
    "invalid YAML: did not find expected key (while parsing a block mapping); a quote above this line is "
    "probably never closed, so this quote ends it: close the earlier quote"
)


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("a:\n  b: 1\n c: 2\n", 3, 2, INDENT_HINT),  # no quote near the error at all
        ('x: "a" b\n', 1, 8, INDENT_HINT),  # a quote two characters before the error is not "next to" it
        ('x: "a" b"\n', 1, 8, INDENT_HINT),  # nor one two characters after it
        ("'a' b: 1\n", 1, 5, INDENT_HINT),
        ("a: 'x\nb: 'y'\n", 2, 5, QUOTE_HINT),  # single quotes: the quote just before the error closes it
        ('a: "x\nb: "y"\n', 2, 5, QUOTE_HINT),
    ],
    ids=["no-quote", "quote-two-before", "quote-two-after", "quoted-key", "single-quote", "double-quote"],
)
def test_the_unclosed_quote_hint_looks_only_at_the_characters_at_the_error(
    text: str, line: int, col: int, message: str
) -> None:
    assert error(yamlsafe.parse, text, "m.yaml") == ("SL001", "m.yaml", line, col, message)


# ------------------------------------------------------------------ tags, byte positions, sizes


def test_a_local_tag_is_shown_as_written() -> None:
    assert error(yamlsafe.parse, "a: !custom x\n", "m.yaml") == (
        "SL001",
        "m.yaml",
        1,
        4,
        "explicit YAML tag !custom is not allowed; remove it",
    )
    assert error(yamlsafe.parse, "a: !!set {x}\n", "m.yaml")[4] == "explicit YAML tag !!set is not allowed; remove it"


def test_a_bad_byte_after_a_leading_newline_is_on_line_two() -> None:
    """The newline at offset 0 counts: line 2, and the column starts after it."""
    assert error(yamlsafe.decode, b"\nab\xe9\n", "m.yaml") == (
        "SL001",
        "m.yaml",
        2,
        3,
        "not valid UTF-8 (byte 0xe9); save the file as UTF-8",
    )
    assert error(yamlsafe.decode, b"\n\na\0", "m.yaml")[2:4] == (3, 2)


def _size_error(tmp_path: Path, size: int, limit: int) -> str:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"#" * size)
    rule, file, line, col, message = error(yamlsafe.read_text, path, "m.yaml", limit)
    assert (rule, file, line, col) == ("SL001", "m.yaml", 1, 1)
    return message


def test_sizes_are_shown_in_bytes_kib_and_mib_at_their_boundaries(tmp_path: Path) -> None:
    assert _size_error(tmp_path, 1024, 1023) == (
        "file is 1 KiB (1,024 bytes), over the 1023 bytes (1,023 bytes) limit for a manifest"
    )
    # 1,536 bytes is 1.5 KiB, rounded to even: 2 KiB.
    assert _size_error(tmp_path, 1536, 1024) == (
        "file is 2 KiB (1,536 bytes), over the 1 KiB (1,024 bytes) limit for a manifest"
    )
    # 1,101,530 bytes is 1.0505 MiB: 1.1 MiB; exactly 1 MiB is 1.0 MiB.
    assert _size_error(tmp_path, 1_101_530, 1024 * 1024) == (
        "file is 1.1 MiB (1,101,530 bytes), over the 1.0 MiB (1,048,576 bytes) limit for a manifest"
    )
    assert _size_error(tmp_path, 1024 * 1024, 1024 * 1024 - 1) == (
        "file is 1.0 MiB (1,048,576 bytes), over the 1024 KiB (1,048,575 bytes) limit for a manifest"
    )


def test_exactly_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"a: 1\n" + b"#" * 1019)
    assert yamlsafe.read_text(path, "m.yaml", 1024) == "a: 1\n" + "#" * 1019


# ------------------------------------------------------------------ numbers too large: shortened in the message


def test_a_long_number_is_shown_shortened_from_41_characters() -> None:
    forty = "9" * 40
    assert error(yamlsafe.parse, f"a: {forty}\n", "m.yaml")[4] == (
        f"`{forty}` is too large for a number; write a realistic value"
    )
    assert error(yamlsafe.parse, f"a: {forty}1\n", "m.yaml")[4] == (
        f"`{forty}... (41 characters)` is too large for a number; write a realistic value"
    )
