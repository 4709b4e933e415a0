"""Loads the merchandising team's synonym file into the index settings."""

from __future__ import annotations

from pathlib import Path

import yaml


def load_synonyms(path: Path) -> dict[str, list[str]]:
    """Synonym groups, e.g. {'sofa': ['couch', 'settee']}."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=yaml.Loader)
    return {str(term): [str(s) for s in alternatives] for term, alternatives in (data or {}).items()}


def to_opensearch(groups: dict[str, list[str]]) -> list[str]:
    """Solr-style synonym rules accepted by the OpenSearch synonym filter."""
    return [", ".join([term, *alternatives]) for term, alternatives in sorted(groups.items())]
