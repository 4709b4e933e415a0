"""Write a synthetic corpus of valid shiftleft manifests for benchmarks.

    python benchmarks/generate.py N OUTDIR [--seed S] [--fanout K]
                                           [--violation-rate R]

Creates OUTDIR/svc-00001/shiftleft.yaml ... OUTDIR/svc-NNNNN/shiftleft.yaml,
each 60-80 lines shaped like the example in DESIGN.md section 2, plus the
files they reference (docs/runbook.md, docs/dr-plan.md,
docs/threat-model.md, supplier exit plans, empty src/ and infra/) so path
checks pass.

Every manifest validates against shiftleft/schema/manifest.schema.json.
About `--violation-rate` of each group of values (RTO, RPO, SLO, strategy,
topology, DR test, backups, TLS, ...) breaks the default tier policy, so
rules fire the way they would on a real estate. Service i depends on up to
`--fanout` services with a higher index (no cycles, no unknown names), a mix
of hard and soft dependencies, most soft ones with a fallback.

Standard library only, deterministic for a given seed and N, and fast
(10,000 services in a few seconds): manifests are rendered from strings,
not through a YAML emitter.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

NOW = datetime.date(2026, 11, 25)  # matches `--now 2026-11-25` in run.py

MINUTE, HOUR, DAY, WEEK = 60, 3600, 86400, 7 * 86400

# Default tier policy (DESIGN.md section 3), used to pick compliant values
# and deliberate violations. Durations in seconds, test periods in days.
TIERS = {
    0: dict(slo=99.99, rto=15 * MINUTE, rpo=1 * MINUTE, strategy=3, zones=3, regions=2,
            dr_days=182, restore_days=91),
    1: dict(slo=99.95, rto=1 * HOUR, rpo=15 * MINUTE, strategy=2, zones=2, regions=2,
            dr_days=182, restore_days=182),
    2: dict(slo=99.9, rto=4 * HOUR, rpo=1 * HOUR, strategy=1, zones=2, regions=1,
            dr_days=365, restore_days=182),
    3: dict(slo=99.5, rto=24 * HOUR, rpo=24 * HOUR, strategy=0, zones=1, regions=1,
            dr_days=365, restore_days=365),
    4: dict(slo=99.0, rto=72 * HOUR, rpo=24 * HOUR, strategy=0, zones=1, regions=1,
            dr_days=365, restore_days=365),
}
TIER_WEIGHTS = (5, 15, 30, 30, 20)
STRATEGIES = ("backup-restore", "pilot-light", "warm-standby", "active-active")
SLOS = (99.0, 99.5, 99.9, 99.95, 99.99, 99.995)
COVERAGE = {0: "24x7", 1: "24x7", 2: "extended-hours", 3: "business-hours", 4: "best-effort"}
CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")
FRAMEWORKS = ("pci-dss", "soc2", "gdpr", "iso27001", "hipaa", "dora", "nis2")
RESIDENCY = (("eu",), ("us",), ("eu", "uk"), ("eu", "ch"), ("us", "ca"))
REGIONS = ("europe-west1", "europe-west4", "europe-north1", "us-east1", "us-central1",
           "asia-southeast1")
AUTH = ("oidc", "oauth2", "mtls", "iam", "saml", "api-key")
SECRETS = ("vault", "kms", "cloud-secret-manager", "sealed-secrets")
TEAMS = ("checkout", "payments", "catalog", "search", "identity", "shipping", "ledger",
         "growth", "platform", "data", "support", "pricing", "notifications", "risk")
PEOPLE = ("jane.doe", "omar.haddad", "li.wei", "ana.souza", "sam.okafor", "eva.novak",
          "raj.patel", "mia.schmidt", "tom.berg", "ines.garcia")
AUTHORITIES = ("vp-engineering", "vp-commerce", "cto", "head-of-sre", "crisis-board")
NOUNS = ("orders", "payments", "carts", "invoices", "users", "sessions", "prices",
         "shipments", "reviews", "events", "reports", "tickets", "accounts", "quotes")
VERBS = ("Stores", "Serves", "Aggregates", "Routes", "Reconciles", "Indexes",
         "Publishes", "Validates", "Schedules", "Exports")
DEGRADED = ("read-only mode, writes queued", "serves cached data up to 24h old",
            "accepts requests, processes them later", "static fallback page",
            "core reads only, search disabled")
FALLBACKS = ("cached responses, 24h", "queue and retry later", "default values",
             "degrade to read-only", "skip enrichment")
SUPPLIERS = (
    ("stripe", "card payments", "pci-aoc"),
    ("adyen", "card payments", "pci-aoc"),
    ("twilio", "sms delivery", "soc2-type2"),
    ("sendgrid", "transactional email", "soc2-type2"),
    ("datadog", "monitoring", "soc2-type2"),
    ("auth0", "identity provider", "iso27001"),
    ("cloudflare", "cdn and waf", "iso27001"),
    ("snowflake", "data warehouse", "soc2-type2"),
    ("pagerduty", "paging", "soc2-type2"),
    ("segment", "event collection", "iso27001"),
)
WAIVED_RULES = ("SL201", "SL301", "SL302", "SL306", "SL503", "SL705")


def fmt_duration(seconds: int) -> str:
    """Render seconds as the schema's duration syntax (90m -> 1h30m, 72h -> 3d)."""
    if seconds <= 0:
        return "0s"
    out = []
    for unit, size in (("w", WEEK), ("d", DAY), ("h", HOUR), ("m", MINUTE), ("s", 1)):
        if seconds >= size:
            count, seconds = divmod(seconds, size)
            out.append(f"{count}{unit}")
    return "".join(out)


