"""YAML reading invariants that mutation testing asked for (docs/mutation.md, group `manifest`).

Each test pins an exact outcome (rule, file, line, column, message or value) of `shiftleft.manifest.yamlsafe`
that the loader's end-to-end tests (test_malformed.py) left open.
"""

from __future__ import annotations

import inspect
import io
import sys
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


def too_deep(call: object) -> tuple[str, str | None, int, int, str]:
    """The error of 300 nested lists under a recursion limit 400 frames above this one: the pure-Python composer
    recurses past it (the real limit needs thousands of levels, and the pure-Python scanner is slow)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 400)
    try:
        return error(call, "a: " + "[" * 300 + "]" * 300 + "\n", "m.yaml")
    finally:
        sys.setrecursionlimit(limit)


def test_documents_too_deep_for_the_pure_python_composer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsafe, "_Composer", PureComposer)
    assert too_deep(yamlsafe.documents) == ("SL001", "m.yaml", 1, 1, "nesting too deep")


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


def test_a_policy_file_that_cannot_be_read_names_that_file(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as info:
        yamlsafe.load_policy_file(tmp_path, "rules/rule.yaml", RuleError)
    assert str(info.value) == "rules/rule.yaml:1:1: not a regular file"


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


# ------------------------------------------------------------------ the builder's limits: exactly at each, and one over

TOO_MANY = (
    "document has more than 20,000 values, counting each alias as a copy; "
    "a manifest has a few hundred (remove anchors and aliases, or split the file)"
)


def test_exactly_20000_values_are_built_and_one_more_is_refused_where_it_is() -> None:
    """The root mapping, the list and 19,998 items are 20,000 values; keys are not counted."""
    assert len(yamlsafe.parse("a: [" + "x, " * 19_997 + "x]\n", "m.yaml")["a"]) == 19_998
    # The 20,001st value is the last item: line 1, column 4 + 3 * 19,998 + 1.
    assert error(yamlsafe.parse, "a: [" + "x, " * 19_998 + "x]\n", "m.yaml") == ("SL001", "m.yaml", 1, 59_999, TOO_MANY)


def test_an_alias_counts_as_a_copy_of_what_it_names() -> None:
    """Each alias builds its anchor again: 1 + (1 + 9,998) + (1 + 9,998) + 1 is 20,000 values; with one more
    item in the anchored list, 1 + (1 + 9,999) + (1 + 9,999) is 20,001, refused at the last item as b copies it."""
    at_limit = yamlsafe.parse("a: &x [" + "x, " * 9_997 + "x]\nb: *x\nc: x\n", "m.yaml")
    assert at_limit["b"] == ["x"] * 9_998 and at_limit["c"] == "x"
    text = "a: &x [" + "x, " * 9_998 + "x]\nb: *x\n"
    assert error(yamlsafe.parse, text, "m.yaml") == ("SL001", "m.yaml", 1, 30_002, TOO_MANY)


@pytest.mark.parametrize(
    ("open_", "close", "col"),
    [("[", "]", 34), ("{a: ", "}", 133)],
    ids=["lists", "mappings"],
)
def test_32_levels_are_built_and_the_33rd_is_refused_where_it_opens(open_: str, close: str, col: int) -> None:
    """The top level is level 0: 32 nested lists (or mappings) hold a value at level 32."""
    levels = 32
    value = yamlsafe.parse(open_ * levels + "x" + close * levels, "m.yaml")
    for _ in range(levels):
        value = value[0] if isinstance(value, list) else value["a"]
    assert value == "x"
    deeper = open_ * (levels + 1) + "x" + close * (levels + 1)
    assert error(yamlsafe.parse, deeper, "m.yaml") == ("SL001", "m.yaml", 1, col, "nesting deeper than 32 levels")


def test_mixed_nesting_counts_each_list_and_mapping() -> None:
    value = yamlsafe.parse("a: " + "[{b: " * 15 + "[x]" + "}]" * 15, "m.yaml")["a"]
    for _ in range(15):
        value = value[0]["b"]
    assert value == ["x"]  # x is at level 32
    text = "a: " + "[{b: " * 16 + "x" + "}]" * 16
    assert error(yamlsafe.parse, text, "m.yaml") == ("SL001", "m.yaml", 1, 84, "nesting deeper than 32 levels")


# ------------------------------------------------------------------ integers: 64 bits, as CEL reads them

TOO_LARGE = "is too large for a number; write a realistic value"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("9223372036854775807", 2**63 - 1),
        ("+9223372036854775807", 2**63 - 1),  # 20 characters
        ("-9223372036854775808", -(2**63)),  # 20 characters
        ("-0", 0),
        ("0", 0),
    ],
)
def test_the_largest_64_bit_integers_are_read(text: str, value: int) -> None:
    read = yamlsafe.parse(f"a: {text}\n", "m.yaml")["a"]
    assert read == value and type(read) is int


@pytest.mark.parametrize("text", ["9223372036854775808", "-9223372036854775809", "9999999999999999999", "1" * 21])
def test_one_past_64_bits_is_refused(text: str) -> None:
    assert error(yamlsafe.parse, f"a: {text}\n", "m.yaml") == ("SL003", "m.yaml", 1, 4, f"`{text}` {TOO_LARGE}")


def test_a_number_of_5000_digits_is_refused_by_its_length() -> None:
    """Python refuses to convert more than 4,300 digits (ValueError): the length check comes first."""
    digits = "1" * 5000
    assert error(yamlsafe.parse, f"a: {digits}\n", "m.yaml")[4] == f"`{'1' * 40}... (5,000 characters)` {TOO_LARGE}"


def test_floats_are_read_and_infinite_ones_are_refused() -> None:
    assert yamlsafe.parse("a: [1.5, .5, 1., 1e5, -2.5e-1, 1e308]\n", "m.yaml")["a"] == [
        1.5,
        0.5,
        1.0,
        1e5,
        -0.25,
        1e308,
    ]
    assert error(yamlsafe.parse, "a: 1e309\n", "m.yaml") == ("SL003", "m.yaml", 1, 4, f"`1e309` {TOO_LARGE}")
    assert error(yamlsafe.parse, "a: -1e309\n", "m.yaml")[4] == f"`-1e309` {TOO_LARGE}"


# ------------------------------------------------------------------ plain scalars: YAML 1.2 core, and the 1.1 traps


SCALARS = [
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False), ("FALSE", False),
    ("", None), ("~", None), ("null", None), ("Null", None), ("NULL", None),
    ("tRue", "tRue"), ("nULL", "nULL"), ("oN", "oN"), ("yess", "yess"), ("x" * 33, "x" * 33),
    ("1.2.3", "1.2.3"), ("-x", "-x"), ("1h30m", "1h30m"), ("2026-09-14", "2026-09-14"),
    ("'yes'", "yes"), ('"010"', "010"), ("'1:30'", "1:30"), ("'.inf'", ".inf"), ("'~'", "~"), ("''", ""),
    ("|\n  no\n", "no\n"), ("'true'", "true"), ("'12'", "12"),
]  # fmt: skip


# Index ids: mutmut passes test ids as arguments, and an id holding a newline does not select its test.
@pytest.mark.parametrize(("text", "value"), SCALARS, ids=[f"scalar-{i:02d}" for i in range(len(SCALARS))])
def test_plain_and_quoted_scalars(text: str, value: object) -> None:
    read = yamlsafe.parse(f"a: {text}\n", "m.yaml")["a"]
    assert read == value and type(read) is type(value)


def yaml11(value: str, canonical: str) -> str:
    return f'`{value}` is the boolean {canonical} in YAML 1.1; write "{value}" in quotes for text, or {canonical} for a boolean'


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("yes", "true"), ("Yes", "true"), ("YES", "true"), ("on", "true"), ("On", "true"), ("ON", "true"),
     ("no", "false"), ("No", "false"), ("NO", "false"), ("off", "false"), ("Off", "false"), ("OFF", "false")],
)  # fmt: skip
def test_each_yaml11_boolean_is_refused_with_its_meaning(text: str, canonical: str) -> None:
    assert error(yamlsafe.parse, f"a: {text}\n", "m.yaml") == ("SL003", "m.yaml", 1, 4, yaml11(text, canonical))


def octal(value: str, number: str) -> str:
    return f'`{value}` is an octal number in YAML 1.1; write "{value}" in quotes for text, or {number} for a number'


@pytest.mark.parametrize(
    ("text", "number"),
    [("010", "10"), ("00", "0"), ("-010", "-10"), ("+010", "+10"), ("0_1", "1"), ("007_5", "75"), ("-00", "-0")],
)
def test_an_octal_looking_number_is_refused_with_its_decimal_spelling(text: str, number: str) -> None:
    """The suggested number is one the loader reads: the sign kept, leading zeros and underscores dropped."""
    assert error(yamlsafe.parse, f"a: {text}\n", "m.yaml") == ("SL003", "m.yaml", 1, 4, octal(text, number))
    assert yamlsafe.parse(f"a: {number}\n", "m.yaml")["a"] == int(number)


SEXAGESIMAL = 'is a base-60 number in YAML 1.1; write "{0}" in quotes for text, or a duration such as 1h30m'
EITHER = (
    'is read as a number by some YAML parsers and as text by others; write "{0}" in quotes for text, '
    "or a plain decimal number"
)


OTHER_NUMBERS = [
    ("1:30", SEXAGESIMAL), ("-1:30", SEXAGESIMAL), ("190:20:30.15", SEXAGESIMAL),
    ("0x1F", EITHER), ("0o17", EITHER), ("0b101", EITHER), ("1_000", EITHER), ("1_000.5", EITHER),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), OTHER_NUMBERS, ids=[f"number-{i}" for i in range(len(OTHER_NUMBERS))])
def test_numbers_other_parsers_read_differently_are_refused(text: str, message: str) -> None:
    assert error(yamlsafe.parse, f"a: {text}\n", "m.yaml") == (
        "SL003",
        "m.yaml",
        1,
        4,
        f"`{text}` {message.format(text)}",
    )


@pytest.mark.parametrize(
    "text",
    [".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", "+.Inf", "+.INF", ".nan", ".NaN", ".NAN"],
)
def test_every_spelling_of_infinity_and_nan_is_refused(text: str) -> None:
    """YAML 1.1 and 1.2 read all of these as floats: none may pass as text (`-.Inf` once did)."""
    assert error(yamlsafe.parse, f"a: {text}\n", "m.yaml") == (
        "SL003",
        "m.yaml",
        1,
        4,
        f"`{text}` is not allowed; write a finite number",
    )


# ------------------------------------------------------------------ mapping keys, merge keys, duplicates, tags


def test_keys_are_plain_strings() -> None:
    assert yamlsafe.parse("1: a\ntrue: b\n'<<': c\n", "m.yaml") == {"1": "a", "true": "b", "<<": "c"}
    assert error(yamlsafe.parse, "a: 1\n? [b]\n: 2\n", "m.yaml") == (
        "SL001",
        "m.yaml",
        2,
        3,
        "mapping keys must be plain strings",
    )
    assert error(yamlsafe.parse, "a: 1\n!!int 2: x\n", "m.yaml")[1:] == (
        "m.yaml",
        2,
        1,
        "mapping keys must be plain strings",
    )


def test_a_merge_key_is_refused_only_when_plain() -> None:
    assert error(yamlsafe.parse, "a: 1\nb:\n  <<: {c: 1}\n", "m.yaml") == (
        "SL001",
        "m.yaml",
        3,
        3,
        "merge keys (`<<`) are not supported; write the keys out",
    )
    assert yamlsafe.parse('b: {"<<": 1}\n', "m.yaml") == {"b": {"<<": 1}}


def test_a_duplicate_key_names_both_places() -> None:
    assert error(yamlsafe.parse, "a: 1\nb:\n  c: 1\n  d: 2\n   \n  c: 3\n", "m.yaml") == (
        "SL002",
        "m.yaml",
        6,
        3,
        "duplicate key 'c' (first defined on line 3, column 3); keep one of them",
    )
    # The same key in two mappings is no duplicate, and a key seen once stays seen after others.
    assert yamlsafe.parse("a: {x: 1}\nb: {x: 2}\n", "m.yaml") == {"a": {"x": 1}, "b": {"x": 2}}
    assert error(yamlsafe.parse, "x: 1\ny: 2\nz: 3\nx: 4\n", "m.yaml")[2:4] == (4, 1)


def test_every_explicit_tag_is_refused_even_the_default_ones() -> None:
    """`!!str 12` was once read as the number 12: no tag is allowed (docs/manifest.md), each refused where it is."""
    for text, tag in [("!!str 12", "!!str"), ("!!str x", "!!str"), ("!!seq [1]", "!!seq"), ("!!map {d: 2}", "!!map")]:
        assert error(yamlsafe.parse, f"a: 1\nb: {text}\n", "m.yaml") == (
            "SL001",
            "m.yaml",
            2,
            4,
            f"explicit YAML tag {tag} is not allowed; remove it",
        )
    assert error(yamlsafe.parse, "a: !x [1]\n", "m.yaml")[2:] == (
        1,
        4,
        "explicit YAML tag !x is not allowed; remove it",
    )
    assert (
        error(yamlsafe.parse, "a: !!omap {b: 1}\n", "m.yaml")[4] == "explicit YAML tag !!omap is not allowed; remove it"
    )
    assert error(yamlsafe.parse, "!!str a: 1\n", "m.yaml")[2:] == (1, 1, "mapping keys must be plain strings")


# ------------------------------------------------------------------ reading a file: what is not a small text file


def test_a_folder_is_not_a_regular_file(tmp_path: Path) -> None:
    assert error(yamlsafe.read_text, tmp_path, "m.yaml") == ("SL001", "m.yaml", 1, 1, "not a regular file")


def test_a_file_that_cannot_be_read_names_the_system_error(tmp_path: Path) -> None:
    too_long = tmp_path / ("x" * 300)
    assert error(yamlsafe.read_text, too_long, "m.yaml") == ("SL001", "m.yaml", 1, 1, "cannot read: File name too long")


def test_an_error_without_a_system_message_is_shown_as_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def stat(self: Path, **kwargs: object) -> None:
        raise OSError("stat failed")

    monkeypatch.setattr(Path, "stat", stat)
    assert error(yamlsafe.read_text, tmp_path / "m.yaml", "m.yaml") == (
        "SL001",
        "m.yaml",
        1,
        1,
        "cannot read: stat failed",
    )


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs /proc")
def test_a_file_larger_than_its_size_said_is_refused_when_read() -> None:
    """/proc files say they are empty and then give more: what is read is checked again, one byte past the limit."""
    assert error(yamlsafe.read_text, Path("/proc/self/status"), "m.yaml", 100) == (
        "SL001",
        "m.yaml",
        1,
        1,
        "file is over the 100 bytes limit for a manifest",
    )


def test_reading_is_bounded_by_the_limit_whatever_the_file_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that keeps growing (or never ends) is read to one byte past the limit, never to its end."""

    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def read(self, size: int | None = -1) -> bytes:
            assert size is not None and size >= 0, "an unbounded read"
            return b"#" * size

    path = tmp_path / "m.yaml"
    path.write_bytes(b"a: 1\n")
    monkeypatch.setattr(Path, "open", lambda self, *args, **kwargs: Endless())
    assert error(yamlsafe.read_text, path, "m.yaml", 100) == (
        "SL001",
        "m.yaml",
        1,
        1,
        "file is over the 100 bytes limit for a manifest",
    )


