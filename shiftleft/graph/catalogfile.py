"""Exported service catalogs: how one repository's services resolve in another's graph.

`shiftleft catalog export` writes `export(...)`; `catalogs = [...]` in the
configuration reads files with `load(...)`. The format is versioned JSON:

    {"shiftleft_catalog": 1, "generated_by": "shiftleft",
     "services": [{"name": "payments", "tier": 0, "slo": 99.99, "rto": "10m", "rpo": "1m",
                   "owner": "team-payments",
                   "dependencies": [{"service": "ledger", "hard": true, "fallback": false}],
                   "suppliers": [{"name": "stripe", "hard": true, "fallback": true,
                                  "sla": {"availability": 99.99, "rto": "5m", "rpo": "1m"}}]}]}

Values are written as in the manifests (`"24h"`, `99.95`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from shiftleft.errors import ConfigError
from shiftleft.graph.nodes import Link, Node, duration, percent
from shiftleft.manifest.values import real_fallback

VERSION = 1
_NAME = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\Z")
_MAX_BYTES = 64 * 1024 * 1024


def export(raws: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The catalog document for valid manifests as written (`Manifest.raw`), in name order."""
    services = []
    for raw in raws:
        spec = raw.get("spec", {})
        meta = raw.get("metadata", {})
        availability = spec.get("availability", {})
        continuity = spec.get("continuity", {})
        entry: dict[str, Any] = {"name": meta.get("name"), "tier": spec.get("tier")}
        for key, value in (("slo", availability.get("slo")), ("rto", continuity.get("rto")),
                           ("rpo", continuity.get("rpo")), ("owner", meta.get("owner"))):  # fmt: skip
            if value is not None:
                entry[key] = value
        entry["dependencies"] = [
            {
                "service": d["service"],
                "hard": d.get("hard", True) is not False,
                "fallback": real_fallback(d.get("fallback")),
            }
            for d in spec.get("dependencies", [])
        ]
        entry["suppliers"] = [_supplier(s) for s in spec.get("suppliers", [])]
        services.append(entry)
    services.sort(key=lambda e: str(e["name"]))
    return {"shiftleft_catalog": VERSION, "generated_by": "shiftleft", "services": services}


def _supplier(entry: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": entry["name"],
        "hard": entry.get("hard", True) is not False,
        "fallback": real_fallback(entry.get("fallback")),
    }
    if entry.get("sla"):
        out["sla"] = dict(entry["sla"])
    return out


def load(path: Path, display: str) -> list[Node]:
    """Services of an exported catalog file. Raises ConfigError naming the file."""
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise ConfigError("catalog file is larger than 64 MiB", file=display)
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as e:
        raise ConfigError(f"cannot read catalog: {e.strerror or e}", file=display) from None
    except UnicodeDecodeError:
        raise ConfigError("catalog is not valid UTF-8", file=display) from None
    except json.JSONDecodeError as e:
        raise ConfigError(f"catalog is not JSON: {e.msg}", file=display, line=e.lineno, col=e.colno) from None
    if not isinstance(data, dict) or "shiftleft_catalog" not in data:
        raise ConfigError("not a shiftleft catalog (no shiftleft_catalog version); "
                          "write one with `shiftleft catalog export`", file=display)  # fmt: skip
    if data["shiftleft_catalog"] != VERSION:
        raise ConfigError(
            f"catalog version {data['shiftleft_catalog']!r} is not supported (this shiftleft reads version {VERSION})",
            file=display,
        )
    try:
        return entries(data.get("services"))
    except ValueError as e:
        raise ConfigError(f"catalog: {e}", file=display) from None


def entries(services: Any) -> list[Node]:
    """Nodes from a list of catalog entries (also the `x-catalog` of rule examples). Raises ValueError."""
    if not isinstance(services, list):
        raise ValueError("services must be a list")
    nodes = []
    seen: set[str] = set()
    for i, entry in enumerate(services):
        node = _entry(entry, f"services[{i}]")
        if node.name in seen:
            raise ValueError(f"services[{i}]: service {node.name!r} is listed twice")
        seen.add(node.name)
        nodes.append(node)
    return nodes


def _entry(entry: Any, where: str) -> Node:
    if not isinstance(entry, dict):
        raise ValueError(f"{where} must be an object with name, tier, slo, rto, rpo, ...")
    unknown = set(entry) - {"name", "tier", "slo", "rto", "rpo", "owner", "dependencies", "suppliers"}
    if unknown:
        raise ValueError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"{where}.name must be a service name (RFC 1123 label), not {name!r}")
    tier = entry.get("tier")
    if tier is not None and (not isinstance(tier, int) or isinstance(tier, bool) or tier < 0):
        raise ValueError(f"{where}.tier must be a whole number, not {tier!r}")
    owner = entry.get("owner")
    if owner is not None and not isinstance(owner, str):
        raise ValueError(f"{where}.owner must be a string")
    try:
        slo, rto, rpo = percent(entry.get("slo")), duration(entry.get("rto")), duration(entry.get("rpo"))
    except ValueError as e:
        raise ValueError(f"{where}: {e}") from None
    deps = [_link(d, f"{where}.dependencies[{k}]", "service")
            for k, d in enumerate(_list(entry, "dependencies", where))]  # fmt: skip
    sups = [_link(s, f"{where}.suppliers[{k}]", "name") for k, s in enumerate(_list(entry, "suppliers", where))]
    return Node(name, tier, slo, rto, rpo, owner, tuple(deps), tuple(sups), local=False)


def _list(entry: dict[str, Any], key: str, where: str) -> list[Any]:
    value = entry.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{where}.{key} must be a list")
    return value


def _link(entry: Any, where: str, name_key: str) -> Link:
    if not isinstance(entry, dict) or not isinstance(entry.get(name_key), str):
        raise ValueError(f"{where} must be an object with a {name_key!r}")
    hard, fallback = entry.get("hard", True), entry.get("fallback", False)
    if not isinstance(hard, bool):
        raise ValueError(f"{where}.hard must be true or false")
    sla = entry.get("sla", {})
    if not isinstance(sla, dict):
        raise ValueError(f"{where}.sla must be an object")
    try:
        return Link(entry[name_key], hard, bool(fallback), percent(sla.get("availability")),
                    duration(sla.get("rto")), duration(sla.get("rpo")))  # fmt: skip
    except ValueError as e:
        raise ValueError(f"{where}: {e}") from None