def fmt_list(items: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(items) + "]"


class Corpus:
    """Renders one manifest at a time from a seeded generator."""

    def __init__(self, n: int, seed: int, fanout: int, violation_rate: float) -> None:
        self.n = n
        self.fanout = fanout
        self.rate = violation_rate
        self.rng = random.Random(seed)
        self.width = max(5, len(str(n)))
        self.now_ordinal = NOW.toordinal()

    def name(self, index: int) -> str:
        return f"svc-{index:0{self.width}d}"

    def bad(self, factor: float = 1.0) -> bool:
        """True for a deliberate violation, with probability rate * factor."""
        return self.rng.random() < self.rate * factor

    def days_ago(self, low: int, high: int) -> str:
        ordinal = self.now_ordinal - self.rng.randint(low, high)
        return datetime.date.fromordinal(ordinal).isoformat()

    def dated(self, period_days: int, stale_factor: float = 1.0) -> str:
        """A date within `period_days` of NOW, or older than that for a violation."""
        if self.bad(stale_factor):
            return self.days_ago(period_days + 5, period_days + 400)
        return self.days_ago(3, max(4, period_days - 5))

    def render(self, index: int) -> tuple[str, list[str]]:
        """Return (manifest text, extra referenced files relative to its folder)."""
        rng = self.rng
        name = self.name(index)
        tier = rng.choices(range(5), TIER_WEIGHTS)[0]
        pol = TIERS[tier]
        team = rng.choice(TEAMS)
        extra_files: list[str] = []

        lifecycle = rng.choices(("production", "experimental", "deprecated"), (85, 10, 5))[0]
        classification = CLASSIFICATIONS[min(3, max(0, 3 - tier + rng.randint(-1, 1)))]
        personal = classification in ("confidential", "restricted") and rng.random() < 0.6
        frameworks = sorted(rng.sample(FRAMEWORKS, rng.randint(0, 3)))
        if personal and "gdpr" not in frameworks and not self.bad():
            frameworks.append("gdpr")
        residency = rng.choice(RESIDENCY)

        slo_floor = pol["slo"]
        if self.bad():
            slo = max(s for s in SLOS if s < slo_floor) if slo_floor > SLOS[0] else 98.5
        else:
            slo = rng.choice([s for s in SLOS if s >= slo_floor])
        zones = pol["zones"] + rng.randint(0, 1)
        nregions = pol["regions"] + (1 if rng.random() < 0.1 else 0)
        if self.bad():
            zones = max(1, pol["zones"] - 1)
            nregions = max(1, pol["regions"] - 1)
        regions = rng.sample(REGIONS, nregions)
        replicas = max(1, zones) + rng.randint(0, 3)

        rto_cap, rpo_cap = pol["rto"], pol["rpo"]
        rto = rto_cap * rng.randint(2, 6) if self.bad() else rto_cap * rng.randint(1, 4) // 4
        rpo = rpo_cap * rng.randint(2, 4) if self.bad() else rpo_cap * rng.randint(1, 4) // 4
        rto = max(rto, MINUTE)
        rpo = max(rpo, MINUTE)
        strategy_index = pol["strategy"] + rng.randint(0, 1)
        if self.bad() and pol["strategy"] > 0:
            strategy_index = pol["strategy"] - 1
        strategy = STRATEGIES[min(3, strategy_index)]

        test_result = "pass"
        measured_rto = rto * rng.randint(5, 10) // 10
        measured_rpo = rpo * rng.randint(2, 10) // 10
        if self.bad(0.5):
            test_result = rng.choice(("partial", "fail"))
            measured_rto = rto + rto * rng.randint(1, 10) // 10 + MINUTE
        last_test = self.dated(pol["dr_days"])

        backup_freq = max(MINUTE, min(rpo, rpo_cap))
        if self.bad():
            backup_freq = rpo * 2
        retention_days = rng.choice((7, 14, 30, 35, 90, 365))
        offsite = "false" if (tier <= 3 and self.bad()) or (tier == 4 and rng.random() < 0.5) \
            else "true"
        immutable = "true" if rng.random() < 0.7 else "false"
        encrypted = "false" if self.bad(0.5) else "true"
        restore_test = self.dated(pol["restore_days"])

        err_rate = rng.choice((1, 2, 5, 10))
        latency = rng.choice(("1s", "2s", "3s", "5s"))
        major_duration = rng.choice((5, 10, 15, 30)) * MINUTE
        users = rng.choice((5, 10, 20, 25))
        outage = max(rto_cap // 2, 5 * MINUTE)
        if self.bad():
            outage = rto * 2  # disaster declared only after the RTO has passed

        internet = tier <= 2 and rng.random() < 0.5
        auth = "none" if internet and self.bad(0.5) else rng.choice(AUTH)
        min_tls = rng.choice(("1.0", "1.1")) if self.bad(0.7) else rng.choice(("1.2", "1.3"))
        at_rest = "false" if self.bad(0.5) else "true"
        secrets = "environment" if self.bad(0.5) else rng.choice(SECRETS)
        reviewed = self.dated(365)
        sdlc = ["true" if not self.bad(0.5) else "false" for _ in range(4)]

        owner_person = rng.choice(PEOPLE)
        process_owner = "" if self.bad(0.5) else f"    process_owner: {team}-incident-lead\n"
        coverage = COVERAGE[tier]
        if tier <= 1 and self.bad():
            coverage = "business-hours"
        degraded = "" if self.bad(0.5) else f"    degraded_mode: {rng.choice(DEGRADED)}\n"
        authority = "" if self.bad(0.5) else \
            f"    invocation_authority: {rng.choice(AUTHORITIES)}\n"
        extension = f"  x-cost-center: cc-{rng.randint(1000, 9999)}\n" \
            if rng.random() < 0.3 else ""

        deps = []
        if index < self.n and self.fanout > 0:
            higher = range(index + 1, self.n + 1)
            for target in sorted(rng.sample(higher, min(self.fanout, len(higher)))):
                dep = self.name(target)
                if rng.random() < 0.5:
                    deps.append(f"    - {{service: {dep}, hard: true}}\n")
                elif rng.random() < 0.8:
                    fallback = rng.choice(FALLBACKS)
                    deps.append(f'    - {{service: {dep}, hard: false, fallback: "{fallback}"}}\n')
                else:
                    deps.append(f"    - {{service: {dep}, hard: false}}\n")
        dependencies = "  dependencies:\n" + "".join(deps) if deps else "  dependencies: []\n"

        suppliers = []
        for sup_name, function, assurance in rng.sample(SUPPLIERS, rng.randint(0, 2)):
            hard = rng.random() < 0.5
            sla = rng.choice((99.9, 99.95, 99.99))
            lines = [
                f"    - name: {sup_name}\n",
                f"      function: {function}\n",
                f"      hard: {'true' if hard else 'false'}\n",
                f"      sla: {{availability: {sla}, rto: {fmt_duration(rng.choice((1, 4, 8)) * HOUR)}}}\n",
            ]
            if not (hard and self.bad()):
                ref = f"docs/suppliers/{sup_name}-exit.md"
                extra_files.append(ref)
                lines.append(f"      exit_plan: {{ref: {ref}, tested: {self.dated(365)}}}\n")
                switch = rng.choice((15, 30, 60, 240)) * MINUTE
                lines.append("      fallback: manual switch to the secondary provider\n")
                lines.append(f"      switch_time: {fmt_duration(switch)}\n")
            lines.append(f"      assurance: {{type: {assurance}, date: {self.dated(365)}}}\n")
            lines.append(f"      data_locations: {fmt_list(residency)}\n")
            suppliers.append("".join(lines))
        suppliers_block = "  suppliers:\n" + "".join(suppliers) if suppliers else ""

        waivers = ""
        if rng.random() < 0.05:
            expires = (datetime.date.fromordinal(self.now_ordinal + rng.randint(-60, 300))
                       .isoformat())
            waivers = (
                "  waivers:\n"
                f"    - {{rule: {rng.choice(WAIVED_RULES)}, reason: accepted until the migration,\n"
                f"       approved_by: architecture-board, ticket: RISK-{rng.randint(100, 999)},"
                f" expires: {expires}}}\n"
            )

        text = (
            "# yaml-language-server: $schema=https://shiftleft.dev/schemas/manifest-v1.json\n"
            "apiVersion: shiftleft/v1\n"
            "kind: Service\n"
            "metadata:\n"
            f"  name: {name}\n"
            f"  description: {rng.choice(VERBS)} {rng.choice(NOUNS)} for the {team} domain\n"
            f"  owner: team-{team}\n"
            "  people:\n"
            f"    service_owner: {owner_person}\n"
            f"{process_owner}"
            f"    oncall: {{rotation: {team}-primary, coverage: {coverage}, escalation: {team}-duty}}\n"
            "spec:\n"
            f"  tier: {tier}\n"
            f"  lifecycle: {lifecycle}\n"
            "  paths:\n"
            "    code: [src]\n"
            "    infrastructure: [infra]\n"
            "  data:\n"
            f"    classification: {classification}\n"
            f"    personal_data: {'true' if personal else 'false'}\n"
            "  compliance:\n"
            f"    frameworks: {fmt_list(frameworks)}\n"
            f"    data_residency: {fmt_list(residency)}\n"
            "  availability:\n"
            f"    slo: {slo}\n"
            "    window: 30d\n"
            f"    zones: {zones}\n"
            f"    regions: {fmt_list(regions)}\n"
            f"    min_replicas: {replicas}\n"
            "  continuity:\n"
            f"    rto: {fmt_duration(rto)}\n"
            f"    rpo: {fmt_duration(rpo)}\n"
            f"    strategy: {strategy}\n"
            "    plan: docs/dr-plan.md\n"
            f"{degraded}"
            f"    last_test: {{date: {last_test}, result: {test_result}, "
            f"measured_rto: {fmt_duration(measured_rto)}, measured_rpo: {fmt_duration(measured_rpo)}}}\n"
            "    backups:\n"
            f"      frequency: {fmt_duration(backup_freq)}\n"
            f"      retention: {retention_days}d\n"
            f"      offsite: {offsite}\n"
            f"      immutable: {immutable}\n"
            f"      encrypted: {encrypted}\n"
            f"      last_restore_test: {restore_test}\n"
            "  incident:\n"
            "    runbook: docs/runbook.md\n"
            "    thresholds:\n"
            f"      major: {{error_rate: {err_rate}%, latency_p99: {latency}, "
            f"duration: {fmt_duration(major_duration)}, users_affected: {users}%}}\n"
            f"      disaster: {{outage: {fmt_duration(outage)}, region_loss: {'true' if tier <= 2 else 'false'}, "
            "data_corruption: true}\n"
            f"{authority}"
            "  security:\n"
            f"    internet_facing: {'true' if internet else 'false'}\n"
            f"    encryption: {{at_rest: {at_rest}, in_transit: true, min_tls: \"{min_tls}\"}}\n"
            f"    authentication: {auth}\n"
            f"    secrets: {secrets}\n"
            f"    threat_model: {{ref: docs/threat-model.md, reviewed: {reviewed}}}\n"
            f"    sdlc: {{sast: {sdlc[0]}, dependency_scan: {sdlc[1]}, code_review: {sdlc[2]}, "
            f"sbom: {sdlc[3]}}}\n"
            f"{dependencies}"
            f"{suppliers_block}"
            f"{waivers}"
            f"{extension}"
        )
        return text, extra_files


DOC = "# {title}\n\nSynthetic document for the shiftleft benchmark corpus ({name}).\n"


def write_service(folder: str, name: str, text: str, extra_files: list[str]) -> None:
    """Write the manifest and the files it references.

    `src/` and `infra/` are left empty: they only need to exist for path
    checks (evidence scanners are off in these benchmarks), and file creation
    dominates generation time on slow disks.
    """
    for sub in ("docs", "src", "infra"):
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
    files = {
        "shiftleft.yaml": text,
        "docs/runbook.md": DOC.format(title="Runbook", name=name),
        "docs/dr-plan.md": DOC.format(title="Disaster recovery plan", name=name),
        "docs/threat-model.md": DOC.format(title="Threat model", name=name),
    }
    if extra_files:
        os.makedirs(os.path.join(folder, "docs", "suppliers"), exist_ok=True)
        for ref in extra_files:
            files[ref] = DOC.format(title="Supplier exit plan", name=name)
    for rel, content in files.items():
        with open(os.path.join(folder, rel), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(content)


def generate(
    n: int, outdir: str | Path, *, seed: int = 0, fanout: int = 3, violation_rate: float = 0.15
) -> list[Path]:
    """Write n services under outdir; return the manifest paths in index order."""
    corpus = Corpus(n, seed, fanout, violation_rate)
    root = os.fspath(outdir)
    manifests = []
    for index in range(1, n + 1):
        name = corpus.name(index)
        text, extra = corpus.render(index)
        folder = os.path.join(root, name)
        write_service(folder, name, text, extra)
        manifests.append(Path(folder, "shiftleft.yaml"))
    return manifests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of services")
    parser.add_argument("outdir", type=Path, help="folder to write svc-*/ into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--fanout", type=int, default=3,
                        help="dependencies per service, on higher-index services (default 3)")
    parser.add_argument("--violation-rate", type=float, default=0.15,
                        help="share of value groups that break the tier policy (default 0.15)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    if args.fanout < 0:
        parser.error("--fanout must be >= 0")
    start = time.perf_counter()
    manifests = generate(args.n, args.outdir, seed=args.seed, fanout=args.fanout,
                         violation_rate=args.violation_rate)
    elapsed = time.perf_counter() - start
    print(f"wrote {len(manifests)} services to {args.outdir} in {elapsed:.2f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
