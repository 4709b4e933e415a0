"""Custom checkov policies shipped with shiftleft, for claims checkov has no built-in check for.

checkov's own YAML policy language does the judging (no IaC parsing here):
shiftleft only writes one policy file per distinct threshold of the run into
a fresh folder of its own and passes that folder as `--external-checks-dir`
(checkov runs Python found there, so it is never a folder of the checkout).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

_TEMPLATES = {
    "min-replicas": (
        "CKV2_SLREPLICAS_{value}",
        """\
metadata:
  id: CKV2_SLREPLICAS_{value}
  name: Deployments and StatefulSets run at least {value} replicas (absent means 1)
  category: GENERAL_SECURITY
definition:
  cond_type: attribute
  resource_types: [Deployment, StatefulSet]
  attribute: spec.replicas
  operator: greater_than_or_equal
  value: {value}
""",
    ),
}


def check_id(policy: str, value: int) -> str:
    """The checkov id of `policy` instantiated with `value`."""
    return _TEMPLATES[policy][0].format(value=value)


def write(folder: str, wanted: Iterable[tuple[str, int]]) -> list[str]:
    """Write one policy file per (policy, value) into `folder`; returns their check ids."""
    ids = []
    for policy, value in sorted(set(wanted)):
        ident, text = _TEMPLATES[policy]
        name = ident.format(value=value)
        with open(os.path.join(folder, f"{name}.yaml"), "w", encoding="utf-8") as fh:
            fh.write(text.format(value=value))
        ids.append(name)
    return ids


def source(policy: str, value: int) -> str:
    """The policy text, for the cache key (a changed template must not reuse old results)."""
    return _TEMPLATES[policy][1].format(value=value)
