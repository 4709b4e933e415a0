"""Consumes notification requests from SQS; failed messages go to the dead-letter queue."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from notifications.sender import Email

log = logging.getLogger(__name__)

ALLOWED_CATEGORIES = frozenset({"order-confirmation", "shipping-update", "password-reset"})


def parse(body: str) -> Email:
    message: dict[str, Any] = json.loads(body)
    category = message["category"]
    if category not in ALLOWED_CATEGORIES:
        raise ValueError(f"unknown notification category {category!r}")
    return Email(to=message["to"], subject=message["subject"], html=message["html"], category=category)


def handle(messages: list[dict[str, Any]], deliver: Callable[[Email], None]) -> list[str]:
    """Deliver a batch; returns the receipt handles that can be deleted from the queue."""
    done: list[str] = []
    for message in messages:
        try:
            deliver(parse(message["Body"]))
        except (KeyError, ValueError) as exc:
            log.error("dropping malformed message %s: %s", message.get("MessageId"), exc)
            continue
        done.append(message["ReceiptHandle"])
    return done
