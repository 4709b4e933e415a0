"""Time the pre-commit path: `shiftleft check <one manifest file>`.

    python benchmarks/hook.py [--sizes 1] [--repeat 3] [--out benchmarks/results-hook.md]

Same as `python benchmarks/run.py --hook`: shiftleft, check-jsonschema and
the floor each get one manifest (svc-00001/shiftleft.yaml) of a corpus of
`--sizes` services (default 1), and the hook budgets are judged. Every
option of run.py applies.
"""

from __future__ import annotations

import sys

import run


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    return run.main(["--hook", *[a for a in args if a != "--hook"]])


if __name__ == "__main__":
    raise SystemExit(main())
