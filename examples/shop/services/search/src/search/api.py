"""Query translation from the storefront's search box to OpenSearch DSL."""

from __future__ import annotations

from typing import Any

MAX_PAGE_SIZE = 100


def build_query(text: str, page: int = 1, size: int = 24, in_stock_only: bool = False) -> dict[str, Any]:
    size = max(1, min(size, MAX_PAGE_SIZE))
    query: dict[str, Any] = {
        "bool": {
            "must": [{"multi_match": {"query": text, "fields": ["title^3", "brand^2", "description"]}}],
            "filter": [],
        }
    }
    if in_stock_only:
        query["bool"]["filter"].append({"range": {"stock": {"gt": 0}}})
    return {"query": query, "from": (max(page, 1) - 1) * size, "size": size}