def test_a_file_that_does_not_decode_is_named_by_its_display(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"a: 1\nb: \0\n")
    assert error(yamlsafe.read_text, path, "svc/m.yaml") == (
        "SL001",
        "svc/m.yaml",
        2,
        4,
        "binary file (NUL byte); a manifest is UTF-8 text",
    )


# ------------------------------------------------------------------ decoding: UTF-8 only


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"], ids=["little-endian", "big-endian"])
def test_utf16_of_either_byte_order_is_refused(bom: bytes) -> None:
    data = bom + "a: 1\n".encode("utf-16-le" if bom == b"\xff\xfe" else "utf-16-be")
    assert error(yamlsafe.decode, data, "m.yaml") == ("SL001", "m.yaml", 1, 1, "file is UTF-16; save it as UTF-8")


def test_a_utf8_byte_order_mark_is_dropped_only_at_the_start() -> None:
    assert yamlsafe.decode(b"\xef\xbb\xbfa: 1\n", "m.yaml") == "a: 1\n"
    assert yamlsafe.decode(b"a: 1\xef\xbb\xbf\n", "m.yaml") == "a: 1\ufeff\n"
    assert yamlsafe.decode(b"", "m.yaml") == ""


def test_a_nul_byte_is_named_where_it_is() -> None:
    assert error(yamlsafe.decode, b"a: 1\nbc: x\0y\n", "m.yaml") == (
        "SL001",
        "m.yaml",
        2,
        6,
        "binary file (NUL byte); a manifest is UTF-8 text",
    )
    assert error(yamlsafe.decode, b"\xff\0", "m.yaml")[4] == "binary file (NUL byte); a manifest is UTF-8 text"
    assert error(yamlsafe.decode, b"a\0b\0\n", "m.yaml")[2:4] == (1, 2)  # the first NUL


