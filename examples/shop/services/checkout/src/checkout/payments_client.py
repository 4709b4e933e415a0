"""Client for the internal payments service."""

from __future__ import annotations

import os

import requests

PAYMENTS_URL = os.environ.get("PAYMENTS_URL", "https://payments.payments.svc.cluster.local:8443")
CLIENT_CERT = ("/var/run/mesh/tls.crt", "/var/run/mesh/tls.key")


def authorise(order_number: str, amount_minor: int, currency: str, payment_token: str) -> str:
    """Ask payments to authorise the order total; returns the authorisation reference."""
    response = requests.post(
        f"{PAYMENTS_URL}/v1/authorisations",
        json={
            "merchant_ref": order_number,
            "amount_minor": amount_minor,
            "currency": currency,
            "token": payment_token,
        },
        cert=CLIENT_CERT,
    )
    response.raise_for_status()
    return str(response.json()["reference"])
