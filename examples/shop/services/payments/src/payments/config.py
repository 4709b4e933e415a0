"""Runtime settings, read once at start-up.

Secrets are never in this repository: the Vault agent sidecar renders them
into files under /vault/secrets, and only their paths come from the
environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    region: str
    processor_url: str
    fallback_processor_url: str
    processor_timeout_s: float
    api_key_file: Path
    fallback_api_key_file: Path
    database_url_file: Path

    def api_key(self) -> str:
        return self.api_key_file.read_text(encoding="utf-8").strip()

    def fallback_api_key(self) -> str:
        return self.fallback_api_key_file.read_text(encoding="utf-8").strip()


def load() -> Settings:
    env = os.environ
    return Settings(
        region=env["AWS_REGION"],
        processor_url=env.get("PROCESSOR_URL", "https://api.stripe.com"),
        fallback_processor_url=env.get("FALLBACK_PROCESSOR_URL", "https://checkout-live.adyen.com"),
        processor_timeout_s=float(env.get("PROCESSOR_TIMEOUT_S", "3.0")),
        api_key_file=Path(env.get("PROCESSOR_KEY_FILE", "/vault/secrets/stripe-key")),
        fallback_api_key_file=Path(env.get("FALLBACK_KEY_FILE", "/vault/secrets/adyen-key")),
        database_url_file=Path(env.get("DATABASE_URL_FILE", "/vault/secrets/ledger-dsn")),
    )
