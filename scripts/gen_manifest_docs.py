"""Build docs/manifest.md: `python scripts/gen_manifest_docs.py` (`--check`: exit 1 if out of date).

The reference tables come from the manifest JSON Schema
(shiftleft/schema/manifest.schema.json, itself built by scripts/gen_schema.py)
and the tier table from the shipped tier policy (rules/tiers.yaml), so the
page cannot drift from what shiftleft enforces. The prose around them lives
here. `tests/unit/test_docs_manifest.py` fails when docs/manifest.md is stale and
validates the example manifests in it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "shiftleft" / "schema" / "manifest.schema.json"
TIERS = ROOT / "rules" / "tiers.yaml"
OUT = ROOT / "docs" / "manifest.md"

EXAMPLE_HEADING = "## A complete example"
MINIMAL_HEADING = "## The smallest valid manifest"

MINIMAL = """\
apiVersion: shiftleft/v1
kind: Service
metadata:
  name: checkout
spec:
  tier: 1
"""

EXAMPLE = """\
apiVersion: shiftleft/v1
kind: Service
metadata:
  name: checkout                # RFC 1123 label, unique across the catalog
  description: Takes orders and charges cards
  owner: team-checkout          # accountable team
  reviewed: 2026-10-15         # last architecture review of this design
  people:                       # People, the first of the Four Ps (ITIL roles)
    service_owner: jane.doe     # accountable person or role
    process_owner: incident-lead
    process_manager: commerce-ops-lead
    incident_commander: commerce-incident-commander
    oncall: {rotation: checkout-primary, coverage: 24x7, escalation: commerce-duty}
spec:
  tier: 1                       # key into the tier policy, 0 = most critical
  lifecycle: production         # experimental | production | deprecated
  paths:                        # what belongs to this service (scoping + evidence)
    code: [src]
    infrastructure: [infra]     # Terraform / CloudFormation / Kubernetes / Helm
  data:
    classification: confidential  # public | internal | confidential | restricted
    personal_data: true
    stateless: false            # true: it keeps no data of its own and needs no backups
    state_in: [checkout-db]     # where its state lives
  compliance:
    frameworks: [pci-dss, soc2, gdpr]
    data_residency: [eu]
  availability:
    slo: 99.95                  # percent over `window`
    window: 30d
    zones: 3
    regions: [europe-west1, europe-west4]
    min_replicas: 3
    alerting: {sli: successful checkouts / attempts, burn_rate: true, routes_to: checkout-primary}
    capacity_test: {date: 2026-06-01, result: pass}
  continuity:
    rto: 1h                     # durations: 30s 15m 4h 1h30m 30d 2w
    rpo: 5m
    strategy: warm-standby      # backup-restore | pilot-light | warm-standby | active-active
    plan: docs/dr-plan.md       # relative to this file's folder; must exist
    degraded_mode: read-only catalogue, orders queued
    bia: {ref: docs/bia.md, mtd: 8h}  # business impact analysis; maximum tolerable downtime
    game_day: 2026-05-01        # last failure-injection exercise
    last_test: {date: 2026-09-14, result: pass, measured_rto: 40m, measured_rpo: 2m}
    backups: {frequency: 5m, retention: 35d, offsite: true, immutable: true,
              encrypted: true, last_restore_test: 2026-10-01, last_restore_duration: 40m,
              restore_verified: true}
  incident:                     # Process, the second P
    runbook: docs/runbook.md
    thresholds:                 # predefined triggers (ITIL): any one triggers the level
      major: {error_rate: 5%, latency_p99: 2s, duration: 10m, users_affected: 10%}
      disaster: {outage: 30m, region_loss: true, data_corruption: true}
    invocation_authority: vp-commerce   # who declares a disaster
    communication: {plan: docs/communication-plan.md, stakeholders: [support, status-page]}
    post_incident: {open_actions: 3, overdue_actions: 0}
  security:
    internet_facing: true
    encryption: {at_rest: true, in_transit: true, min_tls: "1.2"}  # quoted: unquoted 1.2 is a number
    authentication: oidc
    secrets: vault
    key_rotation: 365d
    audit_log_retention: 365d
    threat_model: {ref: docs/threat-model.md, reviewed: 2026-08-01}
    sdlc: {sast: true, dependency_scan: true, code_review: true, sbom: true}
  dependencies:                 # Products, the third P (internal services)
    - {service: payment, hard: true}
    - {service: currency, hard: false, fallback: "cached rates, 24h"}  # quoted: it holds a comma
    - service: ledger           # not onboarded yet: judged on what its owner promises
      hard: true
      promise: {tier: 1, slo: 99.99, rto: 30m, rpo: 5m, owner: team-ledger}
    - {service: stripe, hard: true, external: true}  # a third party: declared under suppliers
  suppliers:                    # Partners, the fourth P
    - name: stripe
      function: card payments
      hard: true
      sla: {availability: 99.99, rto: 1h, rpo: 15m}
      exit_plan: {ref: docs/suppliers/stripe-exit.md, tested: 2026-06-01}
      fallback: {kind: alternate-supplier, provides: card payments through adyen, holds: 72h, tested: 2026-05-01}
      switch_time: 30m
      assurance: {type: pci-aoc, date: 2026-02-01}
      data_locations: [eu]
  waivers:                      # accepted risks, each with an approver and an expiry
    - {rule: SL306, path: spec.continuity.last_test, reason: DR test moved after the DC migration,
       approved_by: architecture-board, ticket: RISK-142, expires: 2027-01-31}
