"""Self-contained HTML portfolio report for architects.

One file: inline CSS and inline SVG, no scripts, no external assets, a
Content-Security-Policy that forbids both. Rendered from
templates/report.html.j2 with autoescape on; manifest values only ever reach
the page as escaped text, never as an href or src.

The page is written as the template produces it, and each service's view is
built when the template reaches it, so a report of 10,000 services is never
one string or one list of views in memory
(docs/decisions/0025-streamed-html-and-markdown.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TextIO

from shiftleft import __version__
from shiftleft.formatters import Options, portfolio, to_string, waiverview
from shiftleft.formatters.portfolio import FAIL, PASS, WARN, Portfolio, Summary
from shiftleft.formatters.templating import html_env, stream
from shiftleft.results import RunResult

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
TIER_COLORS = {0: "#6d28d9", 1: "#1d4ed8", 2: "#0e7490", 3: "#4d7c0f", 4: "#64748b"}
STATUS_COLORS = {PASS: "#15803d", WARN: "#b45309", FAIL: "#b91c1c"}
STATUS_WORDS = {PASS: "Compliant", WARN: "Findings below the gate", FAIL: "Failing the gate"}
SHORT_WORDS = {PASS: "Compliant", WARN: "Below gate", FAIL: "Failing"}
MARKS = {PASS: "✓", WARN: "!", FAIL: "✕", "n/a": "\u2013"}  # en dash: not applicable
MAX_GRAPH_NODES = 120


def write(result: RunResult, options: Options, out: TextIO) -> None:
    stream(html_env().get_template("report.html.j2"), view_model(result), out)


def render(result: RunResult, options: Options) -> str:
    return to_string(write, result, options)


def view_model(result: RunResult) -> dict[str, Any]:
    """Everything the template renders, as data (tests snapshot it; the page's structure is checked in a browser)."""
    view = portfolio.build(result)
    return dict(
        result=result,
        view=view,
        version=__version__,
        csp=CSP,
        tier_colors=TIER_COLORS,
        status_colors=STATUS_COLORS,
        status_words=STATUS_WORDS,
        short_words=SHORT_WORDS,
        marks=MARKS,
        tier_chart=tier_chart(view),
        donut=donut(view),
        graph=graph(view),
        frameworks=_by_framework(view),
        failing_services=dict(view.by_status)[FAIL],
        waivers=waiverview.waivers(result),
        downgrades=waiverview.downgrades(result),
        spans=spans,
        evidence=_evidence(result),
    )


def _evidence(result: RunResult) -> dict[str, object] | None:
    """Claim statuses per service and per framework, when evidence ran (None: the section is left out)."""
    if not result.evidence:
        return None
    from shiftleft.formatters import claims

    every = claims.rows(result)
    return {"total": claims.counts(every), **claims.coverage(result)}


def spans(text: str) -> list[tuple[bool, str]]:
    """Remediation text as (is_code, text) pieces: paired backticks become code, as in the rule docs."""
    text = " ".join(text.split())
    parts = text.split("`")
    if len(parts) % 2 == 0:
        return [(False, text)]
    return [(i % 2 == 1, p) for i, p in enumerate(parts) if p]


def tier_chart(view: Portfolio) -> dict[str, Any]:
    """Horizontal stacked bars, one per tier: compliant, below the gate, failing."""
    rows = []
    biggest = max((p + w + f for _l, p, w, f in view.by_tier), default=0) or 1
    names = {n: str(row.get("name", "")) for n, row in view.tiers}
    width = 300
    for i, (label, passed, warned, failed) in enumerate(view.by_tier):
        number = label.removeprefix("Tier ")
        x = 0.0
        segments = []
        for status, n in ((PASS, passed), (WARN, warned), (FAIL, failed)):
            w = width * n / biggest
            if n:
                segments.append({"x": round(x, 1), "w": round(w, 1), "color": STATUS_COLORS[status], "n": n})
            x += w
        name = names.get(int(number), "") if number.isdigit() else "not in policy"
        rows.append({"y": i * 34, "label": label, "name": name, "segments": segments, "total": passed + warned + failed,
                     "end": round(x, 1)})  # fmt: skip
    return {"rows": rows, "height": max(1, len(rows)) * 34, "width": width}


def donut(view: Portfolio) -> dict[str, Any]:
    radius = 52
    circumference = 2 * math.pi * radius
    total = sum(n for _s, n in view.by_status)
    arcs = []
    offset = 0.0
    for status, n in view.by_status:
        if not n or not total:
            continue
        length = circumference * n / total
        arcs.append({"color": STATUS_COLORS[status], "dash": f"{length:.2f} {circumference - length:.2f}",
                     "offset": f"{-offset:.2f}"})  # fmt: skip
        offset += length
    legend = [{"status": s, "word": STATUS_WORDS[s], "n": n, "color": STATUS_COLORS[s]} for s, n in view.by_status]
    compliant = dict(view.by_status).get(PASS, 0)
    return {"r": radius, "arcs": arcs, "legend": legend, "total": total, "compliant": compliant}


@dataclass(frozen=True)
class _Node:
    name: str
    label: str
    sub: str
    x: int
    y: int
    status: str
    tier_color: str
    known: bool


NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD, HEAD, PORT = 160, 46, 64, 44, 16, 36, 9


def graph(view: Portfolio) -> dict[str, Any]:
    """A layered layout, one column per tier (most critical on the left), with orthogonal edges.

    Nodes sit on a grid; edges run only through the gaps between columns and the
    corridors between rows, so an edge never crosses a node.
    """
    services: list[Summary] = list(view.services.summaries)
    note = ""
    if len(services) > MAX_GRAPH_NODES:
        by_name = {s.name: s for s in services}
        keep: dict[str, Summary] = {s.name: s for s in services if s.status != PASS}
        for a, b, _hard in view.edges:
            if a in keep and b in by_name:
                keep.setdefault(b, by_name[b])
        services = list(keep.values())[:MAX_GRAPH_NODES]
        note = f"Showing {len(services)} of {len(view.services)} services: those with findings and what they depend on."
    names = {s.name for s in services}
    catalog = {s.name for s in view.services.summaries}
    unknown = sorted({b for a, b, _h in view.edges if a in names and b not in catalog})
    columns: dict[int, list[tuple[str, str, str, str, bool]]] = {}
    for s in services:
        key = s.tier if s.tier is not None else 99
        count = s.finding_count
        sub = (f"tier {s.tier}" if s.tier is not None else "tier ?") + (
            f" · {count} finding{'s' if count != 1 else ''}" if count else " · compliant"
        )
        color = TIER_COLORS.get(s.tier, "#64748b") if s.tier is not None else "#64748b"
        columns.setdefault(key, []).append((s.name, sub, s.status, color, True))
    for name in unknown[: max(0, MAX_GRAPH_NODES - len(services))]:
        columns.setdefault(100, []).append((name, "not in catalog", "unknown", "#94a3b8", False))
    nodes: dict[str, _Node] = {}
    place: dict[str, tuple[int, int]] = {}
    headers = []
    for col, key in enumerate(sorted(columns)):
        x = PAD + col * (NODE_W + COL_GAP)
        title = f"Tier {key}" if key < 99 else ("Tier unknown" if key == 99 else "Not in catalog")
        headers.append({"x": x + NODE_W / 2, "text": title})
        for row, (name, sub, status, color, known) in enumerate(columns[key]):
            y = HEAD + ROW_GAP + row * (NODE_H + ROW_GAP)
            short = name if len(name) <= 21 else name[:20] + "…"
            nodes[name] = _Node(name, short, sub, x, y, status, color, known)
            place[name] = (col, row)
    edges = []
    lanes = _Lanes()
    # Hard dependencies first, so they get the lanes nearest the nodes.
    for a, b, hard in sorted(view.edges, key=lambda e: (not e[2], place.get(e[0], (0, 0)), place.get(e[1], (0, 0)))):
        if a not in nodes or b not in nodes or a == b:
            continue
        edges.append({"d": _route(place[a], place[b], hard, lanes), "hard": hard})
    rows = max((len(c) for c in columns.values()), default=0)
    width = PAD * 2 + max(1, len(columns)) * (NODE_W + COL_GAP)
    height = HEAD + ROW_GAP + rows * (NODE_H + ROW_GAP)
    return {"nodes": list(nodes.values()), "edges": edges, "headers": headers, "width": width, "height": height,
            "note": note, "w": NODE_W, "h": NODE_H}  # fmt: skip


class _Lanes:
    """Hands out parallel tracks in the gaps between columns and the corridors between rows."""

    def __init__(self) -> None:
        self.used: dict[tuple[str, int], int] = {}

    def take(self, kind: str, index: int, room: int) -> int:
        slot = self.used.get((kind, index), 0)
        self.used[(kind, index)] = slot + 1
        return 8 + (slot * 6) % max(6, room - 16)


def _route(src: tuple[int, int], dst: tuple[int, int], hard: bool, lanes: _Lanes) -> str:
    """An orthogonal path from the side of `src` facing `dst` to the facing side of `dst`.

    Vertical runs use the gaps between columns, horizontal runs the corridors
    between rows; hard dependencies run above the target's row, soft ones below.
    """
    (ca, ra), (cb, rb) = src, dst
    xa, xb = PAD + ca * (NODE_W + COL_GAP), PAD + cb * (NODE_W + COL_GAP)
    # Edges leave a box in its upper half and arrive in its lower half, so an edge going out and
    # one coming in on the same side never share a segment (which read as one edge, backwards).
    ya = HEAD + ROW_GAP + ra * (NODE_H + ROW_GAP) + NODE_H // 2 - PORT
    yb = HEAD + ROW_GAP + rb * (NODE_H + ROW_GAP) + NODE_H // 2 + PORT

    def gap(after_column: int) -> int:  # x of a free track in the gap right of a column
        return PAD + after_column * (NODE_W + COL_GAP) + NODE_W + lanes.take("gap", after_column, COL_GAP)

    if cb == ca:  # same tier: out of the right side and back in
        gx = gap(ca)
        return f"M{xa + NODE_W},{ya} H{gx} V{yb} H{xb + NODE_W + 6}"
    if cb > ca:
        x1, x2, g1 = xa + NODE_W, xb - 6, gap(ca)
    else:
        x1, x2, g1 = xa, xb + NODE_W + 6, gap(ca - 1)
    if abs(cb - ca) == 1:
        return f"M{x1},{ya} H{g1} V{yb} H{x2}"
    g2 = gap(cb - 1) if cb > ca else gap(cb)
    row = rb if hard else rb + 1  # corridor above the target row, or below it
    cy = HEAD + row * (NODE_H + ROW_GAP) + lanes.take("corridor", row, ROW_GAP)
    return f"M{x1},{ya} H{g1} V{cy} H{g2} V{yb} H{x2}"


def _by_framework(view: Portfolio) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for control in view.controls:
        if not out or out[-1]["id"] != control.framework:
            out.append({"id": control.framework, "name": control.framework_name, "controls": []})
        total = control.satisfy + control.fail + control.below + control.waive
        out[-1]["controls"].append(
            {"c": control, "pct": round(100 * control.satisfy / total) if total else 0, "total": total}
        )
    return out
