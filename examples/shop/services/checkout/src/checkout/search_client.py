"""Stock and price re-check against the search index before an order is placed."""

from __future__ import annotations

import os

import requests

SEARCH_URL = os.environ.get("SEARCH_URL", "http://search.search.svc.cluster.local:8080")


def current_offer(sku: str) -> dict[str, object]:
    """Latest price and availability for a SKU. There is no fallback: if search is down, checkout fails."""
    response = requests.get(f"{SEARCH_URL}/v1/offers/{sku}")
    response.raise_for_status()
    offer: dict[str, object] = response.json()
    return offer
