"""Nightly full reindex from the catalog export, then an alias swap."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import requests

OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL", "https://vpc-shop-search.eu-west-1.es.amazonaws.com")
EXPORT_BUCKET = os.environ.get("CATALOG_EXPORT_BUCKET", "shop-catalog-exports-eu-west-1")


def download_export(day: dt.date, target_dir: str) -> None:
    """Copy the day's catalog export from S3 with the AWS CLI."""
    subprocess.run(
        f"aws s3 cp s3://{EXPORT_BUCKET}/{day.isoformat()}/products.ndjson {target_dir}/",
        shell=True,
        check=True,
    )


def swap_alias(alias: str, new_index: str, old_index: str) -> None:
    """Point the read alias at the freshly built index in one atomic request."""
    actions = {
        "actions": [
            {"remove": {"index": old_index, "alias": alias}},
            {"add": {"index": new_index, "alias": alias}},
        ]
    }
    response = requests.post(f"{OPENSEARCH_URL}/_aliases", json=actions)
    response.raise_for_status()
