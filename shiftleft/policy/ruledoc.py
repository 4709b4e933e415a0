"""A rule's documentation, rendered for the terminal (`rules explain`) and as Markdown (docs/rules/).

Both read the same rule file, so the terminal and the generated pages cannot
disagree. Sections are fixed: summary, what it checks, why it matters, how
to fix, references, failing and passing example.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from shiftleft.policy.catalog import FRAMEWORKS, Rule
from shiftleft.vocabulary import Category


def references(rule: Rule) -> list[tuple[str, list[str]]]:
    """(framework full name, controls) in the order the rule lists them."""
    out: dict[str, list[str]] = {}
    for ref in rule.references:
        out.setdefault(ref.framework, []).append(ref.control)
    return [(FRAMEWORKS[f], controls) for f, controls in out.items()]


def _para(text: str, indent: str = "  ", width: int = 78) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), width=width, initial_indent=indent, subsequent_indent=indent)


def _as_of(rule: Rule) -> str:
    return f" (evaluated as of {rule.examples_now})" if rule.examples_now else ""


def explain(rule: Rule, *, severity: str | None = None, disabled: bool = False) -> str:
    """The terminal page of one rule."""
    lines = [f"{rule.id} {rule.name}", *_para(rule.summary, indent=""), ""]
    shown = rule.severity.value
    if severity is not None and severity != shown:
        shown = f"{severity} (configured; the rule's default is {rule.severity.value})"
    lines.append(f"severity: {shown}")
    lines.append(f"category: {rule.category} - {Category(rule.category).heading}")
    if disabled:
        lines.append("status:   disabled by configuration")
    lines.append(f"file:     {rule.file}")
    lines += ["", "What it checks"]
    if rule.builtin and rule.category == "evidence":
        lines += _para(EVIDENCE_BUILTIN)
    elif rule.builtin:
        lines += _para("Checked by the manifest loader itself, before any rule expression runs.")
    else:
        if rule.each:
            lines.append("  for each:     " + ".".join(str(p) for p in rule.each))
        if rule.when is not None:
            lines.append("  applies when: " + " ".join(rule.when.source.split()))
        if rule.check is not None:
            lines.append("  requires:     " + " ".join(rule.check.source.split()))
        lines += [f"  {k + ':':<13} {v}" for k, v in evidence_rows(rule)]
        if rule.location:
            lines.append("  points at:    " + rule.location)
        lines.append("  message:      " + rule.message)
    lines += ["", "Why it matters", *_para(rule.rationale), "", "How to fix", *_para(rule.remediation)]
    if rule.references:
        lines += ["", "References"]
        lines += [f"  {name}: {', '.join(controls)}" for name, controls in references(rule)]
    for kind, title in (("fail", "Failing example"), ("pass", "Passing example")):
        if kind in rule.examples:
            lines += ["", title + _as_of(rule)]
            lines += ["    " + line for line in rule.examples[kind].rstrip().splitlines()]
    if rule.examples_org:
        lines += ["", "Examples use these organisation settings ([tool.shiftleft.org]):"]
        lines += [f"    {k} = {_toml(v)}" for k, v in rule.examples_org.items()]
    return "\n".join(lines) + "\n"


EVIDENCE_BUILTIN = (
    "Reported by the evidence layer (`--evidence`, on in CI) about the scanners themselves: see docs/evidence.md."
)


def evidence_rows(rule: Rule) -> list[tuple[str, str]]:
    """What an evidence rule's `evidence:` block says, as (label, text) rows."""
    block = rule.evidence
    if not block:
        return []
    rows = [("judged by", str(block["scanner"]))]
    if "checks" in block:
        rows.append(("contradicted by", "a failed or suppressed " + ", ".join(block["checks"])))
    if "policy" in block:
        rows.append(("contradicted by", f"shiftleft's checkov policy {block['policy']} with {block['value']}"))
    if "severity" in block:
        rows.append(("contradicted by", f"an issue of severity {block['severity']} or above "
                     f"with confidence {block['confidence']} or above"))  # fmt: skip
    return rows


