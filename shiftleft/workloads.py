"""The Kubernetes workloads a YAML file declares, read as untrusted input (for `shiftleft.unowned`).

A workload is a document whose top-level `kind` is one of `KINDS` (also an
item of a `kind: List`, and a `kind` brought in by a `<<` merge key, which
Kubernetes' YAML reader honours). Every document of the file is looked at.
Reading is bounded like the manifest loader's: files up to `MAX_BYTES` are
composed with the safe loader (no value is built, no alias expanded); a
larger file, one that is not UTF-8 or does not parse (a Helm template) is
searched line by line for a top-level `kind:` line naming a workload, so a
workload shiftleft cannot read is still reported, at that line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from shiftleft.errors import ManifestError

if TYPE_CHECKING:
    import yaml

KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod")
MAX_BYTES = 1024 * 1024
"""Files up to this size are parsed; larger ones are searched line by line (bounded memory)."""
MAX_LINE = 64 * 1024
_LINE = re.compile(
    rb"kind[ \t]*:[ \t]*([\"']?)(" + b"|".join(k.encode() for k in KINDS) + rb")\1[ \t]*(?:#.*)?\r?\n?\Z"
)


class Workload(NamedTuple):
    kind: str
    name: str
    """metadata.name, "" when not a plain string."""
    line: int
    col: int


def read(path: str, display: str) -> tuple[list[Workload], str]:
    """The workloads in the file at `path`, and why it could not be parsed ("" when it was)."""
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            return _search(path), f"larger than {MAX_BYTES // (1024 * 1024)} MiB, not parsed"
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as e:
        return [], f"cannot be read: {e.strerror or e}"
    if len(data) > MAX_BYTES:
        return _search(path), f"larger than {MAX_BYTES // (1024 * 1024)} MiB, not parsed"
    # Cheap test first: a workload names its kind in the text, or hides it behind an escape.
    if b"\\" not in data and not any(k.encode() in data for k in KINDS) and b"\0" not in data:
        return [], ""
    from shiftleft.manifest import yamlsafe

    try:
        text = yamlsafe.decode(data, display)
        found: list[Workload] = []
        for root in yamlsafe.documents(text, display):
            _inspect(root, found, 0)
        return found, ""
    except ManifestError as e:
        return _matching(data.replace(b"\0", b"").splitlines(keepends=True)), e.message


def _inspect(node: yaml.Node, out: list[Workload], depth: int) -> None:
    import yaml

    if not isinstance(node, yaml.MappingNode) or depth > 2:
        return
    entries = _entries(node)
    kind = entries.get("kind")
    if kind is None or not isinstance(kind[1], yaml.ScalarNode):
        return
    value = kind[1].value
    if value in KINDS:
        meta = entries.get("metadata")
        name = ""
        if meta is not None and isinstance(meta[1], yaml.MappingNode):
            named = _entries(meta[1]).get("name")
            name = named[1].value if named is not None and isinstance(named[1], yaml.ScalarNode) else ""
        mark = kind[0].start_mark
        out.append(Workload(value, name, mark.line + 1, mark.column + 1))
    elif value.endswith("List"):
        items = entries.get("items")
        if items is not None and isinstance(items[1], yaml.SequenceNode):
            for item in items[1].value:
                _inspect(item, out, depth + 1)


def _entries(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """A mapping's plain-string keys to (key, value) nodes; keys of `<<` merges fill in what is not written."""
    import yaml

    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    merged: list[yaml.Node] = []
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.value == "<<" and not key.style:
            merged.extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
        else:
            out.setdefault(key.value, (key, value))
    for source in merged:
        if isinstance(source, yaml.MappingNode):
            for key, value in source.value:
                if isinstance(key, yaml.ScalarNode):
                    out.setdefault(key.value, (key, value))
    return out


def _search(path: str) -> list[Workload]:
    """Top-level `kind:` lines naming a workload, read a line (at most `MAX_LINE` bytes) at a time."""
    try:
        with open(path, "rb") as fh:
            return _matching(iter(lambda: fh.readline(MAX_LINE), b""))
    except OSError:
        return []


def _matching(chunks: Iterable[bytes]) -> list[Workload]:
    """Workloads named by `kind:` lines at the start of a line (NUL bytes dropped: UTF-16 text reads too)."""
    out = []
    number, at_start = 1, True
    for chunk in chunks:
        if at_start:
            match = _LINE.match(chunk.replace(b"\0", b""))
            if match is not None:
                out.append(Workload(match.group(2).decode(), "", number, 1))
        at_start = chunk.endswith(b"\n")
        number += at_start
    return out
