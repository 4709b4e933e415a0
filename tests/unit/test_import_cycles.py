"""The package's imports form no cycle: data flows one way (config, discover, load, schema, graph, rules, evidence,
governance, formatters), so a module never imports, even lazily inside a function, one that imports it back.

Imports under `if TYPE_CHECKING:` are for the type checker only and do not count. Importing a submodule of one's
own package (`shiftleft.evidence.bandit` importing `shiftleft.evidence.model`) does not depend on what the
package's `__init__` defines, so that edge does not count; importing a submodule from outside the package runs the
package's `__init__` first, so that edge does."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = ROOT / "shiftleft"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found += [n for child in node.orelse for n in _imports(ast.Module([child], []))]
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        found += _imports(node)
    return found


def graph() -> dict[str, set[str]]:
    """Module to the package modules it imports (a fresh copy: tests may add edges)."""
    return {module: set(targets) for module, targets in _graph().items()}


@functools.cache
def _graph() -> dict[str, frozenset[str]]:
    paths = {_module(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in paths}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in paths]
                # `from pkg import sub` depends on sub; on pkg only when a name it defines is imported.
                targets = submodules if len(submodules) == len(node.names) else [base, *submodules]
            for target in targets:
                # Importing `a.b.c` runs `a/__init__` and `a/b/__init__` first, except those the importer is in.
                parts = target.split(".")
                for ancestor in (".".join(parts[:i]) for i in range(2, len(parts) + 1)):
                    if ancestor in paths and ancestor != name and not name.startswith(ancestor + "."):
                        edges[name].add(ancestor)
    return {module: frozenset(targets) for module, targets in edges.items()}


def layers(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """The same graph between layers: a subpackage (`shiftleft.policy`) is one node, a top-level module another."""

    def layer(module: str) -> str:
        return ".".join(module.split(".")[:2])

    out: dict[str, set[str]] = {}
    for source, targets in edges.items():
        out.setdefault(layer(source), set()).update(layer(t) for t in targets if layer(t) != layer(source))
    return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_no_cycles_between_layers() -> None:
    """`shiftleft.policy` (rules, tiers, CEL) sits below the engine: nothing in it imports the engine back."""
    assert cycles(layers(graph())) == []


def test_a_cycle_is_found() -> None:
    """The check itself: the cycles issue 14 named, as they were, are reported."""
    edges = graph()
    edges["shiftleft.policy.cache"].add("shiftleft.policy.catalog")
    assert cycles(edges) == [["shiftleft.policy.cache", "shiftleft.policy.catalog"]]
    edges["shiftleft.policy.ruletest"] = {"shiftleft.engine"}  # where `ruletest` was
    assert cycles(layers(edges)) == [["shiftleft.engine", "shiftleft.policy", "shiftleft.rulerun"]]


def test_lazy_imports_count() -> None:
    """An import inside a function is an edge: `policy.catalog` reads evidence blocks through a lazy import."""
    assert "shiftleft.policy.evidencespec" in graph()["shiftleft.policy.catalog"]
