"""Safe, bounded YAML reading with source positions.

PyYAML composes the node tree (libyaml, in C, where available) with every
implicit resolver switched off; this module then builds plain Python values
itself, YAML 1.2 core style, so that nothing is read silently wrong:

- `yes`/`no`/`on`/`off`, sexagesimal `1:30`, octal-looking `010` and the like
  are rejected (SL003) with the fix, instead of becoming booleans or numbers;
- duplicate keys are rejected naming both lines (SL002);
- size, nesting depth and alias expansion are bounded (SL001), so a
  billion-laughs file fails in microseconds with bounded memory;
- one document per file, UTF-8 only, no explicit tags, no binary.

Positions are not stored: `locate()` composes the text again on demand, which
costs nothing for the (usual) clean files and keeps memory flat on large
catalogs.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from shiftleft.errors import ManifestError, ShiftleftError
from shiftleft.manifest.pyyaml import yaml

MAX_BYTES = 1024 * 1024
"""Default size limit of one manifest."""
MAX_NODES = 20_000
"""Nodes built from one document, aliases expanded; a manifest has a few hundred."""
MAX_DEPTH = 32

_STR = "<untagged scalar>"
_SEQ = "<untagged sequence>"
_MAP = "<untagged mapping>"
"""The composer's tags for nodes written without one. No YAML tag can be spelled like these (a space), so an
explicit tag, even `!!str`, is told apart and refused: `!!str 12` would otherwise be read as the number 12."""

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Composer(_Base):  # type: ignore[misc]
    """Composes nodes only; every node gets its kind's default tag (plain scalars are strings).

    `resolve` is PyYAML's per-node hook (Python, even under libyaml); replacing
    it with a lookup makes composing about a third faster.
    """

    yaml_implicit_resolvers: ClassVar[dict[str, Any]] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        del value, implicit
        return _DEFAULT_TAGS[kind]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass  # path resolvers are not used

    def ascend_resolver(self) -> None:
        pass


_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}


_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_YAML11_BOOLS = frozenset(w for base in ("yes", "no", "on", "off") for w in (base, base.capitalize(), base.upper()))
_OCTAL = re.compile(r"[-+]?0[0-9_]+\Z")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_OTHER_NUMBER = re.compile(r"[-+]?(?:0[xob][0-9a-fA-F_]+|[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?)\Z")
_NOT_FINITE = frozenset(
    [sign + "." + word for sign in ("", "-", "+") for word in ("inf", "Inf", "INF")] + [".nan", ".NaN", ".NAN"]
)
"""YAML 1.1 and 1.2 read each of these as a float: none may pass as text."""


def read_text(path: Path, display: str, max_bytes: int = MAX_BYTES) -> str:
    """Read a manifest as UTF-8 text, refusing what is not a small text file."""
    try:
        if not path.is_file():
            raise ManifestError("SL001", "not a regular file", file=display, line=1, col=1)
        size = path.stat().st_size
        if size > max_bytes:
            raise ManifestError(
                "SL001",
                f"file is {_human(size)} ({size:,} bytes), over the {_human(max_bytes)} "
                f"({max_bytes:,} bytes) limit for a manifest",
                file=display,
                line=1,
                col=1,
            )
        with path.open("rb") as fh:
            # Read one byte past the limit: a file can grow between stat and read.
            data = fh.read(max_bytes + 1)
    except OSError as e:
        raise ManifestError("SL001", f"cannot read: {e.strerror or e}", file=display, line=1, col=1) from None
    if len(data) > max_bytes:
        raise ManifestError(
            "SL001", f"file is over the {_human(max_bytes)} limit for a manifest", file=display, line=1, col=1
        )
    return decode(data, display)


def decode(data: bytes, display: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ManifestError("SL001", "file is UTF-16; save it as UTF-8", file=display, line=1, col=1)
    if b"\0" in data:
        line, col = _byte_position(data, data.index(b"\0"))
        raise ManifestError(
            "SL001", "binary file (NUL byte); a manifest is UTF-8 text", file=display, line=line, col=col
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = _byte_position(data, e.start)
        raise ManifestError(
            "SL001",
            f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8",
            file=display,
            line=line,
            col=col,
        ) from None
    return text.removeprefix("\ufeff")


def load_policy_file(path: Path, display: str, error: type[ShiftleftError]) -> tuple[str, Any]:
    """Text and values of a policy file (rule, tier table): read like a manifest, errors raised as `error`."""
    try:
        text = read_text(path, display)
        return text, parse(text, display)
    except ManifestError as e:
        raise error(e.message, file=e.file, line=e.line, col=e.col) from None


def parse(text: str, display: str) -> Any:
    """Parse one YAML document into plain values (dict, list, str, int, float, bool, None)."""
    return parse_with_nodes(text, display)[0]


EMPTY = "empty manifest; expected `apiVersion: shiftleft/v1`"
"""The error of a text that holds no YAML document (nothing, or only comments)."""


def parse_with_nodes(text: str, display: str) -> tuple[Any, yaml.Node]:
    """Like `parse`, also returning the node tree, to locate paths without composing again."""
    root = compose(text, display)
    return _Builder(display).build(root), root


def compose(text: str, display: str) -> yaml.Node:
    try:
        root, extra = _single_document(text)
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(e, text, display) from None
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        col = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        raise ManifestError(
            "SL001",
            f"control character U+{e.character:04X} is not allowed in YAML; remove it",
            file=display,
            line=line,
            col=col,
        ) from None
    except RecursionError:  # the pure-Python composer recurses; libyaml stops at depth 1000 itself
        raise ManifestError("SL001", f"nesting deeper than {MAX_DEPTH} levels", file=display, line=1, col=1) from None
    if root is None:
        raise ManifestError("SL001", EMPTY, file=display, line=1, col=1)
    if extra is not None:
        raise ManifestError(
            "SL001",
            "more than one YAML document; a manifest holds exactly one (remove the `---` separator)",
            file=display,
            line=extra.line + 1,
            col=extra.column + 1,
        )
    return root


def documents(text: str, display: str) -> Iterator[yaml.Node]:
    """The root node of each document of a YAML stream, one at a time (other tools' files, such as
    Kubernetes manifests, hold several). Composed only, as `compose`: no value is built and no alias
    expanded, so the cost is bounded by the text. Raises ManifestError (SL001) where the text breaks."""
    loader = _Composer(text)
    try:
        while loader.check_node():
            yield loader.get_node()
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(e, text, display) from None
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        raise ManifestError("SL001", f"control character U+{e.character:04X}", file=display, line=line) from None
    except RecursionError:
        raise ManifestError("SL001", "nesting too deep", file=display, line=1, col=1) from None
    finally:
        loader.dispose()


def _single_document(text: str) -> tuple[yaml.Node | None, yaml.Mark | None]:
    """The document's root node, and where a second document starts (if there is one)."""
    loader = _Composer(text)
    try:
        if not loader.check_node():
            return None, None
        root = loader.get_node()
        if loader.check_event(yaml.DocumentStartEvent):
            return root, loader.peek_event().start_mark
        return root, None
    finally:
        loader.dispose()


