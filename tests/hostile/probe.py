"""Run corpus cases and show what they give today: `python -m tests.hostile.probe [NAME or CATEGORY ...]`.

`--write` rewrites expected.py from today's output (for a new case, or an intended change of a message):
review its diff line by line before committing, as with any snapshot.
"""

from __future__ import annotations

import pprint
import sys
import tempfile
import time
from pathlib import Path

from tests.hostile.cases import CASES
from tests.hostile.corpus import build, outcome, run


def main() -> None:
    write = "--write" in sys.argv
    names = {a for a in sys.argv[1:] if a != "--write"}
    found: dict[str, tuple[tuple[str, ...], str]] = {}
    for case in CASES:
        if names and case.name not in names and case.category not in names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            repo = build(case, Path(tmp))
            start = time.perf_counter()
            done = run(case, repo)
            seconds = time.perf_counter() - start
            lines, err = outcome(done, repo)
        found[case.name] = (lines, err)
        print(f"== {case.name} code={done.returncode} (expected {case.code}) {seconds:.2f}s")
        for line in lines[:8]:
            print(f"   {line[:300]!r}")
        if err:
            print(f"   ERR {err[:300]!r}")
    if write:
        from tests.hostile import expected

        table = {**expected.EXPECTED, **found} if names else found
        order = [c.name for c in CASES if c.name in table]
        body = pprint.pformat({n: table[n] for n in order}, width=118, sort_dicts=False)
        body = body.encode("ascii", "backslashreplace").decode("ascii")  # confusables shown as escapes
        path = Path(expected.__file__)
        head = path.read_text(encoding="utf-8").split("EXPECTED = ", 1)[0]
        path.write_text(f"{head}EXPECTED = {body}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
