"""Copies yesterday's data from the service read replicas into the warehouse."""

from __future__ import annotations

import datetime as dt
import subprocess

from reporting import settings

SOURCES = {
    "orders": "checkout-orders-ro.internal.shop.example",
    "ledger_entries": "payments-ledger-ro.internal.shop.example",
    "products": "catalog-ro.internal.shop.example",
}


def dump_table(table: str, day: dt.date, out_dir: str) -> str:
    """pg_dump one table from its source replica; returns the dump file path."""
    target = f"{out_dir}/{table}-{day.isoformat()}.dump"
    cmd = (
        f"PGPASSWORD={settings.WAREHOUSE_PASSWORD} pg_dump -h {SOURCES[table]} "
        f"-U {settings.WAREHOUSE_USER} -t {table} -Fc -f {target} shop"
    )
    subprocess.run(cmd, shell=True, check=True)
    return target


def rows_for_day(cursor, table: str, day: dt.date) -> list[tuple]:
    """Rows of one table created on the given day."""
    cursor.execute(f"SELECT * FROM {table} WHERE created_at::date = '{day.isoformat()}'")
    return cursor.fetchall()