def markdown(rule: Rule) -> str:
    """The docs/rules/<ID>.md page of one rule."""
    out = [
        f"# {rule.id} {rule.name}",
        "",
        f"**{rule.summary}**",
        "",
        "| severity | category | rule file |",
        "|---|---|---|",
        f"| {rule.severity.value} | [{Category(rule.category).heading}](README.md#{rule.category}) "
        f"| `{rule.file.replace('<shiftleft>/', '')}` |",
        "",
        "## What it checks",
        "",
    ]
    if rule.builtin and rule.category == "evidence":
        out += [EVIDENCE_BUILTIN, ""]
    elif rule.builtin:
        out += ["The manifest loader checks this itself, before any rule expression runs; "
                "a manifest with this problem is not evaluated by the other rules.", ""]  # fmt: skip
    else:
        rows = []
        if rule.each:
            rows.append(("For each element of", "`" + ".".join(str(p) for p in rule.each) + "`"))
        if rule.when is not None:
            rows.append(("Applies when", "`" + " ".join(rule.when.source.split()) + "`"))
        if rule.check is not None:
            rows.append(("Requires", "`" + " ".join(rule.check.source.split()) + "`"))
        rows += [(k.capitalize(), v) for k, v in evidence_rows(rule)]
        if rule.location:
            rows.append(("Finding points at", f"`{rule.location}`"))
        rows.append(("Message", rule.message))
        out += ["| | |", "|---|---|", *(f"| {k} | {_cell(v)} |" for k, v in rows), ""]
        out += ["The expressions are [CEL](../rule-format.md#cel-variables); `tier` is the service's row "
                "of the tier policy (`rules/tiers.yaml`) and `now` the date of the run.", ""]  # fmt: skip
    out += ["## Why it matters", "", _wrap(rule.rationale), "", "## How to fix", "", _wrap(rule.remediation), ""]
    if rule.references:
        out += ["## References", "", "| framework | controls |", "|---|---|"]
        out += [f"| {name} | {', '.join(controls)} |" for name, controls in references(rule)]
        out.append("")
    for kind, title in (("fail", "Failing example"), ("pass", "Passing example")):
        if kind in rule.examples:
            out += [f"## {title}", ""]
            if rule.examples_now:
                out += [f"Evaluated as of {rule.examples_now}.", ""]
            out += ["```yaml", rule.examples[kind].rstrip(), "```", ""]
    if rule.examples_org:
        out += ["The examples use these organisation settings (`[tool.shiftleft.org]`):", "", "```toml"]
        out += [f"{k} = {_toml(v)}" for k, v in rule.examples_org.items()]
        out += ["```", ""]
    out += ["---", "", f"`shiftleft rules explain {rule.id}` shows this page in the terminal. "
            "Generated from the rule file by `scripts/gen_rule_docs.py`; do not edit by hand.", ""]  # fmt: skip
    return "\n".join(out)


def index(rules: Iterable[Rule]) -> str:
    """docs/rules/README.md: rules by category, then by framework control."""
    rules = list(rules)
    out = [
        "# Rule catalog",
        "",
        f"The default catalog ships {len(rules)} rules. Each rule is one YAML file under `rules/` that holds "
        "its logic, its documentation and a failing and a passing example; `shiftleft rules test` runs "
        "those examples, so the pages below cannot drift from what the rules do. "
        "See [the rule format](../rule-format.md) to write your own.",
        "",
        'Severities: **critical** and **high** fail a check by default (`fail_on = "high"`); '
        "**medium**, **low** and **info** are reported. Configuration can override any rule's severity "
        "or disable it (`shiftleft rules list` shows the effective values).",
        "",
        "## Rules by category",
        "",
    ]
    for each in Category:
        category = each.value
        mine = [r for r in rules if r.category == category]
        if not mine:
            continue
        out += [f'<a id="{category}"></a>', "", f"### {each.heading}", ""]
        out += ["| rule | severity | summary | frameworks |", "|---|---|---|---|"]
        for r in mine:
            frameworks = ", ".join(r.frameworks)
            out.append(f"| [{r.id} {r.name}]({r.id}.md) | {r.severity.value} | {r.summary} | {frameworks} |")
        out.append("")
    out += ["## Rules by framework control", "",
            "Which rules give evidence for which control. A rule supports a control; passing it is not, "
            "on its own, compliance with the control.", ""]  # fmt: skip
    for framework, title in FRAMEWORKS.items():
        controls: dict[str, list[str]] = {}
        for r in rules:
            for ref in r.references:
                if ref.framework == framework:
                    controls.setdefault(ref.control, []).append(r.id)
        if not controls:
            continue
        out += [f"### {title}", "", "| control | rules |", "|---|---|"]
        for control in sorted(controls, key=_natural):
            ids = ", ".join(f"[{i}]({i}.md)" for i in dict.fromkeys(controls[control]))
            out.append(f"| {control} | {ids} |")
        out.append("")
    out += ["---", "", "Generated by `scripts/gen_rule_docs.py`; do not edit by hand.", ""]
    return "\n".join(out)


def _natural(text: str) -> list[object]:
    import re

    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(" ".join(text.split()), width=100))


def _toml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    return str(value)