x-cost-centre: CC-4711          # x- keys are yours: shiftleft ignores them
"""

INTRO = """\
# The service manifest: `shiftleft.yaml`

A manifest is a service's design written down next to its code: its
continuity tier, availability targets, recovery objectives, incident
thresholds, security posture, compliance scope, people, dependencies and
suppliers. `shiftleft check` compares what the manifest declares with your
organisation's tier policy and rules (and, with evidence scanning on, with
the Terraform, Kubernetes and Python code the manifest points at) before a
change merges, so a gap is found in review instead of in an outage or an
audit.

This page is the reference for format `apiVersion: shiftleft/v1`.

## Where it lives

- **One `shiftleft.yaml` per service, in the service's folder.** shiftleft
  finds every file that matches `**/shiftleft.yaml`; change that with
  `manifests = [...]` under `[tool.shiftleft]` in `pyproject.toml` or in
  `.shiftleft.toml`.
- **Paths are relative to the manifest's folder** (`spec.paths`,
  `spec.continuity.plan`, `spec.incident.runbook`, ...). `..` is fine as long
  as the resolved path stays inside the repository (the git work tree that
  holds the manifest, or the checked folder outside git), so a service can
  point at a shared `../kubernetes-manifests`. Absolute paths, `~` and
  symlinks that lead outside the repository are rejected.
- **Unknown keys are errors**, with a "did you mean" hint, so a typo such as
  `rot: 1h` cannot pass silently. **Keys that start with `x-` are free** in
  every mapping, at every level, for your organisation's own data;
  shiftleft ignores them.
- The schema requires only `apiVersion`, `kind`, `metadata.name` and
  `spec.tier`; every other section is optional. Add what you know and
  refine it as the service matures: the policy rules check each value you
  declare against your tier.

## Editor support

The JSON Schema ships with shiftleft. Write it to a file once (and again
after upgrading shiftleft):

```sh
shiftleft schema > shiftleft.schema.json
```

Then point each manifest at it with a modeline on its first line, relative to
the manifest's folder, and an editor with the YAML language server (VS Code
with the Red Hat YAML extension, Neovim, JetBrains IDEs, ...) completes keys,
shows each field's meaning and underlines mistakes as you type:

```yaml
# yaml-language-server: $schema=../shiftleft.schema.json
apiVersion: shiftleft/v1
```

Or map the schema to every manifest at once in `.vscode/settings.json`:
`"yaml.schemas": {"./shiftleft.schema.json": "**/shiftleft.yaml"}`.
"""

TRAPS = """\
### YAML traps that are rejected

shiftleft reads YAML the YAML 1.2 way, and the values that YAML 1.1 tools
silently turn into something else are errors that name the line and the
fix, never a wrong value. **When in doubt, put text in quotes.**