def locate(text: str, path: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the value at `path`, or of its closest existing parent."""
    try:
        root = compose(text, "")
    except ManifestError:
        return (1, 1)
    return locate_in(root, path, key=key)


def locate_in(root: yaml.Node, path: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
    """Like `locate`, on a composed node tree (compose once, locate many).

    Scalars point at the value; mappings and sequences at their key, which is
    the line a reader looks for. With `key=True` a mapping entry always
    points at its key (unknown-key findings).
    """
    node = root
    mark = node.start_mark
    for i, step in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == step:
                    mark = k.start_mark if (key and last) or not isinstance(v, yaml.ScalarNode) else v.start_mark
                    node = v
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
            mark = node.start_mark
        else:
            break
    return (mark.line + 1, mark.column + 1)


class _Builder:
    """Turns a node tree into plain values, enforcing the rules in the module docstring."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.nodes = 0

    def fail(self, rule: str, message: str, node: yaml.Node) -> ManifestError:
        mark = node.start_mark
        return ManifestError(rule, message, file=self.display, line=mark.line + 1, col=mark.column + 1)

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(
                "SL001",
                f"document has more than {MAX_NODES:,} values, counting each alias as a copy; "
                "a manifest has a few hundred (remove anchors and aliases, or split the file)",
                node,
            )
        if depth > MAX_DEPTH:
            raise self.fail("SL001", f"nesting deeper than {MAX_DEPTH} levels", node)
        if isinstance(node, yaml.ScalarNode):
            if node.tag != _STR:
                raise self.fail("SL001", f"explicit YAML tag {_tag(node.tag)} is not allowed; remove it", node)
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise self.fail("SL001", f"explicit YAML tag {_tag(node.tag)} is not allowed; remove it", node)
            return [self.build(item, depth + 1) for item in node.value]
        if node.tag != _MAP or not isinstance(node, yaml.MappingNode):
            raise self.fail("SL001", f"explicit YAML tag {_tag(node.tag)} is not allowed; remove it", node)
        return self.mapping(node, depth)

    def mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                raise self.fail("SL001", "mapping keys must be plain strings", key_node)
            key = key_node.value
            if key == "<<" and not key_node.style:
                raise self.fail("SL001", "merge keys (`<<`) are not supported; write the keys out", key_node)
            first = seen.get(key)
            if first is not None:
                raise self.fail(
                    "SL002",
                    f"duplicate key {key!r} (first defined on line {first.start_mark.line + 1}, "
                    f"column {first.start_mark.column + 1}); "
                    "keep one of them",
                    key_node,
                )
            seen[key] = key_node
            out[_intern(key)] = self.build(value_node, depth + 1)
        return out

    def scalar(self, node: yaml.ScalarNode) -> Any:
        value: str = node.value
        if node.style:  # quoted or block scalar: always a string (plain is None or "")
            return value
        if value[:1].isalpha():  # most values are words: skip the number patterns
            if value in _BOOLS:
                return _BOOLS[value]
            if value in _NULLS:
                return None
            if value not in _YAML11_BOOLS:
                return _intern(value) if len(value) <= 32 else value
        if value in _NULLS:
            return None
        if _INT.match(value):
            # CEL integers are 64-bit: a larger one would fail every rule that reads its section, not this line.
            if len(value) > 20 or not -(2**63) <= int(value) < 2**63:
                raise self.fail("SL003", f"`{_short(value)}` is too large for a number; write a realistic value", node)
            return int(value)
        if _OCTAL.match(value):
            sign = value[0] if value[0] in "-+" else ""
            decimal = sign + (value.lstrip("-+").replace("_", "").lstrip("0") or "0")
            raise self.fail(
                "SL003",
                f"`{value}` is an octal number in YAML 1.1; "
                f'write "{value}" in quotes for text, or {decimal} for a number',
                node,
            )
        if _FLOAT.match(value):
            number = float(value)
            if math.isinf(number):
                raise self.fail("SL003", f"`{_short(value)}` is too large for a number; write a realistic value", node)
            return number
        if value in _BOOLS:
            return _BOOLS[value]
        if value in _YAML11_BOOLS:
            canonical = "true" if value.lower() in ("yes", "on") else "false"
            raise self.fail(
                "SL003",
                f"`{value}` is the boolean {canonical} in YAML 1.1; "
                f'write "{value}" in quotes for text, or {canonical} for a boolean',
                node,
            )
        if _SEXAGESIMAL.match(value):
            raise self.fail(
                "SL003",
                f"`{value}` is a base-60 number in YAML 1.1; "
                f'write "{value}" in quotes for text, or a duration such as 1h30m',
                node,
            )
        if _OTHER_NUMBER.match(value):
            raise self.fail(
                "SL003",
                f"`{value}` is read as a number by some YAML parsers and as text by others; "
                f'write "{value}" in quotes for text, or a plain decimal number',
                node,
            )
        if value in _NOT_FINITE:
            raise self.fail("SL003", f"`{value}` is not allowed; write a finite number", node)
        return value


_SYNTAX_HINTS = (
    (
        "did not find expected key",
        "this line is indented differently from the keys above it: "
        "align it with its siblings, or indent it under its parent",
    ),
    ("did not find expected '-' indicator", "this line breaks a list: indent it like the list's other `- ` items"),
    ("expected <block end>", "this line is indented differently from the lines above it: align it with its siblings"),
    (
        "mapping values are not allowed",
        "a `key: value` where YAML does not expect one: indent it under a "
        "parent key, or quote a value that contains ': '",
    ),
    ("did not find expected ',' or ']'", "a bracketed list is not closed, or two items lack a comma between them"),
    ("did not find expected ',' or '}'", "a braced mapping is not closed, or two entries lack a comma between them"),
    ("unexpected end of stream", "the quote or bracket opened here is never closed"),
    (
        "could not find expected ':'",
        "a key without ':', or a value continuing on the next line: add ':' after the key, or quote the value",
    ),
)
"""PyYAML's parser messages, each with what the author most likely has to change."""


def _syntax_error(e: yaml.MarkedYAMLError, text: str, display: str) -> ManifestError:
    mark = e.problem_mark or e.context_mark
    if e.context_mark is not None and e.problem and "end of stream" in e.problem:
        mark = e.context_mark  # an unterminated quote or bracket: point where it opened
    problem = e.problem or "invalid YAML"
    if e.context and e.context not in problem:
        problem = f"{problem} ({e.context})"
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        problem = "tab character; indent with spaces, YAML does not allow tabs"
    if "found duplicate anchor" in problem or "found undefined alias" in problem:
        problem = problem.replace("found ", "")
    hint = next((h for text_, h in _SYNTAX_HINTS if text_ in problem), None)
    around = text[max(0, mark.index - 1) : mark.index + 1] if mark is not None else ""
    if "expected key" in problem and ("'" in around or '"' in around):
        # A quote opened earlier swallowed the lines in between and was closed by this one.
        hint = "a quote above this line is probably never closed, so this quote ends it: close the earlier quote"
    if hint is not None:
        problem = f"{problem}; {hint}"
    line = mark.line + 1 if mark else 0
    col = mark.column + 1 if mark else 0
    return ManifestError("SL001", f"invalid YAML: {_one_line(problem)}", file=display, line=line, col=col)


_intern = sys.intern
"""Keys and short words repeat across thousands of manifests; one copy each keeps big catalogs small."""


def _tag(tag: str) -> str:
    """`tag:yaml.org,2002:binary` as written: `!!binary`."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def _human(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n} bytes"


def _short(value: str, limit: int = 40) -> str:
    """A long scalar as its start and length, so one message stays one readable line."""
    return value if len(value) <= limit else f"{value[:limit]}... ({len(value):,} characters)"