def test_the_first_byte_that_is_not_utf8_is_named() -> None:
    assert error(yamlsafe.decode, b"a: 1\nb: ok\xc3\xa9 \xff\xfe\n", "m.yaml") == (
        "SL001",
        "m.yaml",
        2,
        9,
        "not valid UTF-8 (byte 0xff); save the file as UTF-8",
    )


# ------------------------------------------------------------------ composing: one document, no control characters


def test_a_control_character_is_named_at_its_line_and_column() -> None:
    assert error(yamlsafe.compose, "a: 1\nbc: x\x07\n", "m.yaml") == (
        "SL001",
        "m.yaml",
        2,
        6,
        "control character U+0007 is not allowed in YAML; remove it",
    )
    assert error(yamlsafe.compose, "\nb: x\x1b\n", "m.yaml")[2:4] == (2, 5)  # a newline at offset 0 counts
    assert error(yamlsafe.compose, "a: 1\nb: 2\ncd: x\x07\n", "m.yaml")[2:4] == (3, 6)  # after the last newline
    assert error(yamlsafe.compose, "b: \x7f\n", "m.yaml")[2:] == (
        1,
        4,
        "control character U+007F is not allowed in YAML; remove it",
    )


def test_nesting_too_deep_for_the_pure_python_composer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The position is lost (test_malformed.py's xfail test_deep_nesting_without_libyaml): the whole file, 1:1."""
    monkeypatch.setattr(yamlsafe, "_Composer", PureComposer)
    assert too_deep(yamlsafe.compose) == ("SL001", "m.yaml", 1, 1, "nesting deeper than 32 levels")


def test_an_empty_document_and_a_second_document() -> None:
    empty = "empty manifest; expected `apiVersion: shiftleft/v1`"
    assert error(yamlsafe.compose, "", "m.yaml") == ("SL001", "m.yaml", 1, 1, empty)
    assert error(yamlsafe.compose, "# only a comment\n\n", "m.yaml") == ("SL001", "m.yaml", 1, 1, empty)
    assert error(yamlsafe.compose, "a: 1\nb: 2\n---\nc: 3\n", "m.yaml") == (
        "SL001",
        "m.yaml",
        3,
        1,
        "more than one YAML document; a manifest holds exactly one (remove the `---` separator)",
    )
    assert error(yamlsafe.compose, "a: 1\n...\n---\n", "m.yaml")[2:4] == (3, 1)
    root = yamlsafe.compose("---\na: 1\n...\n", "m.yaml")  # one document, marked at both ends
    assert isinstance(root, yaml.MappingNode) and root.start_mark.line == 1