| you wrote | a YAML 1.1 tool reads | write instead |
|---|---|---|
| `yes` `no` `on` `off`, any case | a boolean: `NO` (Norway) is `false` | `true`/`false`, or `"no"` for text |
| `1:30` | the base-60 number 90 | a duration such as `1h30m`, or `"1:30"` for text |
| `010` | the octal number 8 | `10` for a number, or `"010"` for text |

Also worth knowing:

- A value that looks like a number is a number: `min_tls: 1.2` is rejected,
  because the field is text; write `min_tls: "1.2"`.
- Inside a flow mapping `{...}` or list `[...]` a comma ends the value:
  write `{service: currency, fallback: "cached rates, 24h"}`. On its own line
  (`fallback: cached rates, 24h`) no quotes are needed.
- A key may appear once per mapping (a duplicate names both lines); one
  YAML document per file; no tags (`!!str`) and no merge keys (`<<`).
  Anchors and aliases work, within a size limit.
"""

# Human names for the shared value shapes in the schema's `definitions`.
_DEF_NAMES = {
    "duration": "duration",
    "date": "date",
    "percent": "percentage",
    "path": "path",
    "name": "name",
    "slug": "identifier",
    "fallback": "fallback",
}
_DEF_EXAMPLES = {
    "duration": "`30s` `15m` `4h` `1h30m` `30d` `2w`",
    "date": "`2026-09-14`",
    "percent": '`99.95` `5%` `"5%"`',
    "path": "`docs/dr-plan.md` `../kubernetes-manifests`",
    "name": "`checkout`",
    "slug": "`pci-dss` `europe-west1`",
    "fallback": "`{kind: cache, provides: prices up to 24h old, holds: 24h, tested: 2026-10-01}` `cached rates, 24h`",
}
_DEF_NOTES = {
    "duration": "No spaces, fractions, months or years: `1.5h` is `1h30m`, `1.5s` is `1500ms`, 6 months is `183d`.",
    "date": "A real calendar day; quotes are optional.",
    "percent": "Numbers are 0 to 100; quotes around `5%` are optional.",
    "path": "Absolute paths and `~` are rejected.",
    "name": "Starts and ends with a letter or digit.",
    "slug": "Starts with a letter or digit.",
    "fallback": (
        "A mapping needs `kind` (cache, queue, degraded-mode, alternate-supplier, alternate-service, "
        "manual-process or static-content) and `provides`. A placeholder (`none`, `n/a`, `TBD`, `todo`, `-`) "
        "is not a fallback (SL716, SL717)."
    ),
}

# What each tier-policy column is compared with (DESIGN.md section 3).
_TIER_COLUMNS = {
    "name": ("name", ""),
    "slo_floor": ("SLO floor", "The lowest `spec.availability.slo` allowed, in percent."),
    "max_rto": ("max RTO", "The longest `spec.continuity.rto` allowed."),
    "max_rpo": ("max RPO", "The longest `spec.continuity.rpo` allowed."),
    "min_strategy": (
        "min strategy",
        "The cheapest `spec.continuity.strategy` allowed, in the order "
        "`backup-restore` < `pilot-light` < `warm-standby` < `active-active`.",
    ),
    "min_zones": ("min zones", "The fewest `spec.availability.zones` allowed."),
    "min_regions": ("min regions", "The fewest entries in `spec.availability.regions` allowed."),
    "offsite_backup": ("offsite backup", "Whether `spec.continuity.backups.offsite` must be `true`."),
    "dr_test_every": (
        "DR test every",
        "The longest time allowed since `spec.continuity.last_test.date`.",
    ),
    "restore_test_every": (
        "restore test every",
        "The longest time allowed since `spec.continuity.backups.last_restore_test`.",
    ),
    "min_replicas": ("min replicas", "The fewest `spec.availability.min_replicas` allowed (SL206)."),
    "oncall_coverage": (
        "on-call coverage",
        "The `metadata.people.oncall.coverage` values allowed (SL105); `business-hours` also needs an RTO of 64h "
        "or more, the longest weekend gap.",
    ),
    "backups_encrypted": ("encrypted backups", "Whether `spec.continuity.backups.encrypted` must be `true` (SL317)."),
    "backups_immutable": ("immutable backups", "Whether `spec.continuity.backups.immutable` must be `true` (SL318)."),
    "backup_retention": ("backup retention", "The shortest `spec.continuity.backups.retention` allowed (SL315)."),
    "sbom": ("SBOM", "Whether `spec.security.sdlc.sbom` must be `true` (SL511)."),
    "health_probes": (
        "Health probes",
        "Whether the service's Kubernetes workloads need liveness and readiness probes (SL815, evidence).",
    ),
    "extra_nine": ("extra nine", "Whether blocking dependencies must offer one more nine than the service (SL705)."),
    "supplier_sla": ("supplier SLA", "Whether every supplier must declare `sla.availability` (SL710)."),
    "supplier_exit_plan": (
        "supplier exit plan",
        "Whether suppliers need a tested exit plan (SL711; a soft supplier with a real fallback is exempt).",
    ),
    "supplier_fallback": ("supplier fallback", "Whether hard suppliers need a fallback within the RTO (SL712)."),
    "supplier_assurance": (
        "supplier assurance",
        "Whether suppliers need assurance evidence of the last 12 months (SL713).",
    ),
    "requires_severity": ("required severity", "The severity of a missing required path (SL014)."),
}


# --- walking the schema -------------------------------------------------------


def resolve(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The node with a `$ref` to `#/definitions/...` merged under its own keys."""
    ref = node.get("$ref")
    if not ref:
        return node
    target: Any = schema
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    merged = dict(target)
    merged.update({k: v for k, v in node.items() if k != "$ref"})
    return merged


