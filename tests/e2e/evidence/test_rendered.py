"""Helm charts and Kustomize builds are not rendered: SL825 at their Chart.yaml / kustomization.yaml, and the
claims checkov judges stay unverified, never verified, for the service that has one (real checkov).

`api` has only plain manifests that pass, so its claims are verified; `web` has the same manifests plus a Helm
chart and a Kustomize overlay; `tpl` names only a chart's templates/ folder (its Chart.yaml is found above).
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pytest

from tests.e2e.evidence.test_scanners import check

MANIFEST = """\
apiVersion: shiftleft/v1
kind: Service
metadata: {{name: {name}, owner: team-{name}}}
spec:
  tier: 1
  paths:
    infrastructure: {paths}
  availability:
    min_replicas: 3
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: NAME, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: NAME}}
  template:
    metadata: {labels: {app: NAME}}
    spec:
      containers:
        - name: app
          image: shop/NAME:1.0
          livenessProbe: {httpGet: {path: /healthz, port: 8080}}
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
"""

TEMPLATE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image }}"
"""

FILES = {
    "services/api/shiftleft.yaml": MANIFEST.format(name="api", paths="[k8s]"),
    "services/api/k8s/deployment.yaml": DEPLOYMENT.replace("NAME", "api"),
    "services/web/shiftleft.yaml": MANIFEST.format(name="web", paths="[k8s, chart, overlays]"),
    "services/web/k8s/deployment.yaml": DEPLOYMENT.replace("NAME", "web"),
    "services/web/chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    "services/web/chart/values.yaml": "replicas: 1\nimage: shop/web:1.0\n",
    "services/web/chart/templates/deployment.yaml": TEMPLATE,
    # The overlay lowers the replicas to 1 with a JSON patch: what it deploys contradicts the claim, and only
    # rendering would show it, so the claim must not read as verified.
    "services/web/overlays/prod/kustomization.yaml": "resources: [../../k8s]\n"
    "patches: [{path: replicas.yaml, target: {kind: Deployment, name: web}}]\n",
    "services/web/overlays/prod/replicas.yaml": "- {op: replace, path: /spec/replicas, value: 1}\n",
    "services/web/overlays/dev/Kustomization": "resources: [../../k8s]\n",  # not given to checkov: no suffix
    "services/tpl/shiftleft.yaml": MANIFEST.format(name="tpl", paths="[../../charts/tpl/templates]"),
    "charts/tpl/Chart.yaml": "apiVersion: v2\nname: tpl\nversion: 0.1.0\n",
    "charts/tpl/templates/deployment.yaml": TEMPLATE,
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("rendered")
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    (root / ".git").mkdir()
    code, err = check(root, "--evidence", "--format", "json=out.json")
    assert code == 1 and err == "shiftleft: evidence: running checkov on 8 file(s)\n"  # tier 1 rules on thin manifests
    data: dict[str, Any] = json.loads((root / "out.json").read_text(encoding="utf-8"))
    return data


def test_each_chart_and_kustomization_is_an_sl825_at_its_first_line(report: dict[str, Any]) -> None:
    found = sorted(
        (f["service"], f["location"]["file"], f["location"]["line"], f["severity"], f["message"])
        for f in report["findings"]
        if f["rule"].startswith("SL8")
    )
    tail = "so the resources it renders were not checked; 2 claim(s) checkov judges stay unverified"
    assert found == [
        ("tpl", "charts/tpl/Chart.yaml", 1, "medium",
         f"charts/tpl/Chart.yaml heads a Helm chart that shiftleft does not render, {tail}"),
        ("web", "services/web/chart/Chart.yaml", 1, "medium",
         f"services/web/chart/Chart.yaml heads a Helm chart that shiftleft does not render, {tail}"),
        ("web", "services/web/overlays/dev/Kustomization", 1, "medium",
         f"services/web/overlays/dev/Kustomization heads a Kustomize build that shiftleft does not render, {tail}"),
        ("web", "services/web/overlays/prod/kustomization.yaml", 1, "medium",
         f"services/web/overlays/prod/kustomization.yaml heads a Kustomize build that shiftleft does not render, "
         f"{tail}"),
    ]  # fmt: skip


def test_claims_of_a_service_with_an_unrendered_chart_are_never_verified(report: dict[str, Any]) -> None:
    statuses = {(c["service"], c["rule"]): (c["status"], c["reason"]) for c in report["claims"]}
    assert statuses[("api", "SL814")][0] == "verified"  # the same plain manifest alone proves them
    assert statuses[("api", "SL815")][0] == "verified"
    chart = ("unverified", "the Helm chart of services/web/chart/Chart.yaml was not rendered")
    assert statuses[("web", "SL814")] == chart
    assert statuses[("web", "SL815")] == chart
    only = ("unverified", "the Helm chart of charts/tpl/Chart.yaml was not rendered")
    assert statuses[("tpl", "SL814")] == only
    assert statuses[("tpl", "SL815")] == only
