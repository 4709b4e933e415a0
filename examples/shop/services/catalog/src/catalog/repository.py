"""Reads and writes against the catalogue database (parameterised SQL only)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from catalog.models import Product


class Connection(Protocol):
    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any: ...


SELECT_PRODUCT = "SELECT sku, title, brand, price, currency, stock FROM products WHERE sku = %s"
UPDATE_STOCK = "UPDATE products SET stock = stock + %s, updated_at = now() WHERE sku = %s"


def get(conn: Connection, sku: str) -> Product | None:
    row = conn.execute(SELECT_PRODUCT, (sku,)).fetchone()
    if row is None:
        return None
    return Product(row[0], row[1], row[2], Decimal(row[3]), row[4], int(row[5]))


def adjust_stock(conn: Connection, sku: str, delta: int) -> None:
    conn.execute(UPDATE_STOCK, (delta, sku))
