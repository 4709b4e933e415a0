"""`shiftleft init [DIR] --tier N`: scaffold a service's shiftleft.yaml from its tier.

The manifest declares every field of DESIGN.md section 2, with the targets
taken from the tier policy (SLO floor, RTO and RPO ceilings, minimum strategy,
zones, regions, offsite backups), so a team starts at the tier's bar instead of
at a blank page. What only the team can know is a placeholder that is valid
for the schema but never passes: names are `TODO-...` strings, dates are
1970-01-01 (every test-interval rule fails on them), documents point at
`docs/*.md` files that do not exist yet, and every claim pre-filled at the
tier's bar (backups immutable, SBOM, a DR test result...) carries a `# TODO`
note. Every placeholder line carries `TODO` and is a finding (SL015) until
it is filled in and the mark removed; `grep -n TODO shiftleft.yaml` lists them.

The `# yaml-language-server: $schema=` modeline points at
`shiftleft.schema.json` at the repository root, written there (from
`shiftleft schema`) when absent, so editors autocomplete and validate.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path

from shiftleft.discover import SKIP_DIRS, repo_root
from shiftleft.errors import UsageError
from shiftleft.manifest.values import format_seconds, parse_duration

MANIFEST = "shiftleft.yaml"
SCHEMA_FILE = "shiftleft.schema.json"
NAME = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\Z")
PLACEHOLDER_DATE = "1970-01-01"
_MAX_FILES = 20_000
"""Files looked at to infer `paths`; a service folder has far fewer."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR",
                        help="the service's folder (default: the current folder)")  # fmt: skip
    parser.add_argument("--tier", required=True, metavar="N",
                        help="the service's tier, a key of the tier policy (0 = most critical)")  # fmt: skip
    parser.add_argument("--name", metavar="NAME",
                        help="service name, an RFC 1123 label (default: the folder's name)")  # fmt: skip
    parser.add_argument("--config", metavar="FILE", help="configuration file whose tier policy to use")


