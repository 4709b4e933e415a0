"""The service graph: facts about each service derived from the whole catalog.

`build()` turns every loaded manifest (plus services imported from other
repositories' exported catalogs) into a `Graph`; `Graph.facts(i)` gives the
`graph` CEL variable for manifest `i`, typed for rules and as written for
messages. See docs/graph.md for the model and the arithmetic.
"""

from __future__ import annotations

from shiftleft.graph.build import Graph, build
from shiftleft.graph.nodes import Link, Node, from_manifest

__all__ = ["Graph", "Link", "Node", "build", "from_manifest"]
