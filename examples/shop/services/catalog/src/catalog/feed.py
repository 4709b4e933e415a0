"""Nightly supplier price feed import (CSV over SFTP, staged in S3)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation


def parse_prices(raw: bytes) -> Iterator[tuple[str, Decimal]]:
    """Yield (sku, price) pairs; rows that do not parse are skipped and counted upstream."""
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    for row in reader:
        sku = (row.get("sku") or "").strip()
        if not sku:
            continue
        try:
            price = Decimal(row.get("price", ""))
        except InvalidOperation:
            continue
        if price >= 0:
            yield sku, price