def run(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    folder = (cwd / args.dir).absolute()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{args.dir}: not a directory")
    create = not folder.exists()
    manifest = folder / MANIFEST
    if manifest.exists() or manifest.is_symlink():
        raise UsageError(f"{_shown(manifest, cwd)} already exists; not overwriting it")
    name = args.name if args.name is not None else folder.resolve().name.lower()
    if not NAME.match(name):
        hint = "" if args.name is not None else " (the folder's name); choose one with --name"
        raise UsageError(
            f"service name {name!r}{hint} is not an RFC 1123 label: lower-case letters, digits and '-', "
            "starting and ending with a letter or digit, at most 63 characters"
        )
    row = _tier_row(args.tier, args.config, cwd, _existing(folder))
    if create:  # a new service's folder: made only once the name and the tier are known to be good
        try:
            folder.mkdir(parents=True)
        except OSError as e:
            raise UsageError(f"cannot create {args.dir}: {e.strerror or e}") from None
        print(f"created {_shown(folder, cwd)}/")
    root = repo_root(folder.resolve()) or folder.resolve()
    schema = root / SCHEMA_FILE
    wrote_schema = False
    if not schema.exists():
        from shiftleft.manifest.schema import schema_text

        _write(schema, schema_text(), cwd)
        wrote_schema = True
    modeline = Path(os.path.relpath(schema, folder.resolve())).as_posix()
    code, infra = infer_paths(folder)
    _write(manifest, render(name, row, modeline, code, infra), cwd)
    text = manifest.read_text(encoding="utf-8")
    todo = sum(1 for line in text.splitlines() if "TODO" in line and not line.startswith("#"))
    print(f"wrote {_shown(manifest, cwd)}: tier {row['number']} ({row['name']}), {todo} placeholders to fill "
          f"(grep -n TODO {_shown(manifest, cwd)})")  # fmt: skip
    if wrote_schema:
        print(f"wrote {_shown(schema, cwd)} for editor completion (refresh: shiftleft schema > {SCHEMA_FILE})")
    return 0


def _existing(folder: Path) -> Path:
    """The folder, or its nearest existing parent, where configuration is looked up from."""
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def _tier_row(text: str, config_file: str | None, cwd: Path, folder: Path) -> dict[str, object]:
    """The tier's row from the tier policy that applies to `folder` (an override in its configuration)."""
    from shiftleft.policy.catalog import shipped_folder
    from shiftleft.policy.tiers import load as load_tiers
    from shiftleft.setup import load_config

    config = load_config(config_file, cwd) if config_file is not None else load_config(None, folder)
    if config.tiers is not None:
        policy = load_tiers(config.tiers, str(config.tiers))
    else:
        shipped, shown = shipped_folder()
        policy = load_tiers(shipped / "tiers.yaml", f"{shown}/tiers.yaml")
    known = ", ".join(str(n) for n in sorted(policy.tiers))
    try:
        number = int(text)
    except ValueError:
        raise UsageError(f"--tier: {text!r} is not a tier number (the tier policy has {known})") from None
    tier = policy.get(number)
    if tier is None:
        raise UsageError(f"--tier: no tier {number} in the tier policy (it has {known})")
    return dict(tier.raw)


def infer_paths(folder: Path) -> tuple[list[str], list[str]]:
    """Top-level entries of `folder` holding Python code, and those holding infrastructure.

    Infrastructure is Terraform (`*.tf`, `*.tf.json`), CloudFormation
    (`AWSTemplateFormatVersion` or `AWS::` resource types), Kubernetes YAML
    (`apiVersion` and `kind` at the top level) and Helm charts (`Chart.yaml`).
    """
    code: set[str] = set()
    infra: set[str] = set()
    seen = 0
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        rel = Path(current).relative_to(folder)
        top = rel.parts[0] if rel.parts else None
        for file in sorted(files):
            seen += 1
            if seen > _MAX_FILES:
                break
            kind = _kind(Path(current) / file)
            if kind is None:
                continue
            entry = top if top is not None else (file if kind == "infrastructure" else ".")
            (code if kind == "code" else infra).add(entry)
    # A folder that is code at its top level is code as a whole.
    return (["."] if "." in code else sorted(code)), sorted(infra)


def _kind(path: Path) -> str | None:
    name = path.name
    if name.endswith(".py"):
        return "code"
    if name.endswith((".tf", ".tf.json")) or name == "Chart.yaml":
        return "infrastructure"
    if name == MANIFEST or not name.endswith((".yaml", ".yml", ".json", ".template")):
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(64 * 1024).decode("utf-8", errors="replace")
    except OSError:
        return None
    if "AWSTemplateFormatVersion" in head or re.search(r"""["']?Type["']?\s*:\s*["']?AWS::""", head):
        return "infrastructure"
    if re.search(r"(?m)^apiVersion\s*:\s*\S", head) and re.search(r"(?m)^kind\s*:\s*[A-Z]", head):
        return "infrastructure"
    return None


def render(name: str, row: dict[str, object], schema: str, code: list[str], infra: list[str]) -> str:
    """The manifest text for one tier row (as written in the tier policy)."""
    tier = int(str(row["number"]))
    rto = parse_duration(str(row["max_rto"]))
    rpo = parse_duration(str(row["max_rpo"]))
    # The incident ladder the rules expect: major well before disaster, disaster
    # invoked within half the RTO, and invocation plus recovery within the RTO.
    outage = max(rto // 2, 60)
    budget = int((100 - float(str(row["slo_floor"]))) / 100 * 30 * 86400)  # error budget over the 30d window
    major = min(600, max(outage // 2, 60), budget // 2)  # SL409: major before half of the budget is gone
    zones = int(str(row["min_zones"]))
    regions = "[" + ", ".join(f"TODO-region-{i + 1}" for i in range(int(str(row["min_regions"])))) + "]"
    # The thinnest coverage the tier allows that still answers within the RTO (SL105):
    # business-hours leaves a weekend (64h) unanswered; best-effort promises nothing.
    listed = [str(c) for c in row["oncall_coverage"]] if isinstance(row["oncall_coverage"], list) else []
    fits = [c for c in listed if c != "best-effort" and (c != "business-hours" or rto >= 64 * 3600)]
    coverage = fits[-1] if fits else (listed[0] if listed else "24x7")
    paths = _paths_block(code, infra)
    return f"""\
# yaml-language-server: $schema={schema}
# Scaffolded by `shiftleft init --tier {tier}`. Targets are the tier {tier} ({row["name"]}) bar from
# the tier policy; every line marked TODO is a placeholder that only the team can fill
# (`grep -n TODO shiftleft.yaml`). Placeholders are schema-valid but never true: names
# start with TODO-, dates are {PLACEHOLDER_DATE} (so the test-interval rules fail until the
# real dates are in), documents under docs/ are still to be written.
apiVersion: shiftleft/v1
kind: Service
metadata:
  name: {name}
  description: TODO-one-line-description-of-what-{name}-does  # TODO
  owner: TODO-team  # TODO: accountable team
  people:
    service_owner: TODO-service-owner  # TODO: accountable person or role
    process_owner: TODO-process-owner  # TODO: owner of the incident and continuity process
    process_manager: TODO-process-manager  # TODO: runs the process day to day
    incident_commander: TODO-incident-commander  # TODO: leads a major incident
    oncall: {{rotation: TODO-rotation, coverage: {coverage}, escalation: TODO-escalation}}  # TODO
spec:
  tier: {tier}
  lifecycle: production
{paths}  data:
    classification: internal  # TODO: confirm (public | internal | confidential | restricted)
    personal_data: false  # TODO: confirm
  compliance:
    frameworks: []  # TODO: frameworks in scope, e.g. [soc2, iso-27001, gdpr]
  availability:
    slo: {row["slo_floor"]}  # tier floor; raise it if the service promises more
    window: 30d
    zones: {zones}  # TODO: confirm the zones it really runs in
    regions: {regions}  # TODO: at least {row["min_regions"]}
    min_replicas: {max(zones, 2)}  # TODO: confirm
    alerting: {{sli: TODO-indicator, burn_rate: true, routes_to: TODO-rotation}}  # TODO: the SLO's indicator
    capacity_test: {{date: {PLACEHOLDER_DATE}, result: pass}}  # TODO: date of the last load test
  continuity:
    rto: {format_seconds(rto)}  # tier ceiling
    rpo: {format_seconds(rpo)}  # tier ceiling
    strategy: {row["min_strategy"]}  # tier minimum
    plan: docs/dr-plan.md  # TODO: write the DR plan
    degraded_mode: TODO-what-still-works-when-dependencies-fail  # TODO
    game_day: {PLACEHOLDER_DATE}  # TODO: date of the last game day
    last_test:
      date: {PLACEHOLDER_DATE}  # TODO: date of the last DR test
      result: pass  # TODO: the test's real result
      measured_rto: {format_seconds(rto - outage)}  # TODO: measured in the test
      measured_rpo: {format_seconds(rpo)}  # TODO: measured in the test
    backups:
      frequency: {format_seconds(rpo)}  # TODO: confirm
      retention: 35d  # TODO: confirm
      offsite: {_bool(row["offsite_backup"])}  # TODO: confirm
      immutable: true  # TODO: confirm
      encrypted: true  # TODO: confirm
      last_restore_test: {PLACEHOLDER_DATE}  # TODO: date of the last restore test
      last_restore_duration: {format_seconds(rto - outage)}  # TODO: measured in the restore test
      restore_verified: true  # TODO: confirm the restored data was checked
  incident:
    runbook: docs/runbook.md  # TODO: write the runbook
    thresholds:
      major: {{error_rate: 5%, latency_p99: 2s, duration: {format_seconds(major)}, users_affected: 10%}}
      disaster: {{outage: {format_seconds(outage)}, region_loss: true, data_corruption: true}}
    invocation_authority: TODO-who-declares-a-disaster  # TODO
    communication: {{plan: docs/communication-plan.md, stakeholders: [TODO-stakeholders]}}  # TODO: write it
  security:
    internet_facing: false  # TODO: confirm
    encryption: {{at_rest: true, in_transit: true, min_tls: "1.2"}}  # TODO: confirm
    authentication: oidc  # TODO: confirm
    secrets: vault  # TODO: confirm
    threat_model: {{ref: docs/threat-model.md, reviewed: {PLACEHOLDER_DATE}}}  # TODO: write and review it
    sdlc: {{sast: true, dependency_scan: true, code_review: true, sbom: true}}  # TODO: confirm each
  dependencies: []  # TODO: internal services, e.g. - {{service: payments, hard: true}}
  suppliers: []  # TODO: external suppliers with SLA and exit plan
"""


def _paths_block(code: list[str], infra: list[str]) -> str:
    if not code and not infra:
        return "  paths: {}  # TODO: code: [src], infrastructure: [infra]\n"
    lines = ["  paths:"]
    if code:
        lines.append(f"    code: [{', '.join(_scalar(p) for p in code)}]")
    if infra:
        lines.append(f"    infrastructure: [{', '.join(_scalar(p) for p in infra)}]")
    return "\n".join(lines) + "\n"


def _scalar(text: str) -> str:
    """A folder name as a YAML flow scalar: plain when safe, else double-quoted (JSON is valid YAML)."""
    return text if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_./-]*", text) else json.dumps(text)


def _bool(value: object) -> str:
    return "true" if value else "false"


def _shown(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def _write(path: Path, text: str, cwd: Path) -> None:
    try:
        with path.open("x", encoding="utf-8") as fh:  # "x": never overwrite, even in a race
            fh.write(text)
    except FileExistsError:
        raise UsageError(f"{_shown(path, cwd)} already exists; not overwriting it") from None
    except OSError as e:
        raise UsageError(f"cannot write {_shown(path, cwd)}: {e.strerror or e}") from None
