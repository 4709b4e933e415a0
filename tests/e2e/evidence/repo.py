"""A small repository written for the evidence tests: two services, real Terraform,
Kubernetes and Python, and the hostile scanner configuration a pull request could add.

Line numbers matter: the tests assert them, so edit with care.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

VAULT = """\
apiVersion: shiftleft/v1
kind: Service
metadata: {name: vault, owner: team-vault}
spec:
  tier: 1
  paths:
    code: [src]
    infrastructure: [infra, ../../k8s/vault]
  data:
    classification: confidential
  availability:
    zones: 2
    min_replicas: 3
  continuity:
    backups: {frequency: 1h, retention: 35d, offsite: false}
  security:
    encryption: {at_rest: true, in_transit: true, min_tls: "1.2"}
"""
"""Claims: at_rest line 17, in_transit 17, min_tls 17, zones 12, min_replicas 13, backups 15,
classification 10, tier 5 (probes)."""

VAULT_TF = """\
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 40
  encrypted         = false
}

resource "aws_ebs_volume" "logs" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = true
}

resource "aws_db_instance" "orders" {
  # checkov:skip=CKV_AWS_157:single zone until the migration
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  storage_encrypted       = true
  multi_az                = false
  backup_retention_period = 7
}
"""

BROKEN_TF = """\
resource "aws_ebs_volume" "hidden" {
  size = [
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: vault
  namespace: vault
spec:
  replicas: 1
  selector: {matchLabels: {app: vault}}
  template:
    metadata: {labels: {app: vault}}
    spec:
      containers:
        - name: app
          image: vault/app:1.0
"""

BROKEN_YAML = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: shadow
spec:
  replicas: 1
"""

APP_PY = """\
import subprocess

import yaml


def run(command: str) -> int:
    return subprocess.call(command, shell=True)


def load(text: str) -> object:
    return yaml.load(text)  # nosec B506 trusted input
"""

SYNTAX_ERROR_PY = """\
def broken(:
    pass
"""

LEDGER = """\
apiVersion: shiftleft/v1
kind: Service
metadata: {name: ledger, owner: team-ledger}
spec:
  tier: 3
  paths:
    code: [src]
    infrastructure: [infra]
  data:
    classification: internal
  security:
    encryption: {at_rest: true, in_transit: true}
"""

LEDGER_TF = """\
resource "aws_ebs_volume" "journal" {
  availability_zone = "eu-west-1a"
  size              = 20
  encrypted         = true
}
"""

LEDGER_PY = """\
def total(amounts: list[int]) -> int:
    return sum(amounts)
"""

HOSTILE = {
    # checkov merges these even with a trusted --config-file; bandit applies .bandit without --ini
    "services/vault/infra/.checkov.yaml": "soft-fail: true\nskip-check:\n  - CKV_AWS_3\n  - CKV_K8S_8\n",
    "k8s/vault/.checkov.yml": "soft-fail: true\nskip-check: [CKV2_SLREPLICAS_3]\n",
    "services/vault/src/.bandit": "[bandit]\nskips: B602,B506,B404\n",
    "services/vault/setup.cfg": "[bandit]\nskips = B602,B506\n",
    "services/vault/pyproject.toml": '[tool.bandit]\nskips = ["B602", "B506"]\n',
    ".checkov.yaml": "soft-fail: true\n",
}


def write(root: Path, hostile: bool = True) -> Path:
    files = {
        "services/vault/shiftleft.yaml": VAULT,
        "services/vault/infra/main.tf": VAULT_TF,
        "services/vault/infra/broken.tf": BROKEN_TF,
        "k8s/vault/deployment.yaml": DEPLOYMENT,
        "k8s/vault/shadow.yaml": BROKEN_YAML,
        "services/vault/src/vault/app.py": APP_PY,
        "services/vault/src/vault/broken.py": SYNTAX_ERROR_PY,
        "services/ledger/shiftleft.yaml": LEDGER,
        "services/ledger/infra/main.tf": LEDGER_TF,
        "services/ledger/src/ledger/total.py": LEDGER_PY,
        **(HOSTILE if hostile else {}),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / ".git").mkdir()
    return root
