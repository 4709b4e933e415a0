"""Markdown summary for `$GITHUB_STEP_SUMMARY` and pull request comments.

Verdict first, then counts, failing services, expiring waivers, a mermaid
dependency graph and one collapsed section per service with findings. GitHub
rejects a step summary over 1 MiB, so service sections are added until the
budget is reached and a note says what was left out. Written section by
section, each service's view built when its block is
(docs/decisions/0025-streamed-html-and-markdown.md).
"""

from __future__ import annotations

import re
from typing import TextIO

from shiftleft.formatters import Options, portfolio, to_string, waiverview
from shiftleft.formatters.portfolio import FAIL, PASS, WARN, Portfolio, Summary
from shiftleft.formatters.safe import clean, md
from shiftleft.formatters.templating import chunks, markdown_env
from shiftleft.results import RunResult

MAX_BYTES = 1_000_000
"""Below GitHub's 1 MiB (1,048,576 bytes) step summary limit, with room for other steps' text."""
MAX_FAILING_ROWS = 50
MAX_FINDINGS_PER_SERVICE = 50
MAX_GRAPH_NODES = 100
MAX_GRAPH_CHARS = 40_000
"""Mermaid refuses diagrams over 50,000 characters (maxTextSize) and GitHub cannot raise that."""
ICON = {PASS: "✅", WARN: "⚠️", FAIL: "❌"}
STATUS_STYLE = {
    PASS: "fill:#e3f4e8,color:#14532d",
    WARN: "fill:#fff4d6,color:#713f12",
    FAIL: "fill:#fde4e1,color:#7f1d1d",
}
TIER_STROKE = {0: "#7c3aed", 1: "#2563eb", 2: "#0891b2", 3: "#65a30d", 4: "#94a3b8"}
_LABEL_OK = re.compile(r"[A-Za-z0-9 ._-]")
_SERVICES_HEADING = "\n### Services with findings\n\n"


def write(result: RunResult, options: Options, out: TextIO) -> None:
    """The summary section by section: the head, evidence, each service's block as it is rendered, the closing."""
    view = portfolio.build(result)
    env = markdown_env()
    summaries = view.services.summaries
    failing = [i for i, s in enumerate(summaries) if s.status == FAIL]
    warned = [i for i, s in enumerate(summaries) if s.status == WARN]
    passing = [s.name for s in summaries if s.status == PASS]
    graph, graph_note = mermaid(view)
    head = env.get_template("summary.md.j2")
    context = dict(
        result=result,
        view=view,
        icon=ICON,
        failing=[view.services[i] for i in failing[:MAX_FAILING_ROWS]],
        failing_more=max(0, len(failing) - MAX_FAILING_ROWS),
        failing_services=len(failing),
        graph=graph,
        graph_note=graph_note,
        edges=len(view.edges),
        waivers=waiverview.waivers(result),
        downgrades=waiverview.downgrades(result),
        soon=waiverview.SOON_DAYS,
        max_rows=MAX_FAILING_ROWS,
    )
    size = 0
    for chunk in chunks(head, context):
        out.write(chunk)
        size += len(chunk.encode())
    closing = _passing_line(passing)
    budget = MAX_BYTES - size - len(closing.encode()) - 400  # 400: room for the truncation note
    if result.evidence:
        out.write(evidence_section(result))
    service_template = env.get_template("service.md.j2")
    shown = left_out = 0
    for index in failing + warned:
        if left_out:
            left_out += 1
            continue
        service = view.services[index]
        block = service_template.render(
            s=service, icon=ICON, findings=service.findings[:MAX_FINDINGS_PER_SERVICE],
            more=max(0, len(service.findings) - MAX_FINDINGS_PER_SERVICE), fail_on=result.fail_on.value,
        )  # fmt: skip
        size = len(block.encode())
        if size > budget:
            left_out = 1
            continue
        budget -= size
        out.write("" if shown else _SERVICES_HEADING)
        out.write(block)
        shown += 1
    if left_out:
        out.write("" if shown else _SERVICES_HEADING)
        out.write(
            f"\n> **Truncated:** {left_out} more service{'s' if left_out != 1 else ''} with findings "
            "not shown, to stay under GitHub's 1 MiB job summary limit. The JSON, SARIF and HTML reports "
            "list every finding.\n"
        )
    out.write(closing)


