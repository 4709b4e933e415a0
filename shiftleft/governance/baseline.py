"""The baseline: today's findings recorded by fingerprint, so an existing estate adopts the gate and
only new problems fail (`shiftleft baseline`, then `check --baseline FILE`).

A fingerprint is the rule, the service and the manifest path (or the file for
a finding without one), never a line number: moving a value keeps it
baselined; the same rule firing in another service is new. The file is JSON
(`shiftleft/baseline-v1`), sorted, so it diffs well in review.
"""

from __future__ import annotations

import json
from pathlib import Path

from shiftleft.errors import ConfigError
from shiftleft.results import RunResult

SCHEMA = "shiftleft/baseline-v1"
_HEX = "0123456789abcdef"


def render(result: RunResult) -> str:
    """The baseline of a run: every finding that is not already accepted by a waiver."""
    entries = {
        f.fingerprint: {
            "fingerprint": f.fingerprint,
            "rule": f.rule,
            "service": f.service,
            "path": f.location.path or f.location.file,
        }
        for f in result.findings
        if f.waiver is None or f.waiver.kind == "baseline"
    }
    document = {"schema": SCHEMA, "now": result.now.date().isoformat(),
                "findings": [entries[k] for k in sorted(entries, key=lambda k: (entries[k]["service"],
                                                                                 entries[k]["rule"], k))]}  # fmt: skip
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read(path: Path, shown: str, content: bytes | None = None) -> frozenset[str]:
    """The fingerprints of a baseline file (or of its `content`, read from a commit).

    Raises ConfigError (exit 2) when it cannot be used.
    """
    try:
        data = json.loads(path.read_bytes() if content is None else content)
    except OSError as e:
        raise ConfigError(f"cannot read the baseline: {e.strerror or e}", file=shown) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        line = getattr(e, "lineno", 0)
        raise ConfigError(f"the baseline is not valid JSON: {getattr(e, 'msg', e)}", file=shown, line=line) from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("findings"), list):
        raise ConfigError(f"not a baseline file (expected schema {SCHEMA!r}; write one with `shiftleft baseline`)",
                          file=shown)  # fmt: skip
    out = set()
    for index, entry in enumerate(data["findings"]):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or len(fingerprint) != 16 or fingerprint.strip(_HEX):
            raise ConfigError(f"findings[{index}]: fingerprint must be 16 hex digits", file=shown)
        out.add(fingerprint)
    return frozenset(out)
