"""Build shiftleft/schema/manifest.schema.json: `python scripts/gen_schema.py`.

Writing the schema as Python keeps the repeated shapes (duration, date,
percentage, path, x- extension keys) in one place. `tests/unit/test_docs_manifest.py`
fails when the committed JSON is out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from shiftleft.vocabulary import STRATEGIES

OUT = Path(__file__).resolve().parent.parent / "shiftleft" / "schema" / "manifest.schema.json"

DURATION = {"$ref": "#/definitions/duration"}
SECRET_STORES = [
    "vault", "kms", "cloud-secret-manager", "aws-secrets-manager", "aws-ssm-parameter-store",
    "gcp-secret-manager", "azure-key-vault", "doppler", "1password", "cyberark", "infisical",
    "external-secrets", "sealed-secrets", "sops", "kubernetes", "environment", "none",
]  # fmt: skip
"""`security.secrets`: the stores teams use, closed so a typo is still an error."""
DATE = {"$ref": "#/definitions/date"}
PERCENT = {"$ref": "#/definitions/percent"}
PATH = {"$ref": "#/definitions/path"}
NAME = {"$ref": "#/definitions/name"}
TEXT = {"type": "string", "minLength": 1}
BOOL = {"type": "boolean"}


FALLBACK_KINDS = [
    "cache",
    "queue",
    "degraded-mode",
    "alternate-supplier",
    "alternate-service",
    "manual-process",
    "static-content",
]


def obj(properties: dict[str, Any], *, required: tuple[str, ...] = (), doc: str = "") -> dict[str, Any]:
    """A closed object: unknown keys are errors, `x-` keys are free."""
    out: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "patternProperties": {"^x-": {}},
        "additionalProperties": False,
    }
    if required:
        out["required"] = list(required)
    if doc:
        out["description"] = doc
    return out


def doc(schema: dict[str, Any], text: str, example: Any = None) -> dict[str, Any]:
    out = dict(schema, description=text)
    if example is not None:
        out["examples"] = [example]
    return out


def strings(text: str, example: list[str]) -> dict[str, Any]:
    return {"type": "array", "items": TEXT, "description": text, "examples": [example]}


FALLBACK = {"$ref": "#/definitions/fallback"}

PEOPLE = obj(
    {
        "service_owner": doc(TEXT, "Accountable person or role for the service (ITIL service owner).", "jane.doe"),
        "process_owner": doc(
            TEXT, "Accountable owner of the incident and continuity process for this service.", "incident-lead"
        ),
        "process_manager": doc(
            TEXT, "Runs the incident and continuity process for the service day to day (ITIL).", "commerce-ops-lead"
        ),
        "incident_commander": doc(
            TEXT, "Role or rotation that leads the response to a major incident.", "commerce-incident-commander"
        ),
        "oncall": obj(
            {
                "rotation": doc(TEXT, "Paging rotation that answers for the service.", "checkout-primary"),
                "coverage": doc(
                    {"enum": ["24x7", "extended-hours", "business-hours", "best-effort"]},
                    "Hours the rotation answers pages.",
                    "24x7",
                ),
                "escalation": doc(TEXT, "Where an unanswered or growing incident escalates to.", "commerce-duty"),
            },
            doc="On-call arrangement.",
        ),
    },
    doc="People (ITIL roles): the first of the Four Ps.",
)

METADATA = obj(
    {
        "name": doc(NAME, "Service name: an RFC 1123 label, unique across the catalog.", "checkout"),
        "description": doc(TEXT, "One line on what the service does.", "Takes orders and charges cards"),
        "owner": doc(TEXT, "Accountable team.", "team-checkout"),
        "reviewed": doc(
            DATE,
            "When the service's design (this manifest) was last reviewed, e.g. by the architecture board.",
            "2026-10-15",
        ),
        "people": PEOPLE,
    },
    required=("name",),
    doc="Identity and people.",
)

SPEC = obj(
    {
        "tier": doc(
            {"type": "integer", "minimum": 0, "maximum": 99},
            "Continuity tier: a key into the tier policy, 0 is the most critical.",
            1,
        ),
        "lifecycle": doc(
            {"enum": ["experimental", "production", "deprecated"]},
            "Lifecycle stage of the service.",
            "production",
        ),
        "paths": obj(
            {
                "code": doc(
                    {"type": "array", "items": PATH}, "Source folders (Python code is scanned by bandit).", ["src"]
                ),
                "infrastructure": doc(
                    {"type": "array", "items": PATH},
                    "Terraform, CloudFormation, Kubernetes or Helm folders (scanned by checkov).",
                    ["infra"],
                ),
            },
            doc="What belongs to this service, relative to the manifest's folder.",
        ),
        "data": obj(
            {
                "classification": doc(
                    {"enum": ["public", "internal", "confidential", "restricted"]},
                    "Highest classification of data the service stores or processes.",
                    "confidential",
                ),
                "personal_data": doc(BOOL, "Whether the service processes personal data.", True),
                "stateless": doc(
                    BOOL,
                    "The service keeps no data of its own (its state lives in `state_in`): it needs no backups.",
                    False,
                ),
                "state_in": strings("Where a stateless service's state lives (services or stores).", ["orders-db"]),
            },
            doc="Data the service holds.",
        ),
        "compliance": obj(
            {
                "frameworks": doc(
                    {"type": "array", "items": {"$ref": "#/definitions/slug"}, "uniqueItems": True},
                    "Compliance frameworks in scope.",
                    ["pci-dss", "soc2", "gdpr"],
                ),
                "data_residency": doc(
                    {"type": "array", "items": {"$ref": "#/definitions/slug"}, "uniqueItems": True},
                    "Where the data may live (region or jurisdiction codes).",
                    ["eu"],
                ),
            },
            doc="Compliance scope.",
        ),
        "availability": obj(
            {
                "slo": doc(PERCENT, "Availability objective, percent over `window`.", 99.95),
                "window": doc(DURATION, "SLO window.", "30d"),
                "zones": doc({"type": "integer", "minimum": 1}, "Availability zones the service runs in.", 3),
                "regions": doc(
                    {"type": "array", "items": {"$ref": "#/definitions/slug"}, "uniqueItems": True},
                    "Regions the service runs in.",
                    ["europe-west1", "europe-west4"],
                ),
                "min_replicas": doc({"type": "integer", "minimum": 0}, "Minimum running replicas.", 3),
                "alerting": obj(
                    {
                        "sli": doc(TEXT, "The indicator the SLO is measured on.", "successful checkouts / attempts"),
                        "burn_rate": doc(BOOL, "Alerts fire on error-budget burn rate (multiwindow).", True),
                        "routes_to": doc(TEXT, "The on-call rotation the SLO alerts page.", "checkout-primary"),
                    },
                    doc="How the SLO is measured and alerted on.",
                ),
                "capacity_test": obj(
                    {
                        "date": doc(DATE, "Date of the last load or capacity test.", "2026-06-01"),
                        "result": doc({"enum": ["pass", "partial", "fail"]}, "Outcome of the test.", "pass"),
                    },
                    doc="Last load or capacity test.",
                ),
            },
            doc="Availability targets and topology.",
        ),
        "continuity": obj(
            {
                "rto": doc(DURATION, "Recovery time objective.", "1h"),
                "rpo": doc(DURATION, "Recovery point objective.", "5m"),
                "strategy": doc(
                    {"enum": list(STRATEGIES)},
                    "Disaster-recovery strategy (AWS DR whitepaper terms).",
                    "warm-standby",
                ),
                "plan": doc(PATH, "Disaster-recovery plan, a file in the repository.", "docs/dr-plan.md"),
                "degraded_mode": doc(
                    TEXT,
                    "What the service still does when degraded (minimum business continuity objective).",
                    "read-only catalogue, orders queued",
                ),
                "bia": obj(
                    {
                        "ref": doc(PATH, "Business impact analysis document.", "docs/bia.md"),
                        "mtd": doc(DURATION, "Maximum tolerable downtime the BIA found (above the RTO).", "8h"),
                    },
                    doc="Business impact analysis (ISO 22301 8.2.2): where the RTO comes from.",
                ),
                "game_day": doc(
                    DATE, "Date of the last game day (failure injected, responders not told).", "2026-05-01"
                ),
                "last_test": obj(
                    {
                        "date": doc(DATE, "Date of the last DR test.", "2026-09-14"),
                        "result": doc({"enum": ["pass", "partial", "fail"]}, "Outcome of the last DR test.", "pass"),
                        "measured_rto": doc(DURATION, "Recovery time measured in the test.", "40m"),
                        "measured_rpo": doc(DURATION, "Data loss measured in the test.", "2m"),
                    },
                    doc="Last disaster-recovery test.",
                ),
                "backups": obj(
                    {
                        "frequency": doc(DURATION, "Interval between backups (or PITR granularity).", "5m"),
                        "retention": doc(DURATION, "How long backups are kept.", "35d"),
                        "offsite": doc(BOOL, "A copy is kept in another region or account.", True),
                        "immutable": doc(BOOL, "Backups cannot be altered or deleted before expiry.", True),
                        "encrypted": doc(BOOL, "Backups are encrypted.", True),
                        "last_restore_test": doc(DATE, "Date of the last successful restore test.", "2026-10-01"),
                        "last_restore_duration": doc(DURATION, "How long the last restore test took.", "40m"),
                        "restore_verified": doc(BOOL, "The restored data was verified in the last restore test.", True),
                    },
                    doc="Backups.",
                ),
            },
            doc="Continuity targets, strategy and tests.",
        ),
        "incident": obj(
            {
                "runbook": doc(PATH, "Operational runbook, a file in the repository.", "docs/runbook.md"),
                "thresholds": obj(
                    {
                        "major": obj(
                            {
                                "error_rate": doc(PERCENT, "Error rate that makes an incident major.", "5%"),
                                "latency_p99": doc(DURATION, "p99 latency that makes an incident major.", "2s"),
                                "duration": doc(DURATION, "How long a breach lasts before it is major.", "10m"),
                                "users_affected": doc(
                                    PERCENT, "Share of users affected that makes an incident major.", "10%"
                                ),
                            },
                            doc="Major-incident triggers; any one triggers the level.",
                        ),
                        "disaster": obj(
                            {
                                "outage": doc(DURATION, "Outage length that invokes disaster recovery.", "30m"),
                                "region_loss": doc(BOOL, "Loss of a region invokes disaster recovery.", True),
                                "data_corruption": doc(BOOL, "Data corruption invokes disaster recovery.", True),
                            },
                            doc="Disaster-invocation triggers; any one triggers the level.",
                        ),
                    },
                    doc="Predefined triggers (ITIL): the line between incident, major incident and disaster.",
                ),
                "invocation_authority": doc(TEXT, "Who declares a disaster.", "vp-commerce"),
                "communication": obj(
                    {
                        "plan": doc(PATH, "Major-incident communication plan.", "docs/communication-plan.md"),
                        "stakeholders": strings("Who is told during a major incident.", ["support", "status-page"]),
                    },
                    doc="Major-incident communication (ITIL: engage stakeholders).",
                ),
                "post_incident": obj(
                    {
                        "open_actions": doc({"type": "integer", "minimum": 0}, "Open post-incident review actions.", 3),
                        "overdue_actions": doc(
                            {"type": "integer", "minimum": 0}, "Post-incident review actions past their date.", 0
                        ),
                    },
                    doc="Post-incident review follow-up.",
                ),
            },
            doc="Incident process (the second of the Four Ps).",
        ),
        "security": obj(
            {
                "internet_facing": doc(BOOL, "Reachable from the internet.", True),
                "encryption": obj(
                    {
                        "at_rest": doc(BOOL, "Data encrypted at rest.", True),
                        "in_transit": doc(BOOL, "Data encrypted in transit.", True),
                        "min_tls": doc(
                            {"enum": ["1.0", "1.1", "1.2", "1.3"]},
                            "Lowest TLS version accepted (a quoted string).",
                            "1.2",
                        ),
                    },
                    doc="Encryption.",
                ),
                "key_rotation": doc(DURATION, "Longest time an encryption key is used before rotation.", "365d"),
                "audit_log_retention": doc(DURATION, "How long audit logs are kept.", "365d"),
                "authentication": doc(
                    {"enum": ["none", "api-key", "basic", "oidc", "oauth2", "saml", "mtls", "iam"]},
                    "How callers authenticate.",
                    "oidc",
                ),
                "secrets": doc(
                    {"enum": SECRET_STORES},
                    "Where secrets are kept: a secrets manager (vault, a cloud vendor's manager, kms), a tool that "
                    "syncs or encrypts them for Kubernetes (external-secrets, sealed-secrets, sops), plain "
                    "Kubernetes Secrets, environment configuration, or none.",
                    "vault",
                ),
                "threat_model": obj(
                    {
                        "ref": doc(PATH, "Threat model document.", "docs/threat-model.md"),
                        "reviewed": doc(DATE, "Date of the last review.", "2026-08-01"),
                    },
                    doc="Threat model.",
                ),
                "sdlc": obj(
                    {
                        "sast": doc(BOOL, "Static analysis gates merges.", True),
                        "dependency_scan": doc(BOOL, "Dependency (SCA) scanning gates merges.", True),
                        "code_review": doc(BOOL, "Every change is reviewed.", True),
                        "sbom": doc(BOOL, "A software bill of materials is produced.", True),
                    },
                    doc="Secure development gates.",
                ),
            },
            doc="Security posture.",
        ),
        "dependencies": doc(
            {
                "type": "array",
                "items": obj(
                    {
                        "service": doc(NAME, "Name of the service depended on.", "payment"),
                        "hard": doc(BOOL, "A hard dependency: this service fails when it fails.", True),
                        "fallback": doc(
                            FALLBACK,
                            "What happens when it is down (makes a soft dependency safe).",
                            "cached rates, 24h",
                        ),
                        "promise": obj(
                            {
                                "tier": doc({"type": "integer", "minimum": 0, "maximum": 99}, "Promised tier.", 1),
                                "slo": doc(PERCENT, "Promised availability, percent.", 99.95),
                                "rto": doc(DURATION, "Promised recovery time.", "1h"),
                                "rpo": doc(DURATION, "Promised recovery point.", "15m"),
                                "owner": doc(TEXT, "Team that made the promise.", "team-payments"),
                            },
                            doc="While the dependency has no manifest of its own: what its owner promises. "
                            "Dependency rules use it, marked unverified (SL721), and compare it with the "
                            "dependency's manifest once that exists (SL719).",
                        ),
                        "external": doc(
                            BOOL,
                            "A third party, not a service of the organisation: it is not looked up in the "
                            "catalog, and belongs under spec.suppliers with its SLA and exit plan (SL720).",
                            False,
                        ),
                    },
                    required=("service",),
                ),
            },
            "Internal services this service depends on (Products, the third P).",
        ),
        "suppliers": doc(
            {
                "type": "array",
                "items": obj(
                    {
                        "name": doc(NAME, "Supplier name.", "stripe"),
                        "function": doc(TEXT, "What the supplier provides.", "card payments"),
                        "hard": doc(BOOL, "A hard dependency on the supplier.", True),
                        "sla": obj(
                            {
                                "availability": doc(PERCENT, "Contracted availability.", 99.99),
                                "rto": doc(DURATION, "Contracted recovery time.", "1h"),
                                "rpo": doc(DURATION, "Contracted recovery point.", "15m"),
                            },
                            doc="Contracted service levels.",
                        ),
                        "exit_plan": obj(
                            {
                                "ref": doc(PATH, "Exit plan document.", "docs/suppliers/stripe-exit.md"),
                                "tested": doc(DATE, "Date the exit plan was last tested.", "2026-06-01"),
                            },
                            doc="Exit strategy.",
                        ),
                        "fallback": doc(
                            FALLBACK,
                            "Alternative when the supplier fails.",
                            {
                                "kind": "alternate-supplier",
                                "provides": "card payments through adyen",
                                "tested": "2026-05-01",
                            },
                        ),
                        "switch_time": doc(DURATION, "Time to switch to the fallback.", "30m"),
                        "assurance": obj(
                            {
                                "type": doc(
                                    TEXT, "Assurance evidence (soc2-type2, iso27001, pci-aoc, ...).", "pci-aoc"
                                ),
                                "date": doc(DATE, "Date of the evidence.", "2026-02-01"),
                            },
                            doc="Assurance evidence.",
                        ),
                        "data_locations": doc(
                            {"type": "array", "items": {"$ref": "#/definitions/slug"}, "uniqueItems": True},
                            "Where the supplier stores or processes our data.",
                            ["eu"],
                        ),
                    },
                    required=("name",),
                ),
            },
            "Third parties the service relies on (Partners, the fourth P).",
        ),
        "waivers": doc(
            {
                "type": "array",
                "items": obj(
                    {
                        "rule": doc({"type": "string", "pattern": "^[A-Z]{2,8}[0-9]{3}$"}, "Rule id waived.", "SL306"),
                        "path": doc(
                            TEXT, "Manifest path the waiver is limited to (optional).", "spec.continuity.last_test"
                        ),
                        "reason": doc(TEXT, "Why the risk is accepted.", "DR test moved after the DC migration"),
                        "approved_by": doc(TEXT, "Who accepted the risk.", "architecture-board"),
                        "ticket": doc(TEXT, "Risk or change ticket.", "RISK-142"),
                        "expires": doc(DATE, "Date the waiver stops applying.", "2027-01-31"),
                    },
                    required=("rule", "reason", "approved_by", "expires"),
                ),
            },
            "Inline waivers: accepted risks, each with an approver and an expiry.",
        ),
    },
    required=("tier",),
    doc="What the service declares.",
)

SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "https://shiftleft.dev/schemas/manifest-v1.json",
    "title": "shiftleft service manifest (shiftleft/v1)",
    "description": "A service's design manifest: tier, targets, thresholds, posture, people, dependencies and suppliers.",
    "type": "object",
    "properties": {
        "apiVersion": doc({"const": "shiftleft/v1"}, "Manifest format version.", "shiftleft/v1"),
        "kind": doc({"const": "Service"}, "Manifest kind.", "Service"),
        "metadata": METADATA,
        "spec": SPEC,
    },
    "patternProperties": {"^x-": {}},
    "additionalProperties": False,
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "definitions": {
        "duration": {
            "type": "string",
            "pattern": "^([0-9]+(ms|[smhdw]))+$",
            "description": "A duration: one or more <number><unit> groups, each unit once and the largest first, units ms s m h d w (250ms, 30s, 15m, 4h, 1h30m, 30d, 2w).",
        },
        "date": {
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "An ISO date, YYYY-MM-DD.",
        },
        "percent": {
            "oneOf": [
                {"type": "number", "minimum": 0, "maximum": 100},
                {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?%$"},
            ],
            "description": "A percentage: a number (99.95) or a string with a percent sign (5%).",
        },
        "path": {
            "type": "string",
            "minLength": 1,
            "description": "A path relative to the manifest's folder; it must stay inside the repository.",
        },
        "name": {
            "type": "string",
            "pattern": "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
            "description": "An RFC 1123 label: lower-case letters, digits and '-', at most 63 characters.",
        },
        "fallback": {
            "oneOf": [
                {"type": "string", "minLength": 1},
                obj(
                    {
                        "kind": doc({"enum": FALLBACK_KINDS}, "What kind of fallback it is.", "cache"),
                        "provides": doc(TEXT, "What still works while it is in use.", "prices from the last 24h"),
                        "holds": doc(DURATION, "How long the fallback holds.", "24h"),
                        "tested": doc(DATE, "When the fallback was last tested.", "2026-10-01"),
                    },
                    required=("kind", "provides"),
                ),
            ],
            "description": (
                "A fallback: a structured one ({kind, provides, holds, tested}) or one line of text; "
                "a placeholder such as none, n/a, TBD or - is not a fallback."
            ),
        },
        "slug": {
            "type": "string",
            "pattern": "^[A-Za-z0-9][-A-Za-z0-9_.]*$",
            "description": "An identifier such as a framework, region or jurisdiction code.",
        },
    },
}


def render() -> str:
    return json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        raise SystemExit(0 if OUT.read_text(encoding="utf-8") == render() else 1)
    OUT.write_text(render(), encoding="utf-8")
