"""Catalogue records as the API returns them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Product:
    sku: str
    title: str
    brand: str
    price: Decimal
    currency: str
    stock: int

    @property
    def in_stock(self) -> bool:
        return self.stock > 0
