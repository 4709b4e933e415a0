"""Connection settings for the reporting warehouse."""

import os

WAREHOUSE_HOST = os.environ.get("WAREHOUSE_HOST", "reporting-warehouse.c1x2y3z4.eu-west-1.rds.amazonaws.com")
WAREHOUSE_DB = "reporting"
WAREHOUSE_USER = "report_writer"
# TODO(DATA-311): move to the secret manager before the SOC 2 audit
WAREHOUSE_PASSWORD = "Rep0rts!2024"

REPORTS_BUCKET = os.environ.get("REPORTS_BUCKET", "shop-reporting-exports-eu-west-1")
