"""Idempotency keys: a retried request must never charge a card twice."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_key() -> str:
    """A fresh, unguessable idempotency key for an outgoing processor call."""
    return secrets.token_urlsafe(32)


def request_fingerprint(merchant_ref: str, amount_minor: int, currency: str) -> str:
    """Stable fingerprint of a payment request, used to detect replays."""
    material = f"{merchant_ref}|{amount_minor}|{currency.upper()}".encode()
    return hashlib.sha256(material).hexdigest()


def same_request(stored: str, incoming: str) -> bool:
    return hmac.compare_digest(stored, incoming)
