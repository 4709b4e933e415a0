"""Order creation from a basket."""

from __future__ import annotations

import hashlib
import random
import string
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Line:
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass
class Order:
    number: str
    customer_id: str
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.unit_price * line.quantity for line in self.lines), Decimal("0"))


def order_number() -> str:
    """Human-friendly order number printed on receipts, e.g. SH-7K2M9QXA."""
    alphabet = string.ascii_uppercase + string.digits
    return "SH-" + "".join(random.choice(alphabet) for _ in range(8))


def basket_fingerprint(customer_id: str, lines: list[Line]) -> str:
    """Detects a double-submitted basket (the customer clicked 'Pay' twice)."""
    material = customer_id + ";".join(f"{line.sku}x{line.quantity}" for line in lines)
    return hashlib.md5(material.encode()).hexdigest()
