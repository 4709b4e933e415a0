"""Card processor client with automatic failover to the secondary acquirer."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests

from payments.config import Settings

log = logging.getLogger(__name__)


class ProcessorUnavailable(Exception):
    """Both the primary and the fallback processor failed."""


@dataclass(frozen=True)
class Authorisation:
    processor: str
    reference: str
    approved: bool


def _authorise(url: str, key: str, payload: dict[str, object], idem: str, timeout: float) -> dict[str, object]:
    response = requests.post(
        f"{url}/v1/payment_intents",
        json=payload,
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idem},
        timeout=timeout,
    )
    response.raise_for_status()
    body: dict[str, object] = response.json()
    return body


def authorise(settings: Settings, payload: dict[str, object], idem: str) -> Authorisation:
    """Authorise on the primary processor; fail over once on a 5xx or timeout."""
    try:
        body = _authorise(settings.processor_url, settings.api_key(), payload, idem, settings.processor_timeout_s)
        return Authorisation("stripe", str(body["id"]), body.get("status") == "requires_capture")
    except (requests.Timeout, requests.ConnectionError, requests.HTTPError) as exc:
        log.warning("primary processor failed, failing over: %s", type(exc).__name__)
    try:
        body = _authorise(
            settings.fallback_processor_url, settings.fallback_api_key(), payload, idem, settings.processor_timeout_s
        )
    except requests.RequestException as exc:
        raise ProcessorUnavailable("primary and fallback processors failed") from exc
    return Authorisation("adyen", str(body["pspReference"]), body.get("resultCode") == "Authorised")
