"""Double-entry ledger writes. Every statement is parameterised."""

from __future__ import annotations

from typing import Protocol


class Cursor(Protocol):
    def execute(self, sql: str, params: tuple[object, ...]) -> None: ...


INSERT_ENTRY = (
    "INSERT INTO ledger_entries (payment_id, account, direction, amount_minor, currency) "
    "VALUES (%s, %s, %s, %s, %s)"
)


def record_capture(cur: Cursor, payment_id: str, amount_minor: int, currency: str) -> None:
    """Move captured funds from the customer clearing account to merchant receivables."""
    if amount_minor <= 0:
        raise ValueError("capture amount must be positive")
    cur.execute(INSERT_ENTRY, (payment_id, "customer-clearing", "debit", amount_minor, currency))
    cur.execute(INSERT_ENTRY, (payment_id, "merchant-receivable", "credit", amount_minor, currency))
