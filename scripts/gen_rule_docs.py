"""Build docs/rules/ from the rule files: `python scripts/gen_rule_docs.py [--check]`.

One page per rule (docs/rules/SL301.md) and an index (docs/rules/README.md) by
category and by framework control. `--check` writes nothing and exits 1 when
a page is missing, stale or left over from a deleted rule;
`tests/unit/policy/test_catalog.py` runs it, so the docs cannot drift from the rules.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shiftleft.policy import catalog, ruledoc  # noqa: E402

OUT = ROOT / "docs" / "rules"


def pages() -> dict[str, str]:
    """File name under docs/rules/ -> content."""
    rules = catalog.load([(ROOT / "rules", "rules")]).rules
    out = {f"{r.id}.md": ruledoc.markdown(r) for r in rules}
    out["README.md"] = ruledoc.index(rules)
    return out


def main(argv: list[str]) -> int:
    check = argv == ["--check"]
    if argv and not check:
        print("usage: python scripts/gen_rule_docs.py [--check]", file=sys.stderr)
        return 2
    wanted = pages()
    existing = {p.name for p in OUT.glob("*.md")} if OUT.is_dir() else set()
    stale = sorted(n for n, text in wanted.items() if not (OUT / n).is_file() or (OUT / n).read_text("utf-8") != text)
    extra = sorted(existing - set(wanted))
    if check:
        for name in stale:
            print(f"docs/rules/{name} is out of date")
        for name in extra:
            print(f"docs/rules/{name} has no rule any more")
        if stale or extra:
            print("run: python scripts/gen_rule_docs.py", file=sys.stderr)
            return 1
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (OUT / name).write_text(wanted[name], encoding="utf-8")
    for name in extra:
        (OUT / name).unlink()
    print(f"docs/rules: {len(stale)} written, {len(extra)} removed, {len(wanted)} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
