"""The HTML report's view model: the data `report.html.j2` renders, snapshotted as JSON.

A wrong number shows as one changed line of the snapshot; a style or markup change in the template does not touch
it. The rendered page's structure is checked in a real browser (tests/e2e/test_report_browser.py). Regenerate the
snapshot after an intended change with `SHIFTLEFT_UPDATE_SNAPSHOTS=1 python -m pytest tests/unit/formatters` and
review the diff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import os
import re
from pathlib import Path
from typing import Any

from shiftleft.formatters import html, portfolio
from tests.formatters import results as fixture
from tests.helpers import TESTS

SNAPSHOT = TESTS / "formatters" / "snapshots" / "report.view.json"
TEMPLATE = Path(html.__file__).resolve().parent.parent / "templates" / "report.html.j2"
RESULT_READ = ("comparison", "fail_on", "failing", "findings", "now", "passed", "policy_changes", "rules", "waived")
"""What the template reads of the RunResult itself; everything else it reads comes from the view model."""
PRESENTATION = ("csp", "version", "tier_colors", "status_colors", "status_words", "short_words", "marks", "spans")
"""Constants and helpers of the page's look: not data, left out of the snapshot."""


def plain(value: Any) -> Any:
    """JSON values for the snapshot: records as objects, enums as their value, dates as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | portfolio.Services):  # Services: the views, built as they are read
        return [plain(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(plain(v) for v in value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"no JSON form for {type(value).__name__} in the view model")


def view() -> dict[str, Any]:
    model = html.view_model(fixture.run_result())
    result = model.pop("result")
    for name in PRESENTATION:
        model.pop(name)
    model["result"] = {name: plain(getattr(result, name)) for name in RESULT_READ}
    return {k: plain(v) for k, v in sorted(model.items())}


def test_view_model_snapshot() -> None:
    text = json.dumps(view(), indent=1, ensure_ascii=False) + "\n"
    if os.environ.get("SHIFTLEFT_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8"), "the view model changed; review it and regenerate the snapshot"


def test_the_snapshot_holds_everything_the_template_reads() -> None:
    """Every top-level name the template uses is in the view model, and it reads only RESULT_READ of `result`."""
    source = TEMPLATE.read_text(encoding="utf-8")
    model = html.view_model(fixture.run_result())
    used = set(re.findall(r"\bresult\.([a-z_]+)", source))
    assert used == set(RESULT_READ)
    assert set(model) == {"result", *PRESENTATION, *(k for k in view() if k != "result")}


def test_key_figures() -> None:
    """The numbers the page's key figures show, spelled out (the snapshot holds the rest)."""
    model = view()
    statuses = [(s["name"], s["status"]) for s in model["view"]["services"]]
    assert statuses == [("broken", "fail"), ("checkout", "fail"), ("payments", "pass"), ("search", "warn")]
    assert (model["failing_services"], len(model["result"]["findings"]), len(model["waivers"])) == (2, 5, 0)
    assert model["donut"]["legend"] == [
        {"status": "pass", "word": "Compliant", "n": 1, "color": "#15803d"},
        {"status": "warn", "word": "Findings below the gate", "n": 1, "color": "#b45309"},
        {"status": "fail", "word": "Failing the gate", "n": 2, "color": "#b91c1c"},
    ]
    assert (len(model["graph"]["nodes"]), len(model["graph"]["edges"])) == (5, 3)