def _ref_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def is_object(node: dict[str, Any]) -> bool:
    return node.get("type") == "object" or "properties" in node


def sections(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every mapping in the schema, depth first, with its dotted path ("" for the document)."""

    def walk(path: str, node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        yield path, node
        for key, child in node.get("properties", {}).items():
            child = resolve(child, schema)
            child_path = f"{path}.{key}" if path else key
            if is_object(child):
                yield from walk(child_path, child)
            elif child.get("type") == "array":
                items = resolve(child.get("items", {}), schema)
                if is_object(items):
                    yield from walk(f"{child_path}[]", items)

    yield from walk("", schema)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _heading(path: str) -> str:
    return f"`{path}`" if path else "Top level"


def _link(path: str) -> str:
    return f"[`{path}`](#{slug(_heading(path))})"


# --- rendering values ---------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9 _./%@+()-]*\Z")
_NUMBERISH = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?\Z|[-+]?0[xob][0-9a-fA-F_]+\Z"
)
_SPECIAL_WORDS = frozenset(
    ("true", "false", "null", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf", ".nan")
)


def yaml_inline(value: Any) -> str:
    """A value as it would be written in a manifest, on one line (flow style)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        plain = (
            _PLAIN.match(value)
            and not value.endswith(" ")
            and not _NUMBERISH.match(value)
            and value.lower() not in _SPECIAL_WORDS
        )
        return value if plain else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_inline(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot render {value!r}")


def _cell(text: str) -> str:
    """Text for a table cell: pipes escaped, and `<` `>` outside code spans kept as text, not HTML."""
    parts = text.replace("\n", " ").split("`")
    for i in range(0, len(parts), 2):  # even parts are outside code spans
        parts[i] = parts[i].replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts).replace("|", "\\|")


def _code(text: str) -> str:
    return f"`{text}`"


def type_name(node: dict[str, Any], schema: dict[str, Any], path: str, *, plural: bool = False) -> str:
    """A reader's name for a schema node's type: `duration`, `one of a / b`, `list of paths`, ..."""
    ref = _ref_name(node)
    if ref in _DEF_NAMES:
        name = _DEF_NAMES[ref]
        return name + "s" if plural else name
    node = resolve(node, schema)
    if "const" in node:
        return f"always {_code(yaml_inline(node['const']))}"
    if "enum" in node:
        return "one of " + " / ".join(_code(yaml_inline(v)) for v in node["enum"])
    kind = node.get("type")
    if is_object(node):
        return ("mappings" if plural else "mapping") + f", see {_link(path)}"
    if kind == "array":
        items = node.get("items", {})
        item_path = f"{path}[]"
        text = "list of " + type_name(items, schema, item_path, plural=True)
        if node.get("uniqueItems"):
            text += ", no repeats"
        return text
    if kind == "integer":
        low, high = node.get("minimum"), node.get("maximum")
        name = "integers" if plural else "integer"
        if low is not None and high is not None:
            return f"{name}, {low} to {high}"
        if low is not None:
            return f"{name}, at least {low}"
        if high is not None:
            return f"{name}, at most {high}"
        return name
    if kind == "boolean":
        return "booleans" if plural else "boolean"
    if kind == "string":
        name = "strings" if plural else "string"
        if "pattern" in node:
            return f"{name} matching {_code(node['pattern'])}"
        return name
    if isinstance(kind, str):
        return kind
    raise ValueError(f"{path}: no reader's name for schema node {node!r}")


# --- the page -----------------------------------------------------------------


def render_value_forms(schema: dict[str, Any]) -> str:
    lines = [
        "## Value forms",
        "",
        "Values are typed strictly. Besides text (`string`), whole numbers",
        "(`integer`), `true`/`false` (`boolean`) and fixed choices",
        "(`one of ...`), the reference tables use these shapes:",
        "",
        "| type | what to write | examples | note |",
        "|---|---|---|---|",
    ]
    for key, name in _DEF_NAMES.items():
        definition = schema["definitions"][key]
        lines.append(
            f"| {name} | {_cell(definition['description'])} | {_cell(_DEF_EXAMPLES[key])} | {_cell(_DEF_NOTES[key])} |"
        )
    return "\n".join(lines) + "\n"


def render_reference(schema: dict[str, Any]) -> str:
    all_sections = list(sections(schema))
    lines = [
        "## Reference",
        "",
        "One table per mapping, in the order of the example. *Required* means",
        "required whenever the mapping that holds the field is present; for a",
        "list (`[]`) it applies to each item. Every mapping also accepts",
        "`x-` keys.",
        "",
    ]
    for path, _ in all_sections:
        depth = path.count(".")
        lines.append("  " * depth + "- " + (_link(path) if path else "[top level](#top-level)"))
    lines.append("")
    for path, node in all_sections:
        lines.append(f"### {_heading(path)}")
        lines.append("")
        about = node.get("description")
        if path.endswith("[]"):
            parent = _parent_array(schema, path)
            about = f"{parent.get('description', '')} A list; each item is a mapping with these fields."
            about = about.strip()
        if about:
            lines += [about, ""]
        required = set(node.get("required", ()))
        lines.append("| field | type | required | meaning | example |")
        lines.append("|---|---|---|---|---|")
        for key, child in node.get("properties", {}).items():
            child_path = f"{path}.{key}" if path else key
            resolved = resolve(child, schema)
            examples = child.get("examples") or resolved.get("examples") or []
            example = _code(yaml_inline(examples[0])) if examples else ""
            meaning = child.get("description") or resolved.get("description") or ""
            cells = [
                _code(child_path),
                type_name(child, schema, child_path),
                "yes" if key in required else "no",
                meaning,
                example,
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _parent_array(schema: dict[str, Any], item_path: str) -> dict[str, Any]:
    node: dict[str, Any] = schema
    for step in item_path[:-2].split("."):
        step = step.removesuffix("[]")
        node = resolve(node["properties"][step], schema)
    return node


def _show_tier_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key.endswith("_every") and isinstance(value, str) and re.fullmatch(r"[0-9]+d", value):
        days = int(value[:-1])
        months = round(days / 30.44)
        if days >= 28 and months:
            return f"{value} (~{months} month{'s' if months != 1 else ''})"
    return str(value)


def render_tiers(tiers: dict[str, Any]) -> str:
    rows: dict[Any, dict[str, Any]] = tiers["tiers"]
    keys = list(_TIER_COLUMNS)
    for row in rows.values():
        keys += [k for k in row if k not in keys and k != "requires"]
    lines = [
        "## Tier policy",
        "",
        "`spec.tier` selects one row of the organisation's tier policy, and the",
        "rules hold the manifest to that row. These are the defaults shipped in",
        "`rules/tiers.yaml`, drawn from public practice (AWS DR strategies and",
        "Resilience Hub tiers, Google SRE, DORA, enterprise tier tables). An",
        'organisation replaces them with `tiers = "path/to/tiers.yaml"` under',
        "`[tool.shiftleft]` (a path inside the repository, relative to the",
        "configuration file); `shiftleft config` shows which table is in effect.",
        "A `spec.tier` that is not in the table is an error.",
        "",
        "| tier | " + " | ".join(_TIER_COLUMNS.get(k, (k, ""))[0] for k in keys) + " |",
        "|---|" + "---|" * len(keys),
    ]
    for number in sorted(rows, key=int):
        row = rows[number]
        cells = [_show_tier_value(k, row[k]) if k in row else "" for k in keys]
        lines.append(f"| {number} | " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", "What each column holds the manifest to:", ""]
    for key in keys:
        label, meaning = _TIER_COLUMNS.get(key, (key, ""))
        if meaning:
            lines.append(f"- **{label}** (`{key}`): {meaning}")
    return "\n".join(lines) + "\n" + render_required(rows)


def render_required(rows: dict[Any, dict[str, Any]]) -> str:
    """Which paths each tier requires (`requires`); every other field is optional for that tier."""
    numbers = sorted(rows, key=int)
    paths: list[str] = []
    unless: dict[str, str] = {}
    for number in numbers:
        for entry in rows[number].get("requires", []):
            path = entry["path"] if isinstance(entry, dict) else entry
            if isinstance(entry, dict) and entry.get("unless"):
                unless[path] = entry["unless"]
            if path not in paths:
                paths.append(path)
    lines = [
        "",
        "### Required per tier",
        "",
        "A service must declare what its tier requires (`requires` in the tier",
        "policy); each path missing is a finding at its closest declared parent,",
        "with the tier's severity (SL014, or the named rule that claims the path).",
        "Every field not marked for a tier is optional for that tier.",
        "",
        "| path | " + " | ".join(f"tier {n}" for n in numbers) + " |",
        "|---|" + "---|" * len(numbers),
    ]
    for path in paths:
        marks = []
        for number in numbers:
            listed = [e["path"] if isinstance(e, dict) else e for e in rows[number].get("requires", [])]
            marks.append("yes" if path in listed else "")
        shown = f"`{path}`" + (f" (unless `{unless[path]}`)" if path in unless else "")
        lines.append(f"| {shown} | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"


def render(schema: dict[str, Any] | None = None, tiers: dict[str, Any] | None = None) -> str:
    if schema is None:
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    if tiers is None:
        tiers = yaml.safe_load(TIERS.read_text(encoding="utf-8"))
    notice = (
        "<!-- Generated by scripts/gen_manifest_docs.py from shiftleft/schema/manifest.schema.json\n"
        "     and rules/tiers.yaml. Do not edit: change the script or the schema and run\n"
        "     `python scripts/gen_manifest_docs.py`. -->\n"
    )
    parts = [
        notice,
        INTRO,
        render_value_forms(schema),
        TRAPS,
        MINIMAL_HEADING + "\n\n```yaml\n" + MINIMAL + "```\n",
        EXAMPLE_HEADING + "\n\nEvery field, at every level. The folders and files it names (`src`, `infra`,\n"
        "`docs/...`) are relative to the folder that holds this `shiftleft.yaml`.\n\n"
        "```yaml\n" + EXAMPLE + "```\n",
        render_reference(schema),
        render_tiers(tiers),
    ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args not in ([], ["--check"]):
        print("usage: python scripts/gen_manifest_docs.py [--check]", file=sys.stderr)
        return 2
    text = render()
    if args == ["--check"]:
        current = OUT.read_text(encoding="utf-8") if OUT.is_file() else ""
        if current != text:
            shown = OUT.relative_to(ROOT) if OUT.is_relative_to(ROOT) else OUT
            print(f"{shown} is out of date; run `python scripts/gen_manifest_docs.py`", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