def render(result: RunResult, options: Options) -> str:
    return to_string(write, result, options)


def evidence_section(result: RunResult) -> str:
    """How much of what is declared is proven: claim statuses per service and per framework."""
    from shiftleft.formatters import claims
    from shiftleft.formatters.safe import md

    coverage = claims.coverage(result)
    total = claims.counts(claims.rows(result))
    lines = [
        "\n### Evidence: claims against infrastructure and code\n",
        f"{total['verified']} verified, {total['contradicted']} contradicted, {total['unverified']} unverified "
        "(checkov and bandit; docs/evidence.md).\n",
    ]
    for title, table in (("service", coverage["services"]), ("framework", coverage["frameworks"])):
        lines += [f"| {title} | verified | contradicted | unverified |", "|---|---:|---:|---:|"]
        for name, row in list(table.items())[:MAX_FAILING_ROWS]:
            lines.append(f"| {md(name)} | {row['verified']} | {row['contradicted']} | {row['unverified']} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def _passing_line(passing: list[str]) -> str:
    if not passing:
        return ""
    shown = passing[:200]
    names = ", ".join(md(name) for name in shown)
    more = f" and {len(passing) - len(shown)} more" if len(passing) > len(shown) else ""
    return (
        f"\n<details><summary>✅ {len(passing)} service{'s' if len(passing) != 1 else ''} "
        f"without findings</summary>\n\n{names}{more}\n\n</details>\n"
    )


def label(text: str) -> str:
    """Text safe inside a quoted mermaid label: anything but letters, digits, space, `._-` as an entity."""
    return "".join(c if _LABEL_OK.match(c) else f"#{ord(c)};" for c in " ".join(clean(text).split()))


def mermaid(view: Portfolio) -> tuple[str, str]:
    """The flowchart source, and a note when services had to be left out."""
    services: list[Summary] = list(view.services.summaries)
    note = ""
    if len(services) > MAX_GRAPH_NODES:
        keep: dict[str, Summary] = {s.name: s for s in services if s.status != PASS}
        by_name = {s.name: s for s in services}
        for a, b, _hard in view.edges:
            if a in keep and b in by_name:
                keep.setdefault(b, by_name[b])
        selected = list(keep.values())[:MAX_GRAPH_NODES]
        note = f"Showing {len(selected)} of {len(services)} services: those with findings and what they depend on."
        services = selected
    ids = {s.name: f"s{i}" for i, s in enumerate(services)}
    lines = ["flowchart LR"]
    used: set[str] = set()
    for s in services:
        cls = f"{s.status}{s.tier if s.tier in TIER_STROKE else 'x'}"
        used.add(cls)
        tier = f"tier {s.tier}" if s.tier is not None else "tier ?"
        lines.append(f'  {ids[s.name]}["{label(s.name)}<br/>{tier}"]:::{cls}')
    unknown: dict[str, str] = {}
    for a, b, hard in view.edges:
        if a not in ids:
            continue
        if b not in ids:
            if len(view.services) > MAX_GRAPH_NODES:
                continue
            if b not in unknown:
                unknown[b] = f"u{len(unknown)}"
                lines.append(f'  {unknown[b]}["{label(b)}<br/>not in catalog"]:::unknown')
        target = ids.get(b) or unknown[b]
        lines.append(f"  {ids[a]} {'-->' if hard else '-.->'} {target}")
    for cls in sorted(used):
        status, tier = cls[:4], cls[4:]
        stroke = TIER_STROKE.get(int(tier), "#64748b") if tier.isdigit() else "#64748b"
        lines.append(f"  classDef {cls} {STATUS_STYLE[status]},stroke:{stroke},stroke-width:3px")
    if unknown:
        lines.append("  classDef unknown fill:#f1f5f9,color:#334155,stroke:#64748b,stroke-dasharray:4 3")
    text = "\n".join(lines)
    if len(text) > MAX_GRAPH_CHARS:
        return "", f"The dependency graph of {len(services)} services is too large for GitHub's diagram renderer."
    return text, note
